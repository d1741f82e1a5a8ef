import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalPlatesCommand } from '../../../../src/control/commands/eval-plates.js';
import { ImageError } from '../../../../src/vision/image/rgb-image.js';
import { ModelError, ModelRegistry } from '../../../../src/vision/models/registry.js';
import { loadPlateModels, type PlateModels } from '../../../../src/vision/plate/plate-models.js';
import { PlateReader } from '../../../../src/vision/plate/plate-reader.js';
import { openPlateModels } from './plate-test-helpers.js';

/** A small real JPEG whose start-of-frame header is rewritten to claim another size. */
async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } }).jpeg().toBuffer();
  for (let i = 2; i < jpeg.length - 9; i++) {
    if (jpeg[i] === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2)) {
      jpeg.writeUInt16BE(height, i + 5);
      jpeg.writeUInt16BE(width, i + 7);
      return jpeg;
    }
  }
  throw new Error('no SOF marker');
}

async function reasonOf(p: Promise<unknown>): Promise<ImageError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageError);
  const e = err as ImageError;
  expect(e.fix.length).toBeGreaterThan(10);
  expect(e.message).toContain(e.fix);
  return e;
}

describe('bad input to the plate reader', () => {
  let registry: ModelRegistry;
  let models: PlateModels;
  let reader: PlateReader;
  let plateJpeg: Buffer;

  beforeAll(async () => {
    ({ registry, models } = await openPlateModels());
    reader = new PlateReader(models);
    plateJpeg = await sharp({ create: { width: 320, height: 80, channels: 3, background: '#f4f4f0' } }).jpeg({ quality: 90 }).toBuffer();
  });
  afterAll(async () => {
    await registry.close();
  });

  it('refuses empty, corrupt and truncated JPEGs with a reason and a fix', async () => {
    expect((await reasonOf(reader.readCrop(Buffer.alloc(0)))).code).toBe('image_empty');
    expect((await reasonOf(reader.readCrop(Buffer.from('definitely not an image')))).code).toBe('image_unsupported');
    const truncated = plateJpeg.subarray(0, Math.floor(plateJpeg.length / 2));
    expect((await reasonOf(reader.readCrop(truncated))).code).toBe('image_corrupt');
    expect((await reasonOf(reader.readFrame(truncated))).code).toBe('image_corrupt');
  });

  it('refuses a 10,000 x 10,000 frame from its header, before decoding it', async () => {
    const huge = await jpegClaiming(10_000, 10_000);
    const started = Date.now();
    const e = await reasonOf(reader.readFrame(huge));
    expect(e.code).toBe('image_too_large');
    expect(e.message).toMatch(/pixel limit/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses zero-size frames, encoded or raw', async () => {
    expect((await reasonOf(reader.readFrame({ width: 0, height: 0, data: new Uint8Array(0) }))).code).toBe('image_empty');
    const e = await reasonOf(reader.readCrop(await jpegClaiming(0, 0)));
    expect(['image_corrupt', 'image_empty']).toContain(e.code);
  });

  it('reads nothing (and does not throw) from a blank plate-sized image', async () => {
    expect(await reader.readCrop(plateJpeg)).toBeUndefined();
    const frame = await reader.readFrame(await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#777' } }).jpeg().toBuffer());
    expect(frame.plates).toEqual([]);
  });

  it('names the fix when a model file is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'plate-models-'));
    const bare = new ModelRegistry({ modelsDir: empty });
    try {
      const err = await loadPlateModels(bare).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelError);
      expect((err as ModelError).code).toBe('model_missing');
      expect((err as ModelError).message).toContain('npm run models');
    } finally {
      await bare.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('lanectl eval plates: bad folders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eval-plates-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 66 naming the path when labels.tsv is missing', async () => {
    const out = await evalPlatesCommand.runLocal({ dir: 'nowhere', baseline: false }, { env: {}, cwd: dir });
    expect(out.exitCode).toBe(66);
    expect(out.json).toMatchObject({ ok: false, error: { code: 'no_input' } });
    expect(JSON.stringify(out.human)).toContain(join(dir, 'nowhere', 'labels.tsv'));
  });

  it('exits 65 when labels.tsv lacks the needed columns', async () => {
    await writeFile(join(dir, 'labels.tsv'), 'file\tcountry\nx.jpg\tVN\n');
    const out = await evalPlatesCommand.runLocal({ dir, baseline: false }, { env: {}, cwd: '/' });
    expect(out.exitCode).toBe(65);
    expect(JSON.stringify(out.json)).toContain('plate_compact');
  });

  it('parses its arguments and refuses unknown options', () => {
    expect(evalPlatesCommand.parseCli(['d', '--limit', '5'])).toEqual({ dir: 'd', baseline: true, limit: 5 });
    expect(evalPlatesCommand.parseCli(['--no-baseline', 'd'])).toEqual({ dir: 'd', baseline: false });
    expect(() => evalPlatesCommand.parseCli(['d', '--fast'])).toThrow(/no option --fast/);
    expect(() => evalPlatesCommand.parseCli([])).toThrow(/needs 1 argument/);
    expect(() => evalPlatesCommand.parseCli(['d', '--limit', 'x'])).toThrow(/positive whole number/);
  });
});
