import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CameraFrame } from '../../../../drivers/camera/camera.js';
import { FaceCameraPort, lazy } from '../../../../src/lane/runner/vision-adapters.js';
import { systemClock } from '../../../../src/util/clock.js';
import { DEFAULT_FACE_CONFIG } from '../../../../src/vision/face/face-config.js';
import { FacePipeline } from '../../../../src/vision/face/face-pipeline.js';
import { ModelRegistry, defaultModelsDir } from '../../../../src/vision/models/registry.js';
import { toRgb } from '../../../../src/vision/plate/plate-reader.js';

/**
 * The face camera adapter with the real face models on two photos of one person from the shared
 * fixtures (read at run time): capture keeps a usable face and a template, compare finds the
 * subject's enrolled template among the store's candidates.
 */
const FIXTURES = process.env.LANE_FIXTURES ?? resolve(import.meta.dirname, '../../../../../shared/fixtures');
const IMG1 = join(FIXTURES, 'faces/images/deepface__tests_unit_dataset_img1.jpg');
const IMG2 = join(FIXTURES, 'faces/images/deepface__tests_unit_dataset_img2.jpg');
const models = existsSync(join(defaultModelsDir(), 'blazeface.onnx'));

function replay(jpeg: Buffer): { latestFrame(): CameraFrame } {
  let seq = 0;
  return { latestFrame: () => ({ jpeg, width: 0, height: 0, at: Date.now(), seq: ++seq }) };
}

describe('face camera adapter', () => {
  it.skipIf(!existsSync(IMG1) || !models)('captures the best face with real models and scores it against the enrolled template', { timeout: 60_000 }, async () => {
    const pipeline = lazy(() => FacePipeline.load(new ModelRegistry({ modelsDir: defaultModelsDir() }), DEFAULT_FACE_CONFIG), 'face models');
    const enrolPort = new FaceCameraPort({ camera: replay(readFileSync(IMG2)), clock: systemClock, pipeline, searchEnrolled: () => [], decode: toRgb });
    const enrolled = await enrolPort.capture(1);
    expect(enrolled.template).not.toBeNull();

    const port = new FaceCameraPort({
      camera: replay(readFileSync(IMG1)),
      clock: systemClock,
      pipeline,
      // The store's 1:N search, here over one enrolled template of subject S-1.
      searchEnrolled: (_model, vector) => {
        const e = enrolled.template!.vector;
        let dot = 0;
        for (let i = 0; i < e.length; i++) dot += e[i]! * vector[i]!;
        return [{ id: 't1', score: dot, meta: { subjectId: 'S-1', quality: 0.9 } }];
      },
      decode: toRgb,
    });
    const capture = await port.capture(2);
    expect(capture.face).toMatchObject({ matchScore: null, modelId: DEFAULT_FACE_CONFIG.embedder, faceCount: 1 });
    expect(capture.face!.quality).toBeGreaterThan(0);
    const score = await port.compare('S-1', capture.template!);
    expect(score).toBeGreaterThan(0.3); // same person, two photos
    expect(await port.compare(null, capture.template!)).toBeNull();
  });

  it('a model that cannot be loaded fails every capture with one clear reason', async () => {
    const pipeline = lazy<FacePipeline>(async () => {
      throw new Error("model 'blazeface' missing: run npm run models");
    }, 'face models');
    const port = new FaceCameraPort({ camera: replay(Buffer.alloc(0)), clock: systemClock, pipeline, searchEnrolled: () => [], decode: toRgb });
    await expect(port.capture(1)).rejects.toThrow("face models unavailable: model 'blazeface' missing: run npm run models");
    await expect(port.capture(1)).rejects.toThrow(/face models unavailable/);
  });
});
