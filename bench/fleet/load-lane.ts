/**
 * A "load lane", the fleet bench's peer (bench/fleet/peer-phase.ts): the lane's real store and real MQTT
 * link, composed the way the daemon composes them, plus a passage source that appends passages to the
 * journal at a fixed rate with group commit (Journal.appendGrouped; the runner's store adapter calls
 * Journal.append, one transaction per passage, which at a lane's pace is the same thing). Each append
 * commits the passage and its event/passage outbox row in one transaction; the link drains the outbox
 * to the broker.
 *
 * The fleet's headline passages go through the daemons' lane runners (bench/fleet/traveller.ts); this
 * process measures only the part of the path after the runner: journal commit -> outbox -> MQTT (QoS 1)
 * -> broker -> central consumer, without decision, actuation, device I/O or the daemon's other work.
 * It kicks the link after each commit, so a passage leaves at once instead of at the link's next poll.
 *
 * Environment: LANE_DATA_DIR, LANE_SITE, LANE_ID, MQTT_URL, CENTRAL_PUBLIC_KEY, RATE (passages/s),
 * SECONDS (how long to append). Prints JSON lines: {"ready":true}, then {"appended":n} once done.
 */
import pino from 'pino';
import { Store } from '../../src/store/index.js';
import { MqttLink, type MqttLinkOptions } from '../../src/sync/mqtt-link.js';
import { systemClock } from '../../src/util/clock.js';

const env = process.env;
const log = pino({ level: env['LOG_LEVEL'] ?? 'warn' }, pino.destination(2));
const lane = env['LANE_ID']!;
const store = new Store({ dataDir: env['LANE_DATA_DIR']!, lane, siteKey: Buffer.alloc(32, 7), clock: systemClock, log, evidenceSweepIntervalMs: 3_600_000 });
const linkOptions: MqttLinkOptions = {
  config: {
    enabled: true,
    url: env['MQTT_URL']!,
    protocolVersion: 5,
    keepaliveSeconds: 30,
    topicPrefix: 'bg/v1',
    site: env['LANE_SITE']!,
    lane,
  },
  secrets: { centralPublicKeys: [env['CENTRAL_PUBLIC_KEY']!] },
  store,
  clock: systemClock,
  log,
  commandHandler: { execute: async () => ({ status: 'done' }) },
  tuning: { reconnectInitialMs: 100, reconnectMaxMs: 1_000 },
};
const link = new MqttLink(linkOptions);

const rate = Number(env['RATE'] ?? 5);
const seconds = Number(env['SECONDS'] ?? 10);
let stopping = false;

function passage(i: number) {
  const now = Date.now();
  return {
    kind: i % 2 === 0 ? ('people' as const) : ('vehicle' as const),
    direction: 'entry' as const,
    stages: { presented: now - 120, identified: now - 60, decided: now },
    // Keyed hashes only, as the runner journals them: no personal data in a bench either.
    evidence: { credentialHash: (i % 256).toString(16).padStart(2, '0').repeat(32), bench: 'fleet' },
    outcome: i % 10 === 0 ? ('deny' as const) : ('grant' as const),
    reasons: i % 10 === 0 ? ['CREDENTIAL_NOT_FOUND'] : [],
  };
}

async function main(): Promise<void> {
  await store.start();
  await link.start();
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
  // Wait for the go signal on stdin so every lane starts appending at the same moment.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const started = Date.now();
  const total = Math.round(rate * seconds);
  let appended = 0;
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total && !stopping; i++) {
    // Paced against the clock, not by sleeping a fixed step: a slow commit does not lower the rate.
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      store.journal.appendGrouped(passage(i) as never).then(() => {
        appended += 1;
        link.kick();
      }),
    );
  }
  await Promise.all(pending);
  process.stdout.write(`${JSON.stringify({ appended, ms: Date.now() - started })}\n`);
}

process.on('SIGTERM', () => {
  stopping = true;
  void (async () => {
    await link.stop();
    await store.stop();
    process.exit(0);
  })();
});

main().catch((err: unknown) => {
  process.stderr.write(`load lane ${lane} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
