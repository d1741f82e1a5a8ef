import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalFacesCommand } from '../../../../src/control/commands/eval-faces.js';
import { UsageError } from '../../../../src/control/command-spec.js';
import { evalFaces } from '../../../../src/vision/face/eval/eval-faces.js';
import { resolveFaceConfig } from '../../../../src/vision/face/face-config.js';
import { FacePipeline } from '../../../../src/vision/face/face-pipeline.js';
import { ModelRegistry } from '../../../../src/vision/models/registry.js';
import { fixturesRoot, testModelsDir } from '../models/model-fixtures.js';

const fx = fixturesRoot();
let modelsDir: string;
beforeAll(() => {
  modelsDir = testModelsDir(['blazeface', 'faceres', 'antispoof', 'liveness']);
});

describe('lanectl eval faces', () => {
  it('parses its arguments and refuses bad ones', () => {
    expect(evalFacesCommand.parseCli(['dir', '--embedder', 'mobileface', '--threshold', '0.5'])).toEqual({ dir: 'dir', embedder: 'mobileface', threshold: 0.5 });
    expect(() => evalFacesCommand.parseCli([])).toThrow(UsageError);
    expect(() => evalFacesCommand.parseCli(['d', '--embedder', 'mobilefacenet'])).toThrow(/faceres, faceres-deep or mobileface/);
    expect(() => evalFacesCommand.parseCli(['d', '--threshold', '2'])).toThrow(/between -1 and 1/);
    expect(() => evalFacesCommand.parseCli(['d', '--detector', 'yunet'])).toThrow(/needs --yunet PATH/);
  });

  it('exits 69 naming the fix when the models are missing', async () => {
    const out = await evalFacesCommand.runLocal({ dir: fx.path, models: join(modelsDir, 'absent') }, { cwd: process.cwd(), env: {} });
    expect(out.exitCode).toBe(69);
    expect(JSON.stringify(out.json)).toMatch(/model_missing.*fix: run npm run models/);
  });

  it('exits 66 for a folder without labels.tsv', async () => {
    const out = await evalFacesCommand.runLocal({ dir: join(modelsDir, 'nowhere'), models: modelsDir }, { cwd: process.cwd(), env: {} });
    expect(out.exitCode).toBe(66);
    expect(out.json).toMatchObject({ ok: false, error: { code: 'no_input' } });
  });
});

describe.skipIf(!fx.present)(`face evaluation on the real fixtures (${fx.path}/faces)`, () => {
  let registry: ModelRegistry;
  afterAll(async () => registry?.close());

  it('scores every pair of single images and reports EER, TAR at FAR and failures', async () => {
    registry = new ModelRegistry({ modelsDir });
    const pipeline = await FacePipeline.load(registry, resolveFaceConfig());
    const r = await evalFaces(join(fx.path, 'faces'), pipeline);
    const n = r.enrolled;
    expect(r.singles).toBeGreaterThan(10);
    expect(r.enrolled + r.enrolmentFailures.length).toBe(r.singles);
    expect(r.genuinePairs + r.impostorPairs).toBe((n * (n - 1)) / 2);
    expect(r.genuinePairs).toBeGreaterThan(0);
    expect(r.eer).toBeGreaterThanOrEqual(0);
    expect(r.eer).toBeLessThanOrEqual(0.5);
    expect(r.tarAtFar.map((t) => t.far)).toEqual([0.1, 0.01]);
    for (const t of [...r.tarAtFar, r.tarAtZeroFar]) expect(t.tar).toBeGreaterThanOrEqual(0);
    // TAR can only fall as the allowed FAR shrinks.
    expect(r.tarAtFar[0]!.tar).toBeGreaterThanOrEqual(r.tarAtFar[1]!.tar);
    expect(r.tarAtFar[1]!.tar).toBeGreaterThanOrEqual(r.tarAtZeroFar.tar);
    expect(r.atOperatingThreshold.threshold).toBe(pipeline.config.threshold);
    expect(r.lowestGenuine[0]!.score).toBeLessThanOrEqual(r.lowestGenuine[1]!.score);
    expect(r.detectionOnly.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ config: { embedder: 'faceres' } });
  });
});
