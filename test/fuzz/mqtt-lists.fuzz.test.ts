import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListSigner } from '../../src/sync/central-sim/list-signer.js';
import { ListIntake, type ListIntakeResult } from '../../src/sync/lists/list-intake.js';
import { openTempStore, type TempStore } from '../unit/sync/support/lane-store.js';
import { checksCoverage, fuzz, fuzzRuns, must, mutated } from './fuzz-kit.js';

/**
 * List deltas and snapshot chunks from the broker (lists/{list}): bytes anyone on the broker can send,
 * plus correctly signed but arbitrary content (a buggy or compromised central). Never a throw; every
 * refusal has a reason; the store refuses what it cannot apply.
 *
 * 30,000 cases per campaign, not 100,000: nearly every case costs an Ed25519 verification (and the
 * signed-garbage cases a signature too), 0.2-1 ms each on the shared CI machine; 100,000 each would take
 * the suite past its budget. A long run: FUZZ_RUNS=100000 npx vitest run test/fuzz/mqtt-lists.fuzz.test.ts
 */

const SITE = 'mongcai';
const LANE = 'p-entry-03';
const central = generateKeyPairSync('ed25519');
const lists = new ListSigner(central.privateKey, SITE);
const argValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('locked', 'normal', 'VN', 'car'));
const RUNS = fuzzRuns(30_000);

describe('MQTT list deltas and snapshot chunks under generated, mutated and signed-garbage payloads', () => {
  let temp: TempStore;
  let intake: ListIntake;
  const resyncs: string[] = [];
  beforeAll(async () => {
    temp = await openTempStore({ lane: LANE });
    intake = new ListIntake({
      site: SITE,
      store: temp.store as never,
      keys: [central.publicKey],
      maxBytes: 256 * 1024,
      log: pino({ level: 'silent' }),
      requestResync: (list) => resyncs.push(list),
      changed: () => undefined,
      snapshotProgress: () => undefined,
    });
  });
  afterAll(async () => {
    await temp.close();
  });

  const LIST_NAMES = ['subjects', 'credentials', 'face-templates', 'vehicles', 'cargo', 'watchlist'] as const;
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

  it('deltas: never throw; every refusal has a reason; signed garbage is refused by the store, not crashed on', () => {
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

  it('snapshot chunks: never throw; every refusal has a reason', () => {
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
});
