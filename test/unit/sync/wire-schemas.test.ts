import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderWireSchema, wireSchemaEntries } from '../../../src/sync/wire/json-schemas.js';
import { checkJsonSchema, expectWireValid, loadWireSchema, SCHEMA_DIR } from './support/json-schema-check.js';

describe('wire contract JSON Schemas (docs/schemas/mqtt)', () => {
  const entries = wireSchemaEntries();

  it('the checked-in files are exactly what the code generates (run node dist/src/sync/wire/write-json-schemas.js)', () => {
    const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(entries.map((e) => `${e.name}.json`).sort());
    for (const entry of entries) {
      expect(readFileSync(join(SCHEMA_DIR, `${entry.name}.json`), 'utf8'), entry.name).toBe(renderWireSchema(entry));
    }
  });

  it('every example validates against its published schema and against the zod schema', () => {
    for (const entry of entries) {
      expect(entry.examples.length, entry.name).toBeGreaterThan(0);
      for (const example of entry.examples) {
        expectWireValid(entry.name, example);
        expect(entry.schema.safeParse(example).success, entry.name).toBe(true);
      }
    }
  });

  it('the checker refuses what the schemas forbid (so passing it means something)', () => {
    const state = loadWireSchema('state');
    expect(checkJsonSchema(state, { v: 1, state: 'online' }).length).toBeGreaterThan(0);
    const cmd = loadWireSchema('cmd-set-mode');
    const good = { id: 'c-1', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:05:00.000Z', args: { mode: 'locked' }, sig: `${'A'.repeat(86)}==` };
    expect(checkJsonSchema(cmd, good)).toEqual([]);
    expect(checkJsonSchema(cmd, { ...good, args: { mode: 'open-all' } }).join()).toMatch(/args\.mode: not one of/);
    expect(checkJsonSchema(cmd, { ...good, extra: 1 }).join()).toMatch(/extra: not allowed/);
    expect(checkJsonSchema(cmd, { ...good, id: 'a/b' }).join()).toMatch(/\$\.id: does not match/);
    expect(() => checkJsonSchema({ if: {} }, 1)).toThrow(/unsupported keyword if/);
  });
});
