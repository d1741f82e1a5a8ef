import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenRepository } from '../../../src/credentials/token/opaque-token.js';
import { keyedHash } from '../../../src/store/keyed-hash.js';
import type { Store } from '../../../src/store/store.js';
import { openTestStore, SITE_KEY, unitVector } from './store-fixtures.js';

const subject = (id: string, extra: Record<string, unknown> = {}) => ({ subjectId: id, category: 'border-resident', nationality: 'VNM', ...extra });
const docHash = (number: string) => keyedHash(SITE_KEY, 'document-number', number);

describe('list deltas', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let store: Store;
  beforeEach(async () => {
    t = await openTestStore();
    store = t.store;
  });
  afterEach(async () => t.close());

  it('apply upserts and deletes atomically and move the list version', () => {
    const first = store.lists.applyDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [subject('S1'), subject('S2')], deletes: [] });
    expect(first).toEqual({ status: 'applied', list: 'subjects', version: 1, inserted: 2, updated: 0, deleted: 0 });
    const second = store.lists.applyDelta({
      list: 'subjects',
      fromVersion: 1,
      toVersion: 2,
      upserts: [subject('S2', { category: 'crew', allowedDirections: ['exit'] })],
      deletes: ['S1', 'S9'],
    });
    expect(second).toEqual({ status: 'applied', list: 'subjects', version: 2, inserted: 0, updated: 1, deleted: 1 });
    expect(store.lookups.subject('S1')).toBeNull();
    expect(store.lookups.subject('S2')).toMatchObject({ category: 'crew', allowedDirections: ['exit'], nationality: 'VNM' });
    expect(store.lists.version('subjects')).toMatchObject({ version: 2, rowCount: 1, updatedAt: t.clock.now() });
  });

  it('recognise a replayed delta and change nothing', () => {
    store.lists.applyDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [subject('S1')] });
    store.lists.applyDelta({ list: 'subjects', fromVersion: 1, toVersion: 2, deletes: ['S1'] });
    const replay = store.lists.applyDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [subject('S1')] });
    expect(replay).toEqual({ status: 'replay', list: 'subjects', version: 2 });
    expect(store.lookups.subject('S1')).toBeNull();
  });

  it('report a gap when a delta was missed, and apply nothing', () => {
    store.lists.applyDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [subject('S1')] });
    const gap = store.lists.applyDelta({ list: 'subjects', fromVersion: 2, toVersion: 3, upserts: [subject('S2')] });
    expect(gap).toEqual({ status: 'gap', list: 'subjects', version: 1, fromVersion: 2 });
    expect(store.lookups.subject('S2')).toBeNull();
    expect(store.lists.version('subjects').version).toBe(1);
  });

  it('refuse a delta with one bad row as a whole, naming the row and field but never the value', () => {
    const outcome = store.lists.applyDelta({
      list: 'credentials',
      fromVersion: 0,
      toVersion: 1,
      upserts: [
        { kind: 'travel-document', value: 'C1234567', subjectId: 'S1' },
        { kind: 'travel-document', value: 'SECRET9988', subjectId: 'S2', validFrom: 'yesterday' },
      ],
    });
    expect(outcome.status).toBe('invalid');
    if (outcome.status !== 'invalid') return;
    expect(outcome.reason).toContain('upserts[1].validFrom: must be epoch milliseconds');
    expect(outcome.reason).not.toContain('SECRET9988');
    expect(store.lookups.credential(docHash('C1234567'))).toBeNull();
    expect(store.lists.version('credentials').version).toBe(0);
  });

  it('give clear reasons for malformed envelopes instead of throwing', () => {
    const cases: [unknown, RegExp][] = [
      [null, /delta: must be an object/],
      [{ list: 'nope', fromVersion: 0, toVersion: 1 }, /list: must be one of subjects, credentials/],
      [{ list: 'subjects', fromVersion: 3, toVersion: 2 }, /toVersion: must be greater than fromVersion/],
      [{ list: 'subjects', fromVersion: -1, toVersion: 1 }, /fromVersion: must be an integer >= 0/],
      [{ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: 'x' }, /upserts: must be an array/],
      [{ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 'S', category: 'c', colour: 'red' }] }, /upserts\[0\]\.colour: unknown field/],
      [{ list: 'credentials', fromVersion: 0, toVersion: 1, upserts: [{ kind: 'qr-token', subjectId: 'S' }] }, /needs exactly one of "hash"/],
      [{ list: 'face-templates', fromVersion: 0, toVersion: 1, upserts: [{ templateId: 'T', subjectId: 'S', modelId: 'm', quality: 0.5, vector: [0, 0] }] }, /vector: must be 1-4096 finite numbers/],
      [{ list: 'vehicles', fromVersion: 0, toVersion: 1, upserts: [{ vehicleId: 'V', plate: '29A-123.45', plateCountry: 'VN', vehicleClass: 'car', epc: 'zz' }] }, /epc: must be 4-128 hex digits/],
      [{ list: 'cargo', fromVersion: 0, toVersion: 1, upserts: [{ declarationId: 'D', vehicleId: 'V', status: 'maybe', cargoClass: 'x', labTestRequired: false }] }, /status: must be one of cleared, hold, inspection/],
      [{ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [subject('S', { validFrom: 20, validUntil: 10 })] }, /validFrom: is after validUntil/],
    ];
    for (const [message, reason] of cases) {
      const outcome = store.lists.applyDelta(message);
      expect(outcome.status, JSON.stringify(message)).toBe('invalid');
      if (outcome.status === 'invalid') expect(outcome.reason).toMatch(reason);
    }
  });

  it('hash credential values with the site key, so a central precomputed hash finds the same row', () => {
    store.lists.applyDelta({
      list: 'credentials',
      fromVersion: 0,
      toVersion: 1,
      upserts: [
        { kind: 'travel-document', value: 'c 123-4567', subjectId: 'S1', validUntil: Date.UTC(2030, 0, 1) },
        { kind: 'qr-token', hash: keyedHash(SITE_KEY, 'qr-token', 'tok-AbCdEf0123456789').toString('hex'), subjectId: 'S2', singleUse: true },
      ],
    });
    // The document number was normalised like src/credentials does before hashing.
    expect(store.lookups.credential(docHash('C1234567'))).toMatchObject({ kind: 'travel-document', subjectId: 'S1', status: 'active' });
    expect(store.lookups.credential(store.keyedHash('qr-token', 'tok-AbCdEf0123456789'))).toMatchObject({ singleUse: true, subjectId: 'S2' });
    // Nothing in the database file holds the document number.
    const dump = ['credentials', 'credentials_pending']
      .flatMap((table) => store.database.prepare(`SELECT * FROM ${table}`).raw().all().flat())
      .map(String)
      .join('|');
    expect(dump).toContain('S1'); // the rows are there (pending until the background merge)
    expect(dump).not.toContain('1234567');
  });

  it('keep a consumed single-use token used when the central system still lists it as active', () => {
    const hash = store.keyedHash('qr-token', 'single-use-token-0001');
    const row = { kind: 'qr-token', hash: hash.toString('hex'), subjectId: 'S1', singleUse: true };
    store.lists.applyDelta({ list: 'credentials', fromVersion: 0, toVersion: 1, upserts: [row] });
    const repository: TokenRepository = store.tokens; // the interface src/credentials redeems through
    expect(repository.consumeSingleUse(hash)).toBe('consumed');
    expect(repository.consumeSingleUse(hash)).toBe('already-used');
    expect(repository.consumeSingleUse(store.keyedHash('qr-token', 'never-issued-token-01'))).toBe('unknown');
    store.lists.applyDelta({ list: 'credentials', fromVersion: 1, toVersion: 2, upserts: [{ ...row, status: 'active' }] });
    expect(store.lookups.credential(hash)?.status).toBe('used');
    // An explicit revocation still wins.
    store.lists.applyDelta({ list: 'credentials', fromVersion: 2, toVersion: 3, upserts: [{ ...row, status: 'revoked' }] });
    expect(store.lookups.credential(hash)?.status).toBe('revoked');
  });

  it('do not burn a single-use token before its validity starts', () => {
    const hash = store.keyedHash('qr-token', 'future-token-000000001');
    const validFrom = t.clock.now() + 3_600_000;
    store.lists.applyDelta({
      list: 'credentials',
      fromVersion: 0,
      toVersion: 1,
      upserts: [{ kind: 'qr-token', hash: hash.toString('hex'), subjectId: 'S1', singleUse: true, validFrom }],
    });
    expect(store.tokens.consumeSingleUse(hash)).toBe('consumed'); // not blocked by single use; the engine refuses it as not yet valid
    expect(store.lookups.credential(hash)?.status).toBe('active');
    t.clock.advance(3_600_000);
    expect(store.tokens.consumeSingleUse(hash)).toBe('consumed');
    expect(store.lookups.credential(hash)?.status).toBe('used');
  });

  it('keep the face matrices and plate index in step with committed deltas', () => {
    const v1 = unitVector(64, 1);
    const v2 = unitVector(64, 2);
    store.lists.applyDelta({
      list: 'face-templates',
      fromVersion: 0,
      toVersion: 1,
      upserts: [
        { templateId: 'T1', subjectId: 'S1', modelId: 'faceres', quality: 0.9, vector: Array.from(v1) },
        { templateId: 'T2', subjectId: 'S2', modelId: 'faceres', quality: 0.8, vector: Buffer.from(v2.buffer).toString('base64') },
      ],
    });
    expect(store.faces.searchEnrolled('faceres', v2, { k: 1 })[0]).toMatchObject({ id: 'T2', meta: { subjectId: 'S2' } });
    store.lists.applyDelta({ list: 'face-templates', fromVersion: 1, toVersion: 2, deletes: ['T2'] });
    expect(store.faces.searchEnrolled('faceres', v2, { k: 5 }).map((c) => c.id)).toEqual(['T1']);

    store.lists.applyDelta({
      list: 'vehicles',
      fromVersion: 0,
      toVersion: 1,
      upserts: [{ vehicleId: 'V1', plate: '29A-123.45', plateCountry: 'VN', vehicleClass: 'truck', epc: '3074 2567 89AB' }],
    });
    expect(store.lookups.vehiclesByPlate('29A-I23.45', 'VN', 1)[0]).toMatchObject({ vehicleId: 'V1', distance: 0.25 });
    expect(store.lookups.vehicleByEpc('307425 6789ab')?.vehicleId).toBe('V1');
    store.lists.applyDelta({ list: 'vehicles', fromVersion: 1, toVersion: 2, deletes: ['V1'] });
    expect(store.lookups.vehiclesByPlate('29A12345', 'VN', 1)).toEqual([]);
  });
});
