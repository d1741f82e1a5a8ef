import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decide, DEFAULT_PEOPLE_POLICY, DEFAULT_VEHICLE_POLICY, type Evidence } from '../../../src/decision/index.js';
import { StoreUnavailableError } from '../../../src/store/store-failure.js';
import { cacheStats, lookupEpc, lookupPlate, lookupToken } from '../../../src/store/store-queries.js';
import { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { trackHandles } from '../../helpers/leaks.js';
import { openTestStore, storeOptions, tempDir, unitVector, type TempDir } from './store-fixtures.js';

const HOUR = 3_600_000;

describe('Store service', () => {
  let dir: TempDir | undefined;
  afterEach(() => dir?.cleanup());

  it('starts and stops cleanly, leaving no handles, with the documented SQLite settings', async () => {
    dir = tempDir();
    const clock = new FakeClock();
    const leaks = trackHandles();
    const store = new Store(storeOptions(join(dir.path, 'nested', 'data'), clock));
    expect(store.health().state).toBe('stopped');
    expect(store).toMatchObject({ name: 'store', critical: true });
    await store.start();
    await store.start(); // idempotent
    expect(existsSync(join(dir.path, 'nested', 'data', 'lane.db'))).toBe(true);
    expect(store.health()).toMatchObject({ state: 'ok', lastError: null, counters: { failures: 0, outboxBacklog: 0 } });
    const db = store.database;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    expect(clock.pendingTimers()).toBe(4); // probe, checkpoint, evidence sweep, pending-list merge
    await store.stop();
    expect(clock.pendingTimers()).toBe(0);
    expect(store.health().state).toBe('stopped');
    expect(() => store.journal).toThrow(StoreUnavailableError);
    await leaks.assertNoneLeft();
  });

  it('refuses to start on a file that is not a database, with the reason', async () => {
    dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir.path, 'lane.db'), 'this is not sqlite, just text that is long enough to have a header page');
    const store = new Store(storeOptions(dir.path, new FakeClock()));
    await expect(store.start()).rejects.toThrow(/file is not a database/);
    expect(store.health().state).toBe('failed');
  });
});

