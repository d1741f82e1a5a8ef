/**
 * Plugs the vision adapters (vision-adapters.ts) onto the configured cameras: the face camera of a
 * people lane, the plate cameras of a vehicle lane. The pipelines and onnxruntime are imported on
 * first use only, so a lane without cameras never loads them. A model that cannot be loaded is
 * reported as a fault of the camera that needs it (the flow then suspends: no silent downgrade).
 */
import type { CameraDriver } from '../../../drivers/camera/camera.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { LaneDevice } from './device-adapters.js';
import type { RunnerInputs } from './lane-runner.js';
import type { FacePort, ReaderPort } from './ports.js';
import { FaceCameraPort, PlateCameras, lazy } from './vision-adapters.js';

function camera(devices: readonly LaneDevice[], name: string | undefined): CameraDriver | null {
  const d = name === undefined ? undefined : devices.find((x) => x.name === name);
  return d && d.kind === 'camera' ? (d.driver as CameraDriver) : null;
}

async function toRgbImage(bytes: Uint8Array) {
  const { toRgb } = await import('../../vision/plate/plate-reader.js');
  return toRgb(bytes);
}

export interface FaceWiring {
  port: FacePort;
  /** Loads the models now; on failure reports the camera faulted. Called when the runner starts. */
  preload(inputs: RunnerInputs): void;
}

export function faceWiring(devices: readonly LaneDevice[], cameraName: string | undefined, store: Pick<Store, 'faces'>, clock: Clock): FaceWiring | null {
  const cam = camera(devices, cameraName);
  if (!cam || cameraName === undefined) return null;
  const pipeline = lazy(async () => {
    const [{ FacePipeline }, { DEFAULT_FACE_CONFIG }, { ModelRegistry, defaultModelsDir }] = await Promise.all([
      import('../../vision/face/face-pipeline.js'),
      import('../../vision/face/face-config.js'),
      import('../../vision/models/registry.js'),
    ]);
    return FacePipeline.load(new ModelRegistry({ modelsDir: defaultModelsDir() }), DEFAULT_FACE_CONFIG);
  }, 'face models');
  return {
    port: new FaceCameraPort({ camera: cam, clock, pipeline, searchEnrolled: (m, v, o) => store.faces.searchEnrolled(m, v, o), decode: toRgbImage }),
    preload: (inputs) => void pipeline().catch((err: Error) => inputs.deviceFault(cameraName, err.message)),
  };
}

export interface PlateWiring {
  readers: ReaderPort;
  preload(inputs: RunnerInputs): void;
}

export function plateWiring(
  devices: readonly LaneDevice[],
  names: { front: string | undefined; rear: string | undefined },
  clock: Clock,
  log: Logger,
  inputs: () => RunnerInputs,
): PlateWiring | null {
  const cameras: Array<{ position: 'front' | 'rear'; camera: CameraDriver; name: string }> = [];
  const front = camera(devices, names.front);
  const rear = camera(devices, names.rear);
  if (front) cameras.push({ position: 'front', camera: front, name: names.front! });
  if (rear) cameras.push({ position: 'rear', camera: rear, name: names.rear! });
  if (cameras.length === 0) return null;
  const reader = lazy(async () => {
    const [{ PlateReader }, { loadPlateModels, plateModelRegistry }] = await Promise.all([import('../../vision/plate/plate-reader.js'), import('../../vision/plate/plate-models.js')]);
    return new PlateReader(await loadPlateModels(plateModelRegistry()));
  }, 'plate models');
  const nameOf = (p: 'front' | 'rear') => cameras.find((c) => c.position === p)!.name;
  return {
    readers: new PlateCameras({
      cameras,
      clock,
      readFrame: async (jpeg) => (await (await reader()).readFrame(jpeg)).plates,
      onPlate: (position, read) => inputs().plate(position, read),
      onError: (position, err) => {
        const why = err instanceof Error ? err.message : String(err);
        if (why.includes('unavailable')) inputs().deviceFault(nameOf(position), why);
        else log.warn({ camera: nameOf(position), err: why.slice(0, 160) }, 'plate reading failed for a frame');
      },
    }),
    preload: (i) => void reader().catch((err: Error) => cameras.forEach((c) => i.deviceFault(c.name, err.message))),
  };
}
