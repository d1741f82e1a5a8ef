import { describe, expect, it } from 'vitest';
import { diffConfig, type LaneConfig, validateConfigText } from '../../../src/settings/index.js';
import { LANE_HEADER } from './helpers.js';

function configOf(text: string): LaneConfig {
  const result = validateConfigText(text, { env: {}, cwd: '/srv/lane' });
  if (!result.ok) throw new Error(`fixture config invalid: ${JSON.stringify(result.issues)}`);
  return result.config;
}

const BASE = `${LANE_HEADER}devices:
  - { type: serial-line-scanner, name: qr, path: /dev/ttyACM0, role: entry }
`;

describe('diffConfig', () => {
  it('finds no change between equal configs', () => {
    expect(diffConfig(configOf(BASE), configOf(BASE))).toEqual({ live: [], restart: [] });
  });

  it('classifies log level, policy and watchdog as live and everything else as restart', () => {
    const next = configOf(`${BASE}log: { level: debug }
policy: { faceMatchThreshold: 0.6 }
watchdog: { maxEventLoopLagMs: 200 }
mqtt: { enabled: true }
storage: { dataDir: /data }
`);
    const diff = diffConfig(configOf(BASE), next);
    expect(diff.live.sort()).toEqual(['log.level', 'policy.faceMatchThreshold', 'watchdog.maxEventLoopLagMs']);
    expect(diff.restart.sort()).toEqual(['control.socketPath', 'mqtt.enabled', 'storage.dataDir', 'storage.evidenceDir']);
  });

  it('reports device changes by index, and added devices as a whole', () => {
    const next = configOf(`${LANE_HEADER}devices:
  - { type: serial-line-scanner, name: qr, path: /dev/ttyACM1, role: entry }
  - { type: fake-io, name: io, lines: [ { name: door, direction: out } ] }
`);
    expect(diffConfig(configOf(BASE), next)).toEqual({ live: [], restart: ['devices[0].path', 'devices[1]'] });
  });

  it('reports optional keys that appear or disappear', () => {
    const next = configOf(`${BASE.replace('direction: entry', 'direction: entry\n  name: Lane A')}`);
    expect(diffConfig(configOf(BASE), next)).toEqual({ live: [], restart: ['lane.name'] });
    expect(diffConfig(next, configOf(BASE))).toEqual({ live: [], restart: ['lane.name'] });
  });
});
