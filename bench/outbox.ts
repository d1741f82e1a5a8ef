import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { Store } from '../src/store/index.js';
import { MqttLink } from '../src/sync/mqtt-link.js';
import { DEFAULT_SYNC_TUNING } from '../src/sync/sync-tuning.js';
import { drainRowOf, EventEnvelope } from '../src/sync/outbox/event-envelope.js';
import { systemClock } from '../src/util/clock.js';
import type { BenchReport } from './report.js';
import { freePort } from '../src/util/tcp-port.js';

/**
 * Outbox throughput: durable enqueue rate (one transaction and fsync per message, as the lane
 * commits), and the drain rate of MqttLink to a local Mosquitto at QoS 1 (until every row is
 * marked delivered), compared in the same run with a plain mqtt.js QoS 1 publish loop of the same
 * messages (until every PUBACK). A subscriber counts distinct ids in both runs: zero loss.
 *
 *   npm run bench -- outbox [--messages 40000] [--enqueue 3000] [--window 1000] [--rounds 6] [--url mqtt://host:port]
 *
 * Without --url a Mosquitto (/usr/sbin/mosquitto) is started on a free port with
 * max_inflight_messages = --window, which it announces as its MQTT 5 Receive Maximum. The link
 * never has more QoS 1 publishes in flight than that (the protocol says so; the link's maxInflight
 * is set to the same value here); mqtt.js does not enforce it, so the peer loop has every message
 * in flight at once. A further figure shows the drain with the link's default window (64) on the
 * same broker. The machine is shared: rounds alternate which side goes first, after one untimed
 * warm-up round each, and the median ratio is reported with every round in meta.rounds, together
 * with the CPU time per message of each side (steadier than rates when other work competes).
 */
