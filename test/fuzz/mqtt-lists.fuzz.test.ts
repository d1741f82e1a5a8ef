import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListSigner } from '../../src/sync/central-sim/list-signer.js';
import { ListIntake, type ListIntakeResult } from '../../src/sync/lists/list-intake.js';
import { signEd25519 } from '../../src/sync/signing.js';
import { openTempStore, type TempStore } from '../unit/sync/support/lane-store.js';
import { checksCoverage, fuzz, fuzzRuns, must, mutated } from './fuzz-kit.js';
import { type FuzzListName, LIST_NAMES, listDelete, listRow } from './list-rows.js';

/**
 * List deltas and snapshot chunks from the broker (lists/{list}): bytes anyone on the broker can send,
 * plus correctly signed but arbitrary content (a buggy or compromised central). Never a throw; every
 * refusal has a reason; the store refuses what it cannot apply.
 *
 * Two kinds of campaign, 100,000 cases each:
 * - wire: raw bytes, mutated signed messages and signed garbage through ListIntake; nearly all stop at
 *   the size, JSON or signature check (the signature-rejection path);
 * - verified: every case correctly signed, built from valid rows with a few field edits and versions
 *   relative to the store's current one, so each case passes verification and reaches the row parser
 *   and the store's transaction (the parse/apply path). Signing happens inside the case, only for
 *   what will be verified; the key pair is made once. Each outcome is checked against the store's
 *   list version afterwards: applied/swapped move it to the message's version, anything else leaves it.
 * The store is a real SQLite file, in /dev/shm when there is one: one transaction per message as on a
 * lane, without paying a disk fsync per case (durability is not what is fuzzed here).
 */

const SITE = 'mongcai';
const LANE = 'p-entry-03';
const central = generateKeyPairSync('ed25519');
const lists = new ListSigner(central.privateKey, SITE);
const argValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('locked', 'normal', 'VN', 'car'));
const RUNS = fuzzRuns();

