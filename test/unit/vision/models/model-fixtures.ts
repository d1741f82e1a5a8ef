import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModels } from '../../../../src/vision/models/build.js';
import { convertTfjsEntry } from '../../../../src/vision/models/convert/convert-entry.js';
import { loadManifest } from '../../../../src/vision/models/manifest.js';
import { defaultManifestPath, packageRootFrom } from '../../../../src/vision/models/paths.js';

/**
 * Builds the models the tests need from the installed npm packages, exactly as `npm run models`
 * does, into a temp folder keyed by the manifest's hash (so test files share one build and a
 * changed manifest never reuses stale files). Independent of whether models/build/ exists.
 */
export function testModelsDir(ids?: readonly string[]): string {
  const manifestPath = defaultManifestPath();
  const key = createHash('sha256').update(readFileSync(manifestPath)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `lane-test-models-${key}`);
  buildModels({ manifest: loadManifest(manifestPath), packageRoot: packageRootFrom(), outDir: dir, convert: convertTfjsEntry, ...(ids ? { only: ids } : {}) });
  return dir;
}

/** ../shared/fixtures or $LANE_FIXTURES; null (and the tests skip, naming the path) when absent. */
export function fixturesRoot(): { path: string; present: boolean } {
  const path = process.env.LANE_FIXTURES ?? join(packageRootFrom(), '..', 'shared', 'fixtures');
  return { path, present: existsSync(join(path, 'faces', 'labels.tsv')) };
}
