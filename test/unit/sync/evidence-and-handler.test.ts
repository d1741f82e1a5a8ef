import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBasicCommandHandler, type LinkForCommands } from '../../../src/sync/commands/basic-command-handler.js';
import type { LaneCommand } from '../../../src/sync/commands/lane-command-handler.js';
import { uploadEvidence } from '../../../src/sync/evidence-upload.js';
import type { SyncStatusSnapshot } from '../../../src/sync/sync-status.js';
import { LaneTopics } from '../../../src/sync/topics.js';
import { expectWireValid } from './support/json-schema-check.js';
import { openTempStore, type TempStore } from './support/lane-store.js';

const topics = new LaneTopics({ prefix: 'bg/v1', site: 'mongcai', lane: 'p-entry-03' });
let temp: TempStore | null = null;
afterEach(async () => {
  await temp?.close();
  temp = null;
});

describe('evidence upload', () => {
  it('publishes a stored image with its hash, marks it sent, and refuses what it must not send', async () => {
    temp = await openTempStore();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2000, 7), Buffer.from([0xff, 0xd9])]);
    const saved = await temp.store.evidence.save({ kind: 'face-crop', data: jpeg, ext: 'jpg' });
    const big = await temp.store.evidence.save({ kind: 'frame', data: Buffer.alloc(5000, 1), ext: 'jpg' });
    const bin = await temp.store.evidence.save({ kind: 'raw', data: Buffer.alloc(10, 1), ext: 'bin' });
    const published: { topic: string; text: string }[] = [];
    const opts = {
      topics,
      source: temp.store.evidence,
      maxBytes: 4096,
      now: () => Date.UTC(2026, 2, 1),
      publish: async (topic: string, text: string) => void published.push({ topic, text }),
    };
    const ok = await uploadEvidence(saved.ref, opts);
    expect(ok).toMatchObject({ ok: true, bytes: jpeg.length });
    const msg = JSON.parse(published[0]!.text) as { ref: string; sha256: string; data: string; contentType: string; id: string };
    expectWireValid('evidence', msg);
    expect(published[0]!.topic).toBe(`bg/v1/mongcai/p-entry-03/evidence/${msg.id}`);
    expect(msg).toMatchObject({ ref: saved.ref, contentType: 'image/jpeg', sha256: createHash('sha256').update(jpeg).digest('hex') });
    expect(Buffer.from(msg.data, 'base64').equals(jpeg)).toBe(true);
    expect(temp.store.evidence.status([saved.ref])[0]!.sentAt).not.toBeNull();

    expect(await uploadEvidence(big.ref, opts)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(await uploadEvidence(bin.ref, opts)).toMatchObject({ ok: false, reason: 'unsupported-type' });
    expect(await uploadEvidence('2026/01/01/nope.jpg', opts)).toMatchObject({ ok: false, reason: 'unknown-ref' });
    expect(await uploadEvidence(saved.ref, { ...opts, source: null })).toMatchObject({ ok: false, reason: 'no-evidence-store' });
    const offline = await uploadEvidence(saved.ref, { ...opts, publish: async () => Promise.reject(new Error('not connected to the broker')) });
    expect(offline).toMatchObject({ ok: false, reason: 'not-connected' });
    expect(published).toHaveLength(1);
  });
});

describe('basic command handler (until the lane runner exists)', () => {
  const link: LinkForCommands & { synced: unknown[] } = {
    synced: [],
    syncNow(o) {
      this.synced.push(o);
      return { connected: true, pending: 3 };
    },
    sendEvidence: async () => ({ ok: false, reason: 'unknown-ref', detail: 'gone' }),
    status: () => ({ birth: 4 }) as unknown as SyncStatusSnapshot,
  };
  const base = { id: 'c', issuedAt: 0, expiresAt: 1 };

  it('executes reload-config, sync-now, snapshot and send-evidence', async () => {
    const h = createBasicCommandHandler({
      link: () => link,
      reloadConfig: async () => ({ ok: true, applied: ['log.level'], needsRestart: ['mqtt.url'], errors: [] }),
      laneStatus: () => ({ mode: 'normal' }),
    });
    expect(await h.execute({ ...base, name: 'reload-config', args: {} })).toMatchObject({ status: 'done', data: { applied: ['log.level'], needsRestart: ['mqtt.url'] } });
    expect(await h.execute({ ...base, name: 'sync-now', args: { resyncLists: true } })).toMatchObject({ status: 'done', data: { pending: 3 } });
    expect(link.synced).toEqual([{ resyncLists: true }]);
    expect(await h.execute({ ...base, name: 'snapshot', args: {} })).toMatchObject({ status: 'done', data: { lane: { mode: 'normal' }, sync: { birth: 4 } } });
    expect(await h.execute({ ...base, name: 'send-evidence', args: { ref: 'x.jpg' } })).toMatchObject({ status: 'failed', detail: 'unknown-ref: gone' });
  });

  it('rejects actuator commands as not-supported without a lane runner, and delegates when there is one', async () => {
    const h = createBasicCommandHandler({ link: () => link, reloadConfig: async () => ({ ok: false, applied: [], needsRestart: [], errors: ['lane.id: required'] }) });
    const actuatorCommands: LaneCommand[] = [
      { ...base, name: 'open', args: {} },
      { ...base, name: 'close', args: {} },
      { ...base, name: 'hold-open', args: { seconds: 5 } },
      { ...base, name: 'set-mode', args: { mode: 'locked' } },
    ];
    for (const cmd of actuatorCommands) {
      expect(await h.execute(cmd)).toMatchObject({ status: 'rejected', reason: 'not-supported' });
    }
    expect(await h.execute({ ...base, name: 'reload-config', args: {} })).toMatchObject({ status: 'failed', detail: 'config refused: lane.id: required' });
    const runner = createBasicCommandHandler({
      link: () => null,
      reloadConfig: async () => ({ ok: true, applied: [], needsRestart: [], errors: [] }),
      actuators: { execute: async () => ({ status: 'rejected', reason: 'interlock', detail: 'lane occupied' }) },
    });
    expect(await runner.execute({ ...base, name: 'close', args: {} })).toMatchObject({ status: 'rejected', reason: 'interlock' });
    expect(await runner.execute({ ...base, name: 'sync-now', args: {} })).toMatchObject({ status: 'failed', detail: 'MQTT link not running' });
  });
});
