import { afterEach, describe, expect, it } from 'vitest';
import { storeQueriesOf } from '../../../src/app/store-control.js';
import { trackHandles } from '../../helpers/leaks.js';
import { lanectl } from '../../unit/cli/io.js';
import { startServer, tempDir } from '../../unit/control/harness.js';
import { openTestStore } from '../../unit/store/store-fixtures.js';

/**
 * `lookup plate|token|epc` against a REAL store (SQLite file in a temp dir, lists applied as the
 * central system sends them) behind a real control socket, driven through lanectl.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const HOUR = 3_600_000;
const TOKEN = 'tok-AbCdEf0123456789';
const DOC_NUMBER = 'C1234567';

async function rig() {
  const t = await openTestStore();
  cleanups.push(() => t.close());
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  const now = t.clock.now();
  const s = t.store;
  s.lists.applyDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 'S-17', category: 'border-resident', nationality: 'VNM', validUntil: now + 400 * 24 * HOUR }] });
  s.lists.applyDelta({
    list: 'credentials',
    fromVersion: 0,
    toVersion: 1,
    upserts: [
      { kind: 'qr-token', value: TOKEN, subjectId: 'S-17', singleUse: true, validUntil: now + 24 * HOUR },
      { kind: 'travel-document', value: DOC_NUMBER, subjectId: 'S-17' },
    ],
  });
  s.lists.applyDelta({
    list: 'vehicles',
    fromVersion: 0,
    toVersion: 1,
    upserts: [
      { vehicleId: 'V1', plate: '29C-123.45', plateCountry: 'VN', epc: 'E2801160600002084E3C1D4B', vehicleClass: 'truck', companyId: 'CO-9', ownerSubjectId: 'S-17' },
      { vehicleId: 'V2', plate: '51D-678.90', plateCountry: 'VN', vehicleClass: 'car' },
    ],
  });
  s.lists.applyDelta({
    list: 'cargo',
    fromVersion: 0,
    toVersion: 1,
    upserts: [{ declarationId: 'D-now', vehicleId: 'V1', status: 'cleared', cargoClass: 'fresh-produce', labTestRequired: true, labTestStatus: 'passed', validFrom: now - HOUR, validUntil: now + HOUR }],
  });
  s.lists.applyDelta({ list: 'watchlist', fromVersion: 0, toVersion: 1, upserts: [{ entryId: 'W1', listId: 'stolen', kind: 'plate', key: '51D67890', action: 'alert' }] });
  running.context.store = storeQueriesOf(s, t.clock);
  const cli = (...a: string[]) => lanectl(['--socket', running.socketPath, ...a], { now: () => now });
  return { ...t, ...running, cli };
}

describe('lanectl lookup over a real store', () => {
  it('plate: finds the vehicle through an OCR confusion and shows class, company and cargo clearance', async () => {
    const leaks = trackHandles();
    const r = await rig();
    const fuzzy = await r.cli('lookup', 'plate', '29C-I23.45', '--json'); // I read for 1
    expect(fuzzy.code).toBe(0);
    expect(fuzzy.lastJson()).toMatchObject({
      plate: '29CI2345',
      vehicles: [{ vehicleId: 'V1', distance: 0.25, vehicleClass: 'truck', companyId: 'CO-9', cargo: { declarationId: 'D-now', status: 'cleared', labTestStatus: 'passed' } }],
      watchlist: [],
    });
    const human = await r.cli('lookup', 'plate', '29C', '123.45');
    expect(human.stdout).toMatch(/distance\s+0 \(exact\)/);
    expect(human.stdout).toMatch(/cargo\s+D-now: cleared, fresh-produce, lab test passed, valid/);
    expect(human.stdout).toMatch(/company\s+CO-9/);
    const watched = await r.cli('lookup', 'plate', '51D-678.9O', '--json'); // O read for 0
    expect(watched.lastJson()).toMatchObject({ vehicles: [{ vehicleId: 'V2', distance: 0.25, cargo: null }], watchlist: [{ entryId: 'W1', action: 'alert', distance: 0.25 }] });
    const none = await r.cli('lookup', 'plate', 'ZZ-999');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no registered vehicle within distance 1 of ZZ999');
    while (cleanups.length) await cleanups.pop()!();
    await leaks.assertNoneLeft();
  });

  it('token: subject category and validity by keyed hash; the token and document numbers never appear, nothing is consumed', async () => {
    const r = await rig();
    const res = await r.cli('lookup', 'token', TOKEN, '--json');
    expect(res.code).toBe(0);
    expect(res.lastJson()).toMatchObject({
      hashPrefix: r.store.keyedHash('qr-token', TOKEN).toString('hex').slice(0, 12),
      credential: { kind: 'qr-token', status: 'active', singleUse: true, subjectId: 'S-17' },
      subject: { subjectId: 'S-17', category: 'border-resident', nationality: 'VNM' },
    });
    const human = await r.cli('lookup', 'token', TOKEN);
    expect(human.stdout).toMatch(/category\s+border-resident/);
    expect(human.stdout).toMatch(/validity\s+valid \(/);
    for (const out of [res.stdout, human.stdout, human.stderr, r.logs.join('\n')]) {
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain(DOC_NUMBER);
    }
    // A lookup is not a passage: the single-use token is still unused.
    expect(r.store.lookups.credential(r.store.keyedHash('qr-token', TOKEN))).toMatchObject({ status: 'active' });

    const unknown = await r.cli('lookup', 'token', 'tok-unknown-000000000');
    expect(unknown.stdout).toContain('not in the cache (unknown token)');
    const bad = await r.cli('lookup', 'token', 'short');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('TOKEN_TOO_SHORT');
  });

  it('epc: the vehicle and its clearance; spaced lower-case hex is accepted; bad hex is a usage error', async () => {
    const r = await rig();
    const res = await r.cli('lookup', 'epc', 'e280 1160 6000 0208 4e3c 1d4b', '--json');
    expect(res.lastJson()).toMatchObject({ epc: 'E2801160600002084E3C1D4B', vehicle: { vehicleId: 'V1', plate: '29C12345' }, cargo: { declarationId: 'D-now' } });
    const missing = await r.cli('lookup', 'epc', '300833B2DDD9014000000001');
    expect(missing.stdout).toContain('no vehicle registered with EPC 300833B2DDD9014000000001');
    expect((await r.cli('lookup', 'epc', 'not-hex')).code).toBe(2);
  });

  it('says the store is not open instead of failing obscurely', async () => {
    const r = await rig();
    r.context.store = null;
    const res = await r.cli('lookup', 'plate', '29C-123.45', '--json');
    expect(res.code).toBe(1);
    expect(res.lastJson()).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
  });
});
