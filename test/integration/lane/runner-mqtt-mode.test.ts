import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { LaneDaemon } from '../../../src/app/lane-daemon.js';
import { validateConfigText } from '../../../src/settings/validate.js';
import { LogHub } from '../../../src/util/logger.js';
import { startAedes, type AedesBroker } from '../../helpers/aedes-broker.js';
import { waitFor } from '../../helpers/daemon-process.js';
import { cleanupAfterEach } from './lane-hooks.js';

/**
 * The lane's service mode reaches the central system: the retained MQTT state carries it (`closed`
 * is `locked` on the wire) and is announced again when a person changes it.
 */
const STATE = 'bg/v1/mongcai/it-mode-1/state';

const cleanup = cleanupAfterEach();

function laneYaml(dataDir: string, url: string): string {
  const door = (name: string) => `  - type: relay-barrier
    name: ${name}
    role: egress-door
    travelTimeoutMs: 500
    io: { backend: fake, lines: [{ name: open, direction: out }, { name: close, direction: out }, { name: hold-open, direction: out }] }
`;
  return `lane: { id: it-mode-1, site: mongcai, kind: people, direction: entry }
log: { level: silent }
storage: { dataDir: ${dataDir} }
display: { enabled: false }
mqtt: { enabled: true, url: '${url}', protocolVersion: 4 }
policy: { requireFace: false }
devices:
${door('entry-door')}${door('exit-door')}  - type: lane-sensors
    name: lane-io
    presence: [entry-beam, exit-beam]
    io: { backend: fake, lines: [{ name: entry-beam, direction: in }, { name: exit-beam, direction: in }] }
flow:
  readers: []
  entryDoor: { barrier: entry-door, presence: [entry-beam] }
  exitDoor: { barrier: exit-door, presence: [exit-beam] }
  entryBeam: entry-beam
  exitBeam: exit-beam
`;
}

describe('lane mode in the MQTT state', () => {
  it('announces the mode set with lanectl mode: closed -> locked, then normal again', async () => {
    const broker: AedesBroker = await startAedes();
    cleanup.push(() => broker.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'lane-mode-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const parsed = validateConfigText(laneYaml(dataDir, broker.url), { env: {}, cwd: dataDir });
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));

    const states: Array<{ state: string; mode?: string }> = [];
    const central = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    cleanup.push(() => central.endAsync(true));
    central.on('message', (_t, p) => states.push(JSON.parse(p.toString('utf8')) as { state: string; mode?: string }));
    await central.subscribeAsync(STATE, { qos: 1 });

    const daemon = new LaneDaemon({ configPath: join(dataDir, 'lane.yaml'), config: parsed.config, secrets: { siteHmacKey: 'integration-site-key-0123456789-abcdefghijklmnop' }, logHub: new LogHub({ level: 'silent' }), env: {} });
    const started = await daemon.start();
    cleanup.push(() => daemon.stop());
    expect(started.ok).toBe(true);
    await waitFor(() => states.find((s) => s.state === 'online' && s.mode === 'normal'), 15_000, 'online, mode normal');

    const lane = daemon.lane()!;
    expect((await lane.setMode('closed', { source: 'lanectl', id: 'tech-7' })).accepted).toBe(true);
    await waitFor(() => states.find((s) => s.state === 'online' && s.mode === 'locked'), 15_000, 'online, mode locked');
    expect((await lane.setMode('maintenance', { source: 'lanectl', id: 'tech-7' })).accepted).toBe(true);
    await waitFor(() => states.find((s) => s.state === 'online' && s.mode === 'maintenance'), 15_000, 'online, mode maintenance');
    expect((await lane.setMode('normal', { source: 'lanectl', id: 'tech-7' })).accepted).toBe(true);
    await waitFor(() => (states.at(-1)?.mode === 'normal' ? true : undefined), 15_000, 'online, mode normal again');
  });
});
