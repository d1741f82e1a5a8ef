import { readFile } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelRegistry, defaultModelsDir } from '../models/registry.js';

/**
 * The three things the plate pipeline needs: the PP-OCRv4 text detector, the recogniser and
 * the recogniser's dictionary (one character per line; class i is line i, class 0 blank).
 * The reader takes them through this interface so tests and tools can hand in any source;
 * in the lane they come from the model registry, which checks every file's sha256 first.
 */
export interface PlateModels {
  det: InferenceSession;
  rec: InferenceSession;
  keys: readonly string[];
}

export const PLATE_MODEL_IDS = { det: 'ppocr-v4-det', rec: 'ppocr-v4-rec', keys: 'ppocr-keys' } as const;

export function parseKeys(text: string): string[] {
  const keys = text.split(/\r?\n/u);
  if (keys.length > 0 && keys[keys.length - 1] === '') keys.pop();
  return keys;
}

/**
 * Loads the plate models from a registry. A missing or altered file raises the registry's
 * ModelError, whose message names the fix (`npm run models`).
 */
export async function loadPlateModels(registry: ModelRegistry): Promise<PlateModels> {
  const keysPath = await registry.verify(PLATE_MODEL_IDS.keys);
  const keys = parseKeys(await readFile(keysPath, 'utf8'));
  const det = await registry.session(PLATE_MODEL_IDS.det);
  const rec = await registry.session(PLATE_MODEL_IDS.rec);
  return { det, rec, keys };
}

/** A registry over `modelsDir` (default models/build of this package). Close it when done. */
export function plateModelRegistry(modelsDir: string = defaultModelsDir(), intraOpThreads = 1): ModelRegistry {
  return new ModelRegistry({ modelsDir, intraOpThreads });
}
