import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yunetSpec } from '../../../../src/vision/face/face-config.js';
import { sha256File } from '../../../../src/vision/models/file-hash.js';
import { ModelError, ModelRegistry, defaultModelsDir } from '../../../../src/vision/models/registry.js';
import { fixturesRoot, testModelsDir } from './model-fixtures.js';

let built: string;
const temps: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'models-reg-'));
  temps.push(d);
  return d;
};
beforeAll(() => {
  built = testModelsDir(['liveness', 'ppocr-keys']);
});
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function rejection(p: Promise<unknown>): Promise<ModelError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

describe('ModelRegistry', () => {
  it('loads a verified model and runs it with one intra-op thread by default', async () => {
    const reg = new ModelRegistry({ modelsDir: built });
    try {
      const s = await reg.session('liveness');
      expect(s.inputNames).toEqual(['input']);
      expect(await reg.session('liveness')).toBe(s); // one shared session per id
      expect(reg.assetPath('ppocr-keys')).toBe(join(built, 'ppocr-keys-v1.txt'));
      expect(await reg.verify('ppocr-keys')).toBe(join(built, 'ppocr-keys-v1.txt'));
    } finally {
      await reg.close();
    }
  });

  it('refuses a tampered file, naming the file and `npm run models`', async () => {
    const dir = temp();
    const bytes = readFileSync(join(built, 'liveness.onnx'));
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1;
    writeFileSync(join(dir, 'liveness.onnx'), bytes);
    const reg = new ModelRegistry({ modelsDir: dir });
    const err = await rejection(reg.session('liveness'));
    expect(err.code).toBe('model_hash_mismatch');
    expect(err.message).toContain(join(dir, 'liveness.onnx'));
    expect(err.message).toMatch(/refusing to load it; fix: run npm run models/);
    await reg.close();
  });

  it('reports a missing model with the rebuild command, and recovers once it is rebuilt', async () => {
    const dir = temp();
    const reg = new ModelRegistry({ modelsDir: dir });
    const err = await rejection(reg.session('liveness'));
    expect(err.code).toBe('model_missing');
    expect(err.message).toMatch(/liveness\.onnx\).*missing \(ENOENT\); fix: run npm run models/);
    copyFileSync(join(built, 'liveness.onnx'), join(dir, 'liveness.onnx'));
    await expect(reg.session('liveness')).resolves.toBeDefined(); // failures are not cached
    await reg.close();
  });

  it('throws a clear error for an unknown id and for an asset used as a model', async () => {
    const reg = new ModelRegistry({ modelsDir: built });
    expect(() => reg.spec('facenet')).toThrow(/model 'facenet': unknown model id; known: .*ppocr-v4-det/);
    const err = await rejection(reg.session('ppocr-keys'));
    expect(err.code).toBe('model_wrong_kind');
    await reg.close();
  });

  it('defaults to <package root>/models/build', () => {
    expect(defaultModelsDir()).toMatch(/models[\\/]build$/);
  });

  const fx = fixturesRoot();
  const yunet = join(fx.path, 'models', 'yunet_n_320_320.onnx');
  it.skipIf(!fx.present)(`loads a model configured by path with its sha256 (YuNet from ${fx.path}/models)`, async () => {
    const sha = await sha256File(yunet);
    const reg = new ModelRegistry({ modelsDir: built, extra: [yunetSpec(yunet, sha)] });
    const s = await reg.session('yunet');
    expect(s.outputNames).toContain('kps_8');
    await reg.close();
    const wrong = new ModelRegistry({ modelsDir: built, extra: [yunetSpec(yunet, 'b'.repeat(64))] });
    const err = await rejection(wrong.session('yunet'));
    expect(err.message).toMatch(/fix: restore .*yunet_n_320_320\.onnx \(configured model, sha256 b{64}\)/);
    await wrong.close();
  });
});
