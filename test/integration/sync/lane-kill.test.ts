import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CentralSim } from '../../../src/sync/central-sim/central-sim.js';
import { startAedes, type AedesBroker } from '../../helpers/aedes-broker.js';
import { enqueueAlarms, openTempStore } from '../../unit/sync/support/lane-store.js';
import { centralKeys, LANE, SITE, startValidatingCentral } from '../../unit/sync/support/link-rig.js';

const SCRIPT = join(import.meta.dirname, '..', '..', 'helpers', 'sync-lane-process.mjs');
const keys = centralKeys();

interface LaneProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready: Promise<void>;
  stderr(): string;
}

function startLane(dataDir: string, url: string): LaneProcess {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, LANE_DATA_DIR: dataDir, LANE_SITE: SITE, LANE_ID: LANE, MQTT_URL: url, MQTT_PROTOCOL: '4', CENTRAL_PUBLIC_KEY: keys.publicKeyBase64, DRAIN_RATE: '300' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('"ready":true')) resolve();
    });
    void exited.then(() => reject(new Error(`lane process exited before ready: ${err}`)));
  });
  return { child, exited, ready, stderr: () => err };
}

let broker: AedesBroker | null = null;
let central: CentralSim | null = null;
let lanes: LaneProcess[] = [];
let dir: string | null = null;

afterEach(async () => {
  for (const l of lanes) if (l.child.exitCode === null && l.child.signalCode === null) l.child.kill('SIGKILL');
  await Promise.all(lanes.map((l) => l.exited));
  lanes = [];
  await central?.stop();
  await broker?.close();
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  central = null;
  broker = null;
  dir = null;
});

describe('lane process killed with SIGKILL mid-drain', () => {
  it('delivers every outbox row after the restart; no row was marked delivered that the central did not get', async () => {
    dir = mkdtempSync(join(tmpdir(), 'lc-kill-'));
    const seed = await openTempStore({ dir, lane: LANE });
    const expected = enqueueAlarms(seed.store, 1500, 'kill');
    await seed.close();

    broker = await startAedes();
    const started = await startValidatingCentral(broker.url, keys.privateKey);
    central = started.central;
    const c = central;

    const first = startLane(dir, broker.url);
    lanes.push(first);
    await first.ready;
    await c.waitFor(() => c.ledger.report(LANE).unique >= 300, 15_000, '300 events before the kill');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = c.ledger.ids(LANE);
    expect(atKill.size).toBeLessThan(1500);

    // What the dead process had committed as delivered must be a subset of what the central got.
    const db = new Database(join(dir, 'lane.db'), { readonly: true });
    // Delivered: at or below the lane's watermark, or marked on its own (the store's rule).
    const deliveredIds = db
      .prepare(
        `SELECT message_id FROM outbox
         WHERE delivered_at IS NOT NULL OR seq <= coalesce((SELECT delivered_through FROM outbox_watermark WHERE lane = outbox.lane), 0)`,
      )
      .pluck()
      .all() as string[];
    db.close();
    for (const id of deliveredIds) expect(atKill.has(id)).toBe(true);
    expect(deliveredIds.length).toBeLessThan(1500);

    const second = startLane(dir, broker.url);
    lanes.push(second);
    await second.ready;
    await c.waitFor(() => c.ledger.report(LANE).unique === 1500, 20_000, 'all 1500 events after the restart');
    expect(c.ledger.ids(LANE)).toEqual(new Set(expected));
    expect(c.ledger.report(LANE)).toMatchObject({ missing: [], seqConflicts: 0, lowestSeq: 1, highestSeq: 1500 });
    expect(started.invalid).toEqual([]);

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const after = new Database(join(dir, 'lane.db'), { readonly: true });
    const pending = after
      .prepare('SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND seq > coalesce((SELECT delivered_through FROM outbox_watermark WHERE lane = outbox.lane), 0)')
      .pluck()
      .get();
    after.close();
    expect(pending).toBe(0);
  });
});