describe('MQTT list deltas and snapshot chunks under generated, mutated and signed-garbage payloads', () => {
  let temp: TempStore;
  let intake: ListIntake;
  let shmDir: string | undefined;
  // A count, not a list of requests: 100,000 cases would otherwise grow the heap by what the test keeps.
  let resyncs = 0;
  beforeAll(async () => {
    shmDir = existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', 'lc-fuzz-lists-')) : undefined;
    temp = await openTempStore({ lane: LANE, dir: shmDir ?? mkdtempSync(join(tmpdir(), 'lc-fuzz-lists-')) });
    intake = new ListIntake({
      site: SITE,
      store: temp.store as never,
      keys: [central.publicKey],
      maxBytes: 256 * 1024,
      log: pino({ level: 'silent' }),
      requestResync: () => {
        resyncs += 1;
      },
      changed: () => undefined,
      snapshotProgress: () => undefined,
    });
  });
  afterAll(async () => {
    await temp.close();
    rmSync(temp.dir, { recursive: true, force: true });
  });

  const version = (list: string): number => temp.store.lists.version(list as FuzzListName).version;

  const row = fc.dictionary(fc.constantFrom('vehicleId', 'plate', 'plateCountry', 'vehicleClass', 'companyId', 'subjectId', 'credentialId', 'kind', 'validUntil', 'status', 'x'), argValue, { maxKeys: 6 });
  const VALID_DELTAS = [
    lists.delta({ list: 'vehicles', fromVersion: 0, toVersion: 1, upserts: [{ vehicleId: 'veh-1', plate: '29A12345', plateCountry: 'VN', vehicleClass: 'truck', companyId: 'co-1' }], deletes: [] }),
    lists.delta({ list: 'vehicles', fromVersion: 1, toVersion: 2, upserts: [], deletes: ['veh-1'] }),
  ];
  const VALID_CHUNKS = lists.snapshot('vehicles', 5, [{ vehicleId: 'veh-2', plate: '30B67890', plateCountry: 'VN', vehicleClass: 'car', companyId: 'co-2' }], 'snap-1', 1);

  function checkResult(r: ListIntakeResult): string {
    if (r.kind === 'rejected') {
      must(r.detail.length > 0, 'rejection without detail');
      return r.reason;
    }
    const outcome = r.outcome as { status: string; reason?: string };
    if (outcome.status === 'invalid') must(typeof outcome.reason === 'string' && outcome.reason.length > 0, 'invalid without a reason');
    return outcome.status;
  }

  it('wire deltas: never throw; every refusal has a reason; signed garbage is refused by the store, not crashed on', () => {
    const seen = new Set<string>();
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...LIST_NAMES), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))) },
      { weight: 5, arbitrary: fc.tuple(fc.constant('vehicles'), mutated(VALID_DELTAS.map((d) => Buffer.from(JSON.stringify(d))))) },
      // Correctly signed but arbitrary content: what a buggy or compromised central would send.
      {
        weight: 2,
        arbitrary: fc
          .record({
            list: fc.constantFrom(...LIST_NAMES),
            fromVersion: fc.oneof(fc.nat(5), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
            toVersion: fc.oneof(fc.nat(6), fc.integer()),
            upserts: fc.oneof(fc.array(row, { maxLength: 3 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })),
            deletes: fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 3 }),
          })
          .map((body) => [body.list, Buffer.from(JSON.stringify(lists.delta(body as never)))] as const),
      },
    );
    const report = fuzz('mqtt/list-deltas', input, ([list, payload]) => {
      seen.add(checkResult(intake.handleDelta(list, payload)));
    }, { runs: RUNS });
    if (checksCoverage(report)) for (const s of ['bad-signature', 'malformed-json', 'invalid']) expect(seen).toContain(s);
  }, 240_000);

  it('wire snapshot chunks: never throw; every refusal has a reason', () => {
    const seen = new Set<string>();
    const input = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(fc.constant('vehicles'), mutated(VALID_CHUNKS.map((c) => Buffer.from(JSON.stringify(c))))) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...LIST_NAMES), fc.oneof(fc.nat(9), fc.integer()), fc.array(fc.oneof(row, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }), fc.string({ maxLength: 70 }), fc.integer({ min: 1, max: 3 }))
          .map(([list, version, rows, snapshotId, chunkRows]) => [list, Buffer.from(JSON.stringify(lists.snapshot(list, version, rows, snapshotId, chunkRows)[0]))] as const),
      },
    );
    const report = fuzz('mqtt/list-snapshots', input, ([list, payload]) => {
      seen.add(checkResult(intake.handleSnapshotChunk(list, payload)));
    }, { runs: RUNS });
    if (checksCoverage(report)) expect(seen).toContain('bad-signature');
  }, 240_000);

  /** A version field: mostly relative to the store's current version (so messages apply), sometimes absolute and odd. */
  const versionField = fc.oneof(
    { weight: 8, arbitrary: fc.constant({ offset: 0 }) },
    { weight: 4, arbitrary: fc.integer({ min: -2, max: 3 }).map((offset) => ({ offset })) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constantFrom(-1, 0.5, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e21), fc.constantFrom('1', null, true)).map((absolute) => ({ absolute })) },
  );
  const resolveVersion = (field: { offset?: number; absolute?: unknown }, base: number): unknown => ('offset' in field ? base + field.offset! : field.absolute);

  it('verified deltas: every signed delta reaches the store; applied moves the version, nothing else does', () => {
    const seen = new Set<string>();
    const input = fc.constantFrom(...LIST_NAMES).chain((list) =>
      fc.record({
        list: fc.constant(list),
        from: versionField,
        span: fc.oneof({ weight: 10, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: -1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 1_000 }) }),
        upserts: fc.oneof({ weight: 8, arbitrary: fc.array(listRow(list), { maxLength: 3 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
        deletes: fc.oneof({ weight: 8, arbitrary: fc.array(listDelete(list), { maxLength: 3 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
      }),
    );
    const resyncsBefore = resyncs;
    let invalidOrGap = 0;
    const report = fuzz('mqtt/list-deltas-verified', input, ({ list, from, span, upserts, deletes }) => {
      const before = version(list);
      const fromVersion = resolveVersion(from, before);
      const toVersion = typeof fromVersion === 'number' ? fromVersion + span : before + span;
      // Signed here, against the store's current version: only what will be verified is signed.
      const payload = Buffer.from(JSON.stringify(lists.delta({ list, fromVersion, toVersion, upserts, deletes } as never)));
      const r = intake.handleDelta(list, payload);
      must(r.kind === 'delta', () => `a correctly signed delta was refused before the store: ${JSON.stringify(r)}`);
      const status = checkResult(r);
      seen.add(status);
      const after = version(list);
      if (status === 'applied') {
        must(fromVersion === before && after === toVersion, () => `applied ${String(fromVersion)}->${toVersion} on version ${before}, now ${after}`);
      } else {
        must(after === before, () => `${status} delta moved ${list} from version ${before} to ${after}`);
        if (status === 'invalid' || status === 'gap') invalidOrGap += 1;
      }
    }, { runs: RUNS });
    if (checksCoverage(report)) for (const s of ['applied', 'replay', 'gap', 'invalid']) expect(seen).toContain(s);
    // Every invalid delta and every gap asks for a resync (a replay must not).
    expect(resyncs - resyncsBefore).toBe(invalidOrGap);
  }, 600_000);

  it('verified snapshot chunks: every signed chunk reaches the store; only a completed snapshot moves the version', () => {
    const seen = new Set<string>();
    const input = fc.constantFrom(...LIST_NAMES).chain((list) =>
      fc.record({
        list: fc.constant(list),
        snapshotId: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('snap-a', 'snap-b', 'snap-c') }, { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 70 }), fc.integer(), fc.constant(null)) }),
        version: versionField,
        chunks: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constantFrom(0, 1.5, 1_000_001, '2')) }),
        chunk: fc.oneof({ weight: 12, arbitrary: fc.nat(2) }, { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constantFrom(-1, 0.5, '0')) }),
        rows: fc.oneof({ weight: 8, arbitrary: fc.array(listRow(list), { maxLength: 3 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
      }),
    );
    const report = fuzz('mqtt/list-snapshots-verified', input, ({ list, snapshotId, version: v, chunks, chunk, rows }) => {
      const before = version(list);
      const message = { list, snapshotId, version: resolveVersion(v, before), chunk, chunks, rows };
      // Signed here, like ListSigner.snapshot, but with chunk numbers of the case's choosing.
      const payload = Buffer.from(JSON.stringify({ ...message, sig: signEd25519(central.privateKey, 'list-snapshot', { ...message, site: SITE }) }));
      const r = intake.handleSnapshotChunk(list, payload);
      must(r.kind === 'snapshot', () => `a correctly signed chunk was refused before the store: ${JSON.stringify(r)}`);
      const status = checkResult(r);
      seen.add(status);
      const after = version(list);
      if (status === 'swapped') must(after === message.version, () => `swapped to ${String(message.version)}, list at version ${after}`);
      else must(after === before, () => `${status} chunk moved ${list} from version ${before} to ${after}`);
    }, { runs: RUNS });
    if (checksCoverage(report)) for (const s of ['stored', 'swapped', 'duplicate', 'stale', 'invalid']) expect(seen).toContain(s);
  }, 600_000);
});
