import { afterEach, describe, expect, it } from 'vitest';
import type { StoreQueries } from '../../../src/control/store-queries.js';
import type { EpcLookup, PlateLookup, TokenLookup } from '../../../src/store/index.js';
import { lanectl } from '../cli/io.js';
import { exchange, parse, startServer, tempDir } from './harness.js';

/** Formatting and argument checks of `lookup ...` with a fake store (the real one: test/integration/control/lookup.test.ts). */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const NOW = Date.UTC(2026, 0, 1, 9, 5, 0); // the clock lanectl() fixes
const DAY = 86_400_000;

async function rig(answers: { plate?: PlateLookup; token?: TokenLookup; epc?: EpcLookup }) {
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  const asked: string[] = [];
  running.context.store = {
    lookupPlate: (text: string, max: number) => (asked.push(`plate ${text} ${max}`), answers.plate!),
    lookupToken: (token: string) => (asked.push('token'), void token, answers.token!),
    lookupEpc: (epc: string) => (asked.push(`epc ${epc}`), answers.epc!),
  } as unknown as StoreQueries;
  return { ...running, asked, cli: (...a: string[]) => lanectl(['--socket', running.socketPath, ...a]) };
}

describe('lanectl lookup (formatting and validation)', () => {
  it('token: marks an expired credential and a subject missing from the cache', async () => {
    const r = await rig({
      token: {
        hashPrefix: '0123456789ab',
        credential: { kind: 'qr-token', status: 'used', subjectId: 'S-1', singleUse: true, validFrom: NOW - 10 * DAY, validUntil: NOW - DAY },
        subject: null,
        watchlist: [{ entryId: 'W9', listId: 'interpol', kind: 'token', action: 'refer', distance: null }],
      },
    });
    const res = await r.cli('lookup', 'token', 'A'.repeat(16));
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/token hash\s+0123456789ab\.\.\./);
    expect(res.stdout).toMatch(/credential\s+qr-token, used, single use/);
    expect(res.stdout).toMatch(/validity\s+EXPIRED \(2025-12-22 \.\. 2025-12-31\)/);
    expect(res.stdout).toMatch(/subject record\s+MISSING/);
    expect(res.stdout).toMatch(/W9\s+interpol\s+token\s+refer\s+exact/);
  });

  it('epc: a vehicle not yet valid, no clearance on file', async () => {
    const r = await rig({
      epc: {
        epc: 'E2801160',
        vehicle: { vehicleId: 'V7', plate: '29C12345', plateCountry: 'VN', epc: 'E2801160', tid: null, vehicleClass: 'bus', ownerSubjectId: null, companyId: null, validFrom: NOW + DAY, validUntil: null, allowedDirections: ['entry'] },
        cargo: null,
        watchlist: [],
      },
    });
    const res = await r.cli('lookup', 'epc', '0xe2:80:11:60');
    expect(r.asked).toEqual(['epc 0xe2:80:11:60']);
    expect(res.stdout).toMatch(/validity\s+NOT YET VALID \(2026-01-02 \.\. -\)/);
    expect(res.stdout).toMatch(/cargo\s+no clearance on file/);
    expect(res.stdout).toMatch(/directions\s+entry/);
    expect(res.stdout).toContain('watchlist: no entry');
  });

  it('the daemon validates what arrives over the socket, and the store is not asked', async () => {
    const r = await rig({});
    const send = async (cmd: string, args: unknown) => parse((await exchange(r.socketPath, `${JSON.stringify({ id: 1, cmd, args })}\n`)).lines[0]);
    expect(await send('lookup token', { token: 'bad token with spaces!' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await send('lookup epc', { epc: 'xyz' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await send('lookup plate', { plate: '---' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await send('lookup plate', { plate: '29C', extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(r.asked).toEqual([]);
    expect((await r.cli('lookup', 'plate', '--', '---')).code).toBe(2);
    expect((await r.cli('lookup', 'plate')).code).toBe(2);
    expect((await r.cli('lookup')).code).toBe(2);
  });
});
