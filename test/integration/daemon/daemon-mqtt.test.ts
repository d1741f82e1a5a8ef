import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, waitFor } from '../../helpers/daemon-process.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';

/**
 * The daemon with mqtt.enabled against a real Mosquitto: it announces itself online (retained,
 * with a birth number) and, on SIGTERM, leaves an offline state with the same birth number.
 */
const skip = !mosquittoAvailable();
if (skip) console.warn('skipping daemon MQTT test: /usr/sbin/mosquitto not installed (apt-get install mosquitto)');

describe.skipIf(skip)('lane daemon with the MQTT link enabled', () => {
  let broker: Mosquitto;
  let dir: string;
  beforeAll(async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'lane-daemon-mqtt-'));
  });
  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a retained online state with a birth number, and offline with the same birth on SIGTERM', async () => {
    const configPath = join(dir, 'lane.yaml');
    writeFileSync(
      configPath,
      `lane: { id: mq-lane-1, site: mongcai, kind: vehicle, direction: exit }
storage: { dataDir: ${dir} }
display: { enabled: false }
mqtt: { enabled: true, url: '${broker.url}' }
`,
    );
    const states: Record<string, unknown>[] = [];
    const central = await mqtt.connectAsync(broker.url, { clientId: 'central-test', reconnectPeriod: 0 });
    try {
      await central.subscribeAsync('bg/v1/mongcai/mq-lane-1/state', { qos: 1 });
      central.on('message', (_topic, payload) => states.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>));

      const daemon = startDaemon(['--config', configPath]);
      const online = await waitFor(() => states.find((s) => s.state === 'online'), 15_000, 'online state');
      expect(online).toMatchObject({ site: 'mongcai', lane: 'mq-lane-1', state: 'online', birth: expect.any(Number) });

      const { code } = await daemon.stop('SIGTERM');
      expect(code).toBe(0);
      const offline = await waitFor(() => states.find((s) => s.state === 'offline'), 5_000, 'offline state');
      expect(offline.birth).toBe(online.birth);
    } finally {
      await central.endAsync();
    }
  });
});
