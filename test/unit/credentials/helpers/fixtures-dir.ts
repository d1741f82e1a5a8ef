import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Shared test material lives outside the project: LANE_FIXTURES, else ../shared/fixtures from
 * the project root. Tests that need it skip with a message naming the path when it is absent.
 */
const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');

export function fixturesDir(): string {
  return process.env.LANE_FIXTURES ? resolve(process.env.LANE_FIXTURES) : resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');
}

/** The sub-folder, or undefined after printing why the dependent tests are skipped. */
export function fixtureFolder(name: string): string | undefined {
  const dir = join(fixturesDir(), name);
  if (existsSync(dir)) return dir;
  console.warn(`skipping tests that need ${dir}: folder absent (set LANE_FIXTURES to the shared fixtures)`);
  return undefined;
}