const SITE = 'bench';
const LANE = 'lane-1';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function startBroker(window: number): Promise<{ url: string; proc: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosq-'));
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', `max_inflight_messages ${window}`, 'max_queued_messages 1000000'];
  if (process.getuid?.() === 0) lines.push('user root');
  writeFileSync(join(dir, 'm.conf'), `${lines.join('\n')}\n`);
  const proc = spawn('/usr/sbin/mosquitto', ['-c', join(dir, 'm.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return { url: `mqtt://127.0.0.1:${port}`, proc, dir };
    await new Promise((r) => setTimeout(r, 25));
  }
  proc.kill('SIGKILL');
  throw new Error('mosquitto did not start');
}

/** Counts distinct ids arriving on the lane's event topics. */
async function counter(url: string): Promise<{ client: MqttClient; ids: Set<string>; waitFor(n: number): Promise<void> }> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  const ids = new Set<string>();
  client.on('message', (_t, payload) => {
    const text = payload.toString();
    const at = text.indexOf('"id":"');
    ids.add(text.slice(at + 6, at + 42));
  });
  await client.subscribeAsync(`bg/v1/${SITE}/+/event/#`, { qos: 1 });
  return {
    client,
    ids,
    async waitFor(n) {
      for (let i = 0; ids.size < n && i < 3000; i++) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

/** MqttLink drains the whole outbox; the rate counts until the last row is committed as delivered. */
interface RunResult {
  rate: number;
  received: number;
  /** CPU time of this process (both the sender and the counting subscriber) per message, µs. */
  cpuUsPerMsg: number;
}

async function drainOnce(url: string, store: Store, messages: number, window: number, log: pino.Logger): Promise<RunResult> {
  const count = await counter(url);
  const link = new MqttLink({
    config: { enabled: true, url, protocolVersion: 5, keepaliveSeconds: 30, topicPrefix: 'bg/v1', site: SITE, lane: LANE },
    secrets: { centralPublicKeys: [] },
    store,
    clock: systemClock,
    log,
    commandHandler: { execute: async () => ({ status: 'done' }) },
    tuning: { drainRatePerSecond: 1e9, drainBurst: 1e9, maxInflight: window, readBatch: 512 },
  });
  const cpu = process.cpuUsage();
  const t = performance.now();
  await link.start();
  while ((link.health().counters.delivered ?? 0) < messages) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  await count.waitFor(messages);
  await link.stop();
  await count.client.endAsync();
  return { rate: messages / seconds, received: count.ids.size, cpuUsPerMsg: (used.user + used.system) / messages };
}

/** The peer: one connection, every message published at QoS 1 at once, until the last PUBACK. */
async function peerOnce(url: string, texts: readonly { topic: string; text: string }[]): Promise<RunResult> {
  const count = await counter(url);
  // Timed from the connect, as the link's run is timed from its start (connect, subscribe, announce).
  const cpu = process.cpuUsage();
  const t = performance.now();
  const peer = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    let acked = 0;
    for (const m of texts) {
      peer.publish(m.topic, m.text, { qos: 1 }, (err) => {
        if (err) reject(err);
        else if (++acked === texts.length) resolve();
      });
    }
  });
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  await count.waitFor(texts.length);
  await peer.endAsync();
  await count.client.endAsync();
  return { rate: texts.length / seconds, received: count.ids.size, cpuUsPerMsg: (used.user + used.system) / texts.length };
}

function payload(i: number): { code: string; device: string; i: number; detail: string } {
  return { code: 'bench-alarm', device: 'entry-scanner', i, detail: 'x'.repeat(200) };
}

export async function run(args: string[]): Promise<BenchReport> {
  const messages = arg(args, '--messages', 40_000);
  const enqueueN = arg(args, '--enqueue', 3_000);
  const window = arg(args, '--window', 1_000);
  const roundsN = Math.max(1, arg(args, '--rounds', 6));
  const urlIndex = args.indexOf('--url');
  const broker = urlIndex >= 0 ? null : await startBroker(window);
  const url = urlIndex >= 0 ? args[urlIndex + 1]! : broker!.url;
  const dir = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  const log = pino({ level: 'warn' });
  const store = new Store({ dataDir: dir, lane: LANE, siteKey: Buffer.alloc(32, 1), clock: systemClock, evidenceSweepIntervalMs: 3_600_000 });
  try {
    await store.start();
    // 1. Durable enqueue: each message its own committed transaction (synchronous=FULL).
    let t = performance.now();
    for (let i = 0; i < enqueueN; i++) store.outbox.enqueue('event/alarm', payload(i));
    const enqueueRate = enqueueN / ((performance.now() - t) / 1000);
    // Fill the rest of the backlog quickly (one transaction) for the drain measurement.
    store.database.transaction(() => {
      for (let i = enqueueN; i < messages; i++) store.outbox.insert('event/alarm', JSON.stringify(payload(i)), null);
    })();
    const rows = [];
    for (let page = store.outbox.pending(10_000, 0); page.length > 0; page = store.outbox.pending(10_000, page[page.length - 1]!.seq)) rows.push(...page);
    if (rows.length !== messages) throw new Error(`expected ${messages} pending rows, found ${rows.length}`);

    // 2. Our drain (unpaced: the pacing is a policy, not a cost) against the peer, alternating
    // which goes first, over several rounds: the machine is shared, a single pair is noise.
    const peerEnvelope = new EventEnvelope({ prefix: 'bg/v1', site: SITE, lane: 'peer' });
    const texts = rows.map(drainRowOf).map((r) => ({ topic: peerEnvelope.topic(r), text: peerEnvelope.text(r) }));
    const rounds: { ours: number; peer: number; oursReceived: number; peerReceived: number; backlogAfter: number; oursCpuUs: number; peerCpuUs: number }[] = [];
    const reset = (): void => {
      store.database.prepare('UPDATE outbox SET delivered_at = NULL, attempts = 0, last_attempt_at = NULL').run();
      store.database.prepare('DELETE FROM outbox_watermark').run();
      // Leave no checkpoint debt from the reset to whichever side runs next.
      store.database.pragma('wal_checkpoint(TRUNCATE)');
    };
    // One untimed round of each first: both sides' code paths compiled before anything counts.
    reset();
    await drainOnce(url, store, messages, window, log);
    await peerOnce(url, texts);
    for (let round = 0; round < roundsN; round++) {
      reset();
      const results: Partial<(typeof rounds)[number]> = {};
      for (const which of round % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours']) {
        if (which === 'ours') {
          const r = await drainOnce(url, store, messages, window, log);
          results.ours = r.rate;
          results.oursReceived = r.received;
          results.oursCpuUs = Number(r.cpuUsPerMsg.toFixed(1));
          results.backlogAfter = store.outbox.stats().backlog;
        } else {
          const r = await peerOnce(url, texts);
          results.peer = r.rate;
          results.peerReceived = r.received;
          results.peerCpuUs = Number(r.cpuUsPerMsg.toFixed(1));
        }
      }
      rounds.push(results as (typeof rounds)[number]);
    }
    reset();
    const defaultWindow = await drainOnce(url, store, messages, DEFAULT_SYNC_TUNING.maxInflight, log);
    const median = (xs: number[]): number => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const ratios = rounds.map((r) => r.ours / r.peer);
    const oursReceived = Math.min(...rounds.map((r) => r.oursReceived));
    const peerReceived = Math.min(...rounds.map((r) => r.peerReceived));
    const backlogAfter = Math.max(...rounds.map((r) => r.backlogAfter));
    const drainRate = median(rounds.map((r) => r.ours));
    const peerRate = median(rounds.map((r) => r.peer));
    const ratio = median(ratios);
    // The machine is shared: wall-clock rates swing with other work; CPU time per message (this
    // process: the sender and the counting subscriber) is the steadier comparison.
    const oursCpu = Number(median(rounds.map((r) => r.oursCpuUs)).toFixed(1));
    const peerCpu = Number(median(rounds.map((r) => r.peerCpuUs)).toFixed(1));
    const lost = messages - Math.min(oursReceived, defaultWindow.received) + backlogAfter;
    return {
      suite: 'outbox',
      rows: [
        { name: 'durable enqueue (1 commit per message)', value: Math.round(enqueueRate), unit: 'msg/s' },
        { name: 'MqttLink drain to Mosquitto, QoS 1, until marked delivered', value: Math.round(drainRate), unit: 'msg/s' },
        { name: 'plain mqtt.js QoS 1 publish loop (peer)', value: Math.round(peerRate), unit: 'msg/s' },
        { name: `MqttLink drain with its default window (${DEFAULT_SYNC_TUNING.maxInflight} in flight)`, value: Math.round(defaultWindow.rate), unit: 'msg/s' },
        { name: `drain / peer (median of ${roundsN} rounds)`, value: Number(ratio.toFixed(3)), unit: 'ratio', goal: '>= 0.8', pass: ratio >= 0.8 },
        { name: 'CPU per message, MqttLink drain (median)', value: oursCpu, unit: 'µs' },
        { name: 'CPU per message, peer (median)', value: peerCpu, unit: 'µs' },
        { name: 'CPU per message, peer / drain', value: Number((peerCpu / oursCpu).toFixed(3)), unit: 'ratio' },
        { name: 'lost (not received or left undelivered)', value: lost, unit: 'messages', goal: '0', pass: lost === 0 },
        { name: 'peer lost', value: messages - peerReceived, unit: 'messages' },
      ],
      meta: { messages, enqueueN, window, rounds: rounds.map((r) => ({ ...r, ours: Math.round(r.ours), peer: Math.round(r.peer), ratio: Number((r.ours / r.peer).toFixed(3)) })), payloadBytes: rows[0]!.payload.length, oursReceived, peerReceived, backlogAfter, broker: broker === null ? url : 'mosquitto (started by the bench)' },
    };
  } finally {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
    if (broker !== null) {
      broker.proc.kill('SIGKILL');
      rmSync(broker.dir, { recursive: true, force: true });
    }
  }
}
