import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fills the lane config templates (config/demo-people.yaml, config/demo-vehicle.yaml): every `${NAME}`
 * is replaced, and a placeholder without a value is an error (a typo must not reach the daemon as text).
 */
export function fillTemplate(text: string, values: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  const out = text.replace(/\$\{([A-Z_]+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    return value;
  });
  if (missing.size > 0) throw new Error(`config template: no value for ${[...missing].join(', ')}`);
  return out;
}

export interface DemoConfigValues {
  demoDir: string;
  site: string;
  logLevel: string;
  brokerUrl: string;
  peopleDisplayPort: number;
  vehicleDisplayPort: number;
  plcPort: number;
  /** Folder of the user's own face photos, or a V4L2 device: turns the face check on. */
  faces: { kind: 'folder'; path: string } | { kind: 'v4l2'; device: string } | null;
}

/** The two lane configs as text, from the templates in <projectRoot>/config. */
export function renderDemoConfigs(projectRoot: string, v: DemoConfigValues): { people: string; vehicle: string } {
  const faceDevice =
    v.faces === null
      ? ''
      : v.faces.kind === 'folder'
        ? `- { type: camera-replay, name: face-cam, path: ${JSON.stringify(v.faces.path)}, fps: 5 }`
        : `- { type: camera, name: face-cam, source: { kind: v4l2, device: ${JSON.stringify(v.faces.device)} }, fps: 5 }`;
  const values: Record<string, string> = {
    DEMO_DIR: v.demoDir,
    SITE: v.site,
    LOG_LEVEL: v.logLevel,
    BROKER_URL: v.brokerUrl,
    PEOPLE_DISPLAY_PORT: String(v.peopleDisplayPort),
    VEHICLE_DISPLAY_PORT: String(v.vehicleDisplayPort),
    PLC_PORT: String(v.plcPort),
    REQUIRE_FACE: v.faces === null ? 'false' : 'true',
    FACE_FLOW: v.faces === null ? '' : 'faceCamera: face-cam',
    FACE_DEVICE: faceDevice,
  };
  const render = (which: string): string => fillTemplate(readFileSync(join(projectRoot, 'config', `demo-${which}.yaml`), 'utf8'), values);
  return { people: render('people'), vehicle: render('vehicle') };
}

