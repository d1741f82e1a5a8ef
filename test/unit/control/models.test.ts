import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanectl } from '../cli/io.js';
import { testModelsDir } from '../vision/models/model-fixtures.js';

/** `lanectl models` (local, no daemon) over real model files built as `npm run models` does. */
let built: string;
const temps: string[] = [];
beforeAll(() => {
  built = testModelsDir();
}, 300_000);
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Row {
  id: string;
  state: string;
  bytes: number | null;
  usedBy: string[];
  actualSha256: string | null;
}

describe('lanectl models', () => {
  it('lists every manifest model with size, sha256 ok and what loads it; exit 0', async () => {
    const res = await lanectl(['models', built, '--json']);
    expect(res.code).toBe(0);
    const out = res.lastJson() as { ok: boolean; models: Row[]; fix: string | null };
    expect(out.ok).toBe(true);
    expect(out.fix).toBeNull();
    const byId = new Map(out.models.map((m) => [m.id, m]));
    expect([...byId.keys()]).toEqual(expect.arrayContaining(['ppocr-v4-det', 'ppocr-v4-rec', 'ppocr-keys', 'blazeface', 'faceres', 'antispoof', 'liveness']));
    expect(out.models.every((m) => m.state === 'ok' && (m.bytes ?? 0) > 0)).toBe(true);
    expect(byId.get('ppocr-v4-rec')!.usedBy).toEqual(['plate reader: text recognition']);
    expect(byId.get('faceres')!.usedBy).toEqual(['face pipeline: embedder (default)']);
    expect(byId.get('mobileface')!.usedBy).toEqual(['face pipeline: alternative embedder']);
    const human = await lanectl(['models', built]);
    expect(human.stdout).toMatch(/MODEL\s+KIND\s+FILE\s+SIZE\s+SHA256\s+USED BY/);
    expect(human.stdout).toMatch(/ppocr-keys\s+asset\s+ppocr-keys-v1\.txt\s+\d+\.\d KiB\s+ok\s+plate reader: recogniser dictionary/);
    expect(human.stdout).toContain('all ok');
  });

  it('names an altered and a missing file and says the fix; exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanectl-models-'));
    temps.push(dir);
    for (const f of readdirSync(built)) {
      if (f === 'blazeface.onnx') continue; // missing
      if (f === 'liveness.onnx') writeFileSync(join(dir, f), 'not the pinned model'); // altered
      else symlinkSync(join(built, f), join(dir, f));
    }
    const res = await lanectl(['models', dir, '--json']);
    expect(res.code).toBe(1);
    const out = res.lastJson() as { ok: boolean; models: Row[]; fix: string };
    expect(out.ok).toBe(false);
    expect(out.fix).toContain('npm run models');
    const byId = new Map(out.models.map((m) => [m.id, m]));
    expect(byId.get('blazeface')).toMatchObject({ state: 'missing', bytes: null });
    expect(byId.get('liveness')).toMatchObject({ state: 'mismatch', bytes: 20, actualSha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string });
    expect(byId.get('faceres')).toMatchObject({ state: 'ok' });
    const human = await lanectl(['models', dir]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/blazeface\s+onnx\s+blazeface\.onnx\s+-\s+MISSING/);
    expect(human.stdout).toMatch(/liveness\s+onnx\s+liveness\.onnx\s+0\.0 KiB\s+MISMATCH/);
    expect(human.stdout).toContain('2 NOT ok (blazeface missing, liveness mismatch)');
    expect(human.stdout).toContain('fix: run npm run models');
  });

  it('refuses options it does not know and more than one directory', async () => {
    expect((await lanectl(['models', '--fast'])).code).toBe(2);
    expect((await lanectl(['models', 'a', 'b'])).code).toBe(2);
  });
});
