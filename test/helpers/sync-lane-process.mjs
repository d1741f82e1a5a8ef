// A lane reduced to what the MQTT link needs: the real store and the real MqttLink, compiled
// (dist/), in its own process so a test can kill -9 it mid-drain and start it again.
// Configuration comes from the environment (see test/integration/sync/lane-kill.test.ts):
//   LANE_DATA_DIR, LANE_SITE, LANE_ID, MQTT_URL, MQTT_PROTOCOL (4|5), CENTRAL_PUBLIC_KEY,
//   DRAIN_RATE (messages/s of backlog).
// Prints one JSON line per 100 ms on stdout: {"ready":true} once, then link status figures.
import { join } from 'node:path';
import pino from 'pino';

const root = join(import.meta.dirname, '..', '..');
const { Store } = await import(join(root, 'dist', 'src', 'store', 'index.js'));
const { MqttLink } = await import(join(root, 'dist', 'src', 'sync', 'mqtt-link.js'));
const { systemClock } = await import(join(root, 'dist', 'src', 'util', 'clock.js'));

const env = process.env;
const log = pino({ level: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const store = new Store({ dataDir: env.LANE_DATA_DIR, lane: env.LANE_ID, siteKey: Buffer.alloc(32, 7), clock: systemClock, log });
const link = new MqttLink({
  config: {
    enabled: true,
    url: env.MQTT_URL,
    protocolVersion: Number(env.MQTT_PROTOCOL ?? 4),
    keepaliveSeconds: 30,
    topicPrefix: 'bg/v1',
    site: env.LANE_SITE,
    lane: env.LANE_ID,
  },
  secrets: { centralPublicKeys: [env.CENTRAL_PUBLIC_KEY] },
  store,
  clock: systemClock,
  log,
  commandHandler: { execute: async () => ({ status: 'done' }) },
  tuning: { drainRatePerSecond: Number(env.DRAIN_RATE ?? 200), reconnectInitialMs: 100, reconnectMaxMs: 500 },
});

await store.start();
await link.start();
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
const timer = setInterval(() => {
  const s = link.status();
  process.stdout.write(`${JSON.stringify({ connected: s.connection.state === 'connected', delivered: s.outbox.delivered, pending: s.outbox.pending })}\n`);
}, 100);

process.on('SIGTERM', async () => {
  clearInterval(timer);
  await link.stop();
  await store.stop();
  process.exit(0);
});
