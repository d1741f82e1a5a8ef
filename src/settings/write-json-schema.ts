import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchema } from './json-schema.js';

/**
 * Writes config/lane.schema.json. Usage: node dist/src/settings/write-json-schema.js [target]
 * Without a target it finds the project root by walking up to the package.json of lane-controller, so it
 * works from src/ (vitest) and from dist/src/ (built) alike.
 */
function projectRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lane-controller') {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function defaultJsonSchemaPath(): string {
  return join(projectRoot(dirname(fileURLToPath(import.meta.url))), 'config', 'lane.schema.json');
}

export function writeJsonSchemaFile(target: string = defaultJsonSchemaPath()): string {
  writeFileSync(target, renderJsonSchema());
  return target;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = writeJsonSchemaFile(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
  process.stdout.write(`wrote ${written}\n`);
}
