import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderWireSchema, wireSchemaEntries } from './json-schemas.js';

/** The project root: the nearest folder above this file with a package.json (works from src/ and dist/src/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Writes docs/schemas/mqtt/*.json. Usage: node dist/src/sync/wire/write-json-schemas.js [dir] */
export function defaultWireSchemaDir(): string {
  return join(projectRoot(), 'docs', 'schemas', 'mqtt');
}

export function writeWireSchemas(dir: string = defaultWireSchemaDir()): string[] {
  mkdirSync(dir, { recursive: true });
  return wireSchemaEntries().map((entry) => {
    const file = join(dir, `${entry.name}.json`);
    writeFileSync(file, renderWireSchema(entry));
    return file;
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = writeWireSchemas(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
  process.stdout.write(`wrote ${files.length} schemas to ${files.length > 0 ? resolve(files[0]!, '..') : '-'}\n`);
}
