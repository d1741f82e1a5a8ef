import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VersionInfo } from '../control/contract.js';

const PACKAGE_NAME = 'lane-controller';

/**
 * lanectl's own version, from the package.json above this file. Walks up because the file
 * runs both from src/cli (tests, tsx) and from dist/src/cli (the installed bin).
 */
export function clientVersion(): VersionInfo {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') {
        return { name: 'lanectl', version: pkg.version, node: process.version, commit: null };
      }
    } catch {
      // not here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { name: 'lanectl', version: 'unknown', node: process.version, commit: null };
}
