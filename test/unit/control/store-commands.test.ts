import { afterEach, describe, expect, it } from 'vitest';
import { storeQueriesOf } from '../../../src/app/store-control.js';
import { trackHandles } from '../../helpers/leaks.js';
import { lanectl } from '../cli/io.js';
import { openTestStore, passage } from '../store/store-fixtures.js';
import { startServer, tempDir } from './harness.js';

/**
 * The journal and cache commands against a REAL store (SQLite file in a temp dir) behind a real
 * control socket, driven through lanectl as a technician would.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig() {
  const t = await openTestStore();
  cleanups.push(() => t.close());
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  running.context.store = storeQueriesOf(t.store, t.clock);
  const appended = [
    t.store.journal.append(passage({ outcome: 'grant', reasons: [] })),
    t.store.journal.append(passage({ outcome: 'deny', reasons: ['CREDENTIAL_EXPIRED'] })),
    t.store.journal.append(passage({ outcome: 'grant', reasons: ['OFFICER_OVERRIDE'], officerId: 'officer-7' })),
  ];
  const cli = (...args: string[]) => lanectl(['--socket', running.socketPath, ...args]);
  return { ...t, ...running, appended, cli };
}

describe('journal and cache commands over the control socket', () => {
  it('journal verify reports an intact chain, then names the row someone edited and exits 1', async () => {
    const leaks = trackHandles();
    const r = await rig();
    const ok = await r.cli('journal', 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(ok.lastJson()).toMatchObject({ ok: true, checked: 3, problemCount: 0, lanes: [{ lane: 'lane-1', passages: 3, lastSeq: 3 }] });

    // An attacker with the disk drops the append-only triggers first, then edits a verdict.
    r.store.database.exec('DROP TRIGGER passages_append_only_update; DROP TRIGGER passages_append_only_delete;');
    const row = r.store.database.prepare('SELECT content FROM passages WHERE seq = 2').get() as { content: string };
    r.store.database.prepare('UPDATE passages SET content = ? WHERE seq = 2').run(row.content.replace('"outcome":"deny"', '"outcome":"grant"'));
    const bad = await r.cli('journal', 'verify', '--json');
    expect(bad.code).toBe(1);
    const report = bad.lastJson() as { ok: boolean; problems: { seq: number }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.seq)).toContain(2);
    const human = await r.cli('journal', 'verify');
    expect(human.stdout).toMatch(/journal NOT OK/);
    while (cleanups.length) await cleanups.pop()!();
    await leaks.assertNoneLeft();
  });

  it('passages last N lists the newest first; passage ID shows one in full; unknown ids are a clear error', async () => {
    const r = await rig();
    const last = await r.cli('passages', 'last', '2', '--json');
    expect(last.code).toBe(0);
    const list = (last.lastJson() as { passages: { record: { seq: number; officerId: string | null } }[] }).passages;
    expect(list.map((p) => p.record.seq)).toEqual([3, 2]);
    expect(list[0]!.record.officerId).toBe('officer-7');
    const table = await r.cli('passages', 'last');
    expect(table.stdout).toMatch(/SEQ\s+RECORDED\s+OUTCOME/);
    expect(table.stdout).toContain('CREDENTIAL_EXPIRED');

    const id = r.appended[1]!.record.id;
    const one = await r.cli('passage', id, '--json');
    expect(one.lastJson()).toMatchObject({ record: { id, outcome: 'deny', seq: 2 }, hash: r.appended[1]!.hash });
    const missing = await r.cli('passage', '01890000-0000-7000-8000-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no passage');
    const bad = await r.cli('passage', 'not-an-id');
    expect(bad.code).toBe(2);
  });

  it('cache stats shows the journal and list state', async () => {
    const r = await rig();
    const stats = await r.cli('cache', 'stats', '--json');
    expect(stats.code).toBe(0);
    expect(stats.lastJson()).toMatchObject({ journal: { count: 3, seq: 3 }, failure: null });
    expect((await r.cli('cache', 'stats')).stdout).toMatch(/journal\s+3 passages, last seq 3/);
  });

  it('says the store is not open instead of failing obscurely', async () => {
    const r = await rig();
    r.context.store = null;
    const res = await r.cli('journal', 'verify', '--json');
    expect(res.code).toBe(1);
    expect(res.lastJson()).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
  });
});
