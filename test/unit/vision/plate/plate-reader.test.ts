import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../../src/vision/models/registry.js';
import { reportJson, tableRows } from '../../../../src/vision/plate/eval/plate-eval-report.js';
import { evalPlates } from '../../../../src/vision/plate/eval/plate-eval.js';
import { NaivePlateReader } from '../../../../src/vision/plate/naive-reader.js';
import type { PlateModels } from '../../../../src/vision/plate/plate-models.js';
import { ONE_ROW_VARIANTS, PlateReader, TWO_ROW_VARIANTS } from '../../../../src/vision/plate/plate-reader.js';
import { readPlateLabels } from '../../../../src/vision/plate/eval/plate-labels.js';
import { boundsIoU } from '../../../../src/vision/plate/quad.js';
import { generateScene } from '../../../../src/vision/scenes/scene-generator.js';
import { openPlateModels, platesFixtureDir } from './plate-test-helpers.js';

describe('plate reader with the PP-OCRv4 models', () => {
  let registry: ModelRegistry;
  let models: PlateModels;
  let reader: PlateReader;

  beforeAll(async () => {
    ({ registry, models } = await openPlateModels());
    reader = new PlateReader(models);
  });
  afterAll(async () => {
    await registry.close();
  });

  it('reads one- and two-row plates on synthetic frames and finds where they are', async () => {
    // Scene seeds 1..4 draw a motorbike, two square car plates and a long car plate (day and night).
    for (const seed of [1, 2, 4]) {
      const scene = await generateScene(seed);
      const frame = await reader.readFrame(scene.jpeg);
      expect(frame.candidates.some((q) => boundsIoU(q, scene.textQuad) >= 0.5)).toBe(true);
      const read = frame.plates.find((p) => p.compact === scene.plate.compact);
      expect(read, `seed ${seed}: ${scene.plate.compact}`).toBeDefined();
      expect(read!.rows).toBe(scene.plate.rows.length);
      expect(read!.country).toBe(scene.plate.country);
      expect(read!.charConfidences).toHaveLength([...read!.compact].length);
      expect(boundsIoU(read!.quad, scene.plateQuad)).toBeGreaterThan(0.5);
    }
  });

  it('evaluates a fixture folder: table by country and rows, JSON with rates and times', async (ctx) => {
    const dir = platesFixtureDir();
    if (!dir) return ctx.skip();
    const report = await evalPlates(dir, reader, new NaivePlateReader(models), { limitPerCountry: 4 });
    expect(report.n).toBe(8);
    expect(Object.keys(report.byCountry).sort()).toEqual(['CN', 'VN']);
    for (const g of Object.values(report.byCountryRows)) {
      expect(g.rate).toBeGreaterThanOrEqual(0);
      expect(g.rate).toBeLessThanOrEqual(1);
      expect(g.naiveRate).toBeDefined();
    }
    expect(report.ms.p99).toBeGreaterThanOrEqual(report.ms.p50);
    const json = reportJson(report);
    expect(json).toMatchObject({ ok: true, n: 8, exactMatch: { CN: expect.any(Number), VN: expect.any(Number) }, msPerPlate: { mean: expect.any(Number), p99: expect.any(Number) } });
    expect(json.naiveExactMatch).toBeDefined();
    expect(tableRows(report).map((r) => r[0])).toEqual(expect.arrayContaining(['CN 1-row', 'VN 1-row', 'CN all', 'VN all']));
    // The first crops of each country are clear plates: most are read exactly.
    expect(report.exact).toBeGreaterThanOrEqual(6);
  });

  it('reads a two-row Vietnamese motorbike crop in the right row order', async (ctx) => {
    const dir = platesFixtureDir();
    if (!dir) return ctx.skip();
    const read = await reader.readCrop(await readFile(join(dir, 'vn', '5xemay734.jpg')));
    expect(read?.compact).toBe('59B138559');
    expect(read?.display).toBe('59-B1 385.59');
    expect(read?.rows).toBe(2);
  });

  it('keeps a clear first reading and reads an ambiguous crop again under the variants', async (ctx) => {
    const dir = platesFixtureDir();
    if (!dir) return ctx.skip();
    const twoRow = await readFile(join(dir, 'vn', '5xemay734.jpg'));
    const oneRow = await readFile(join(dir, 'vn', '6CarLongPlate543.jpg'));
    const clear = await reader.readCrop(oneRow);
    expect(clear?.compact).toBe('51A77529');
    expect(clear?.rereads).toBe(0);
    // Forced second looks: one padded reading for one row, the voted variants for two rows.
    const always = new PlateReader(models, { cropAcceptMargin: Number.POSITIVE_INFINITY });
    const again = await always.readCrop(oneRow);
    expect(again?.compact).toBe('51A77529');
    expect(again?.rereads).toBe(ONE_ROW_VARIANTS.length);
    const voted = await always.readCrop(twoRow);
    expect(voted?.compact).toBe('59B138559');
    // The padded reading first; the other variants only when it disagrees with the first reading.
    expect([1, TWO_ROW_VARIANTS.length]).toContain(voted?.rereads);
    expect(voted?.charConfidences).toHaveLength(9);
    const firstOnly = await new PlateReader(models, { cropAcceptMargin: Number.POSITIVE_INFINITY, cropFirstReadOnly: true }).readCrop(twoRow);
    expect(firstOnly?.rereads).toBe(0);
  });

  it('reads at least 35 of the 36 two-row Vietnamese fixture crops exactly', { timeout: 240_000 }, async (ctx) => {
    const dir = platesFixtureDir();
    if (!dir) return ctx.skip();
    const labels = (await readPlateLabels(dir)).filter((l) => l.country === 'VN' && l.rows === 2);
    expect(labels).toHaveLength(36);
    let exact = 0;
    for (const l of labels) if ((await reader.readCrop(await readFile(join(dir, l.file))))?.compact === l.compact) exact++;
    // Measured 35 (the one miss is a blurred motorbike M read as N); the naive reader gets 33.
    expect(exact).toBeGreaterThanOrEqual(35);
  });
});
