import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/control/command-spec.js';
import { evalMrzCommand } from '../../../src/control/commands/eval-mrz.js';
import { evalQrCommand } from '../../../src/control/commands/eval-qr.js';
import { fixtureFolder } from './helpers/fixtures-dir.js';

const tmp = mkdtempSync(join(tmpdir(), 'eval-cmd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = { env: {}, cwd: process.cwd() };

describe('lanectl eval qr / eval mrz argument handling', () => {
  it('takes exactly one path and no options', () => {
    expect(evalQrCommand.parseCli(['dir'])).toEqual({ dir: 'dir' });
    expect(() => evalQrCommand.parseCli([])).toThrow(UsageError);
    expect(() => evalQrCommand.parseCli(['a', 'b'])).toThrow(UsageError);
    expect(() => evalMrzCommand.parseCli(['--fast', 'x'])).toThrow(UsageError);
  });

  it('answers a missing or empty folder with EX_NOINPUT and a JSON error', async () => {
    const missing = await evalQrCommand.runLocal({ dir: join(tmp, 'nope') }, env);
    expect(missing).toMatchObject({ exitCode: 66, json: { ok: false, error: { code: 'no_input' } } });
    const empty = await evalQrCommand.runLocal({ dir: tmp }, env);
    expect(empty).toMatchObject({ exitCode: 66 });
    const mrzMissing = await evalMrzCommand.runLocal({ path: join(tmp, 'none.json') }, env);
    expect(mrzMissing).toMatchObject({ exitCode: 66, json: { ok: false } });
    writeFileSync(join(tmp, 'bad.json'), '{"vectors": 3}');
    expect(await evalMrzCommand.runLocal({ path: join(tmp, 'bad.json') }, env)).toMatchObject({ exitCode: 65, json: { ok: false, error: { code: 'bad_input' } } });
  });
});

const dcc = fixtureFolder('dcc');
const mrz = fixtureFolder('mrz');

describe.skipIf(!dcc || !mrz)('lanectl eval on the shared fixtures', () => {
  it('eval qr: table for people, summary JSON with counts, exit 0 when all agree', async () => {
    const out = await evalQrCommand.runLocal({ dir: relative(process.cwd(), dcc!) }, env);
    expect(out.exitCode).toBe(0);
    const json = out.json as { ok: boolean; vectors: number; flagsCompared: number; agreements: number; disagreements: unknown[]; outOfScope: Record<string, unknown> };
    expect(json.ok).toBe(true);
    expect(json.agreements).toBe(json.flagsCompared);
    expect(json.disagreements).toEqual([]);
    expect(Object.keys(json.outOfScope)).toContain('EXPECTEDSCHEMAVALIDATION');
    const table = out.human.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' && table.rows.length).toBe(json.vectors);
  });

  it('eval mrz: accepts the folder or the file', async () => {
    for (const path of [mrz!, join(mrz!, 'mrz_vectors.json')]) {
      const out = await evalMrzCommand.runLocal({ path }, env);
      expect(out).toMatchObject({ exitCode: 0, json: { ok: true, disagreements: [] } });
    }
  });
});
