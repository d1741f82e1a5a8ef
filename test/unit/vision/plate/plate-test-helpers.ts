import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelRegistry } from '../../../../src/vision/models/registry.js';
import { matrixFromRows, type CtcMatrix } from '../../../../src/vision/plate/ctc-matrix.js';
import { loadPlateModels, PLATE_MODEL_IDS, type PlateModels } from '../../../../src/vision/plate/plate-models.js';
import { testModelsDir } from '../models/model-fixtures.js';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

/** shared/fixtures/plates (or $LANE_FIXTURES/plates); undefined, with the reason printed, when absent. */
export function platesFixtureDir(): string | undefined {
  const root = process.env.LANE_FIXTURES ? resolve(process.env.LANE_FIXTURES) : resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');
  const dir = join(root, 'plates');
  if (existsSync(join(dir, 'labels.tsv'))) return dir;
  console.warn(`skipping plate fixture tests: ${dir}/labels.tsv absent (set LANE_FIXTURES to the shared fixtures)`);
  return undefined;
}

/** The PP-OCR models built from the npm package into a temp folder, as `npm run models` does. */
export async function openPlateModels(): Promise<{ registry: ModelRegistry; models: PlateModels }> {
  const registry = new ModelRegistry({ modelsDir: testModelsDir(Object.values(PLATE_MODEL_IDS)) });
  return { registry, models: await loadPlateModels(registry) };
}

/**
 * A matrix that spells `text` with `framesPer` steps per character and one blank step between
 * characters; `overrides[i]` replaces the distribution of the i-th character's steps.
 */
export function spell(text: string, overrides: Record<number, Record<string, number>> = {}, framesPer = 2): CtcMatrix {
  const rows: Record<string, number>[] = [{}];
  [...text].forEach((ch, i) => {
    for (let k = 0; k < framesPer; k++) rows.push(overrides[i] ?? { [ch]: 0.95 });
    rows.push({});
  });
  return matrixFromRows(rows);
}

/** Two rows spelled side by side as one joined line, with the row of every step. */
export function spellRows(top: string, bottom: string): CtcMatrix {
  const a = spell(top);
  const b = spell(bottom);
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  const rowOfStep = new Uint8Array(a.steps + b.steps);
  rowOfStep.fill(1, a.steps);
  return { ...a, steps: a.steps + b.steps, data, rowOfStep };
}