describe('facts for the decision engine', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  afterEach(async () => t.close());

  it('assembles people-lane facts that decide() grants, and watchlist hits that it refuses', async () => {
    t = await openTestStore();
    const { store, clock } = t;
    const now = clock.now();
    const template = unitVector(128, 42);
    store.lists.applyDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 'S1', category: 'border-resident', validUntil: now + 100 * HOUR }] });
    store.lists.applyDelta({
      list: 'credentials',
      fromVersion: 0,
      toVersion: 1,
      upserts: [{ kind: 'qr-token', value: 'tok_0123456789abcdef', subjectId: 'S1', validFrom: now - HOUR, validUntil: now + HOUR }],
    });
    store.lists.applyDelta({
      list: 'face-templates',
      fromVersion: 0,
      toVersion: 1,
      upserts: [{ templateId: 'T1', subjectId: 'S1', modelId: 'faceres', quality: 0.9, vector: Array.from(template) }],
    });
    store.lists.applyDelta({ list: 'watchlist', fromVersion: 0, toVersion: 1, upserts: [] });

    const idHash = store.keyedHash('qr-token', 'tok_0123456789abcdef').toString('hex');
    const evidence: Evidence = {
      credential: { kind: 'qr-token', idHash, verification: { valid: true }, validFrom: null, validUntil: null, nationality: null, issuingState: null },
      face: { matchScore: 0.93, modelId: 'faceres', quality: 0.8, presentationAttackScore: 0.05, presentationAttackReasons: [], faceCount: 1 },
      occupancy: { personCount: 1, vehicleCount: null },
    };
    const opts = { now, faceModelId: 'faceres', liveFace: { modelId: 'faceres', vector: template } };
    const facts = store.factsFor(evidence, opts);
    expect(facts).toMatchObject({
      storeHealthy: true,
      storeProblem: null,
      credential: { status: 'active', subjectId: 'S1' },
      subject: { subjectId: 'S1', category: 'border-resident', allowedDirections: ['entry', 'exit'], enrolledTemplateModelId: 'faceres' },
      listAgesMs: { subjects: 0, credentials: 0, 'face-templates': 0, watchlist: 0 },
      watchlistHits: [],
    });
    const clockNow = { now: () => now };
    expect(decide(evidence, facts, DEFAULT_PEOPLE_POLICY, clockNow)).toMatchObject({ outcome: 'grant', reasons: [] });

    // The same traveller's face and token on watchlists: both hits reach the engine.
    store.lists.applyDelta({
      list: 'watchlist',
      fromVersion: 1,
      toVersion: 2,
      upserts: [
        { entryId: 'W1', listId: 'national-deny', kind: 'face', action: 'deny', modelId: 'faceres', vector: Array.from(template) },
        { entryId: 'W2', listId: 'lost-tokens', kind: 'token', action: 'refer', value: 'tok_0123456789abcdef' },
        { entryId: 'W3', listId: 'old', kind: 'person', action: 'deny', key: 'S1', validUntil: now - 1 },
      ],
    });
    const flagged = store.factsFor(evidence, opts);
    expect(flagged.watchlistHits).toEqual([
      { kind: 'document', action: 'refer', listId: 'lost-tokens', score: null },
      { kind: 'face', action: 'deny', listId: 'national-deny', score: expect.closeTo(1, 5) as number },
    ]);
    expect(decide(evidence, flagged, DEFAULT_PEOPLE_POLICY, clockNow).outcome).not.toBe('grant');
  });

  it('assembles vehicle-lane facts: fuzzy plate, EPC, current cargo clearance', async () => {
    t = await openTestStore();
    const { store, clock } = t;
    const now = clock.now();
    store.lists.applyDelta({
      list: 'vehicles',
      fromVersion: 0,
      toVersion: 1,
      upserts: [{ vehicleId: 'V1', plate: '29C-123.45', plateCountry: 'VN', epc: 'E2801160600002084E3C1D4B', vehicleClass: 'truck' }],
    });
    store.lists.applyDelta({
      list: 'cargo',
      fromVersion: 0,
      toVersion: 1,
      upserts: [
        { declarationId: 'D-old', vehicleId: 'V1', status: 'hold', cargoClass: 'fresh-produce', labTestRequired: true, validFrom: now - 48 * HOUR, validUntil: now - 24 * HOUR },
        { declarationId: 'D-now', vehicleId: 'V1', status: 'cleared', cargoClass: 'fresh-produce', labTestRequired: true, labTestStatus: 'passed', validFrom: now - HOUR, validUntil: now + HOUR },
      ],
    });
    store.lists.applyDelta({ list: 'watchlist', fromVersion: 0, toVersion: 1, upserts: [] });
    const evidence: Evidence = {
      vehicle: { plate: { text: '29C-I23.45', country: 'VN', confidence: 0.95 }, rfid: { epc: 'e2801160600002084e3c1d4b', tid: null } },
      occupancy: { personCount: null, vehicleCount: 1 },
    };
    const facts = store.factsFor(evidence, { now });
    expect(facts).toMatchObject({
      vehicleByPlate: { vehicleId: 'V1', matchDistance: 0.25 },
      vehicleByEpc: { vehicleId: 'V1', matchDistance: 0 },
      cargo: { status: 'cleared', labTestStatus: 'passed', cargoClass: 'fresh-produce' },
    });
    const verdict = decide(evidence, facts, DEFAULT_VEHICLE_POLICY, { now: () => now });
    expect(verdict, JSON.stringify(verdict)).toMatchObject({ outcome: 'grant' });

    expect(lookupPlate(store, '29C12345', 'VN', now).vehicles[0]).toMatchObject({ vehicleId: 'V1', distance: 0, cargo: { declarationId: 'D-now' } });
    expect(lookupEpc(store, 'e280 1160 6000 0208 4e3c 1d4b', now).vehicle?.vehicleId).toBe('V1');
    expect(lookupToken(store, 'unknown-token-000000', now)).toMatchObject({ credential: null, hashPrefix: expect.stringMatching(/^[0-9a-f]{12}$/) as string });
    const stats = cacheStats(store, now);
    expect(stats.lists.find((l) => l.list === 'cargo')).toMatchObject({ version: 1, rowCount: 2, ageMs: 0 });
    expect(stats.lists.find((l) => l.list === 'subjects')).toMatchObject({ version: 0, ageMs: null });
    expect(stats.plateIndex).toEqual({ vehicles: 1, watchlist: 0 });
  });
});
