import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildJsonSchema, renderJsonSchema } from '../../../src/settings/index.js';
import { defaultJsonSchemaPath, writeJsonSchemaFile } from '../../../src/settings/write-json-schema.js';
import { makeTempDir } from './helpers.js';

const COMMITTED = new URL('../../../config/lane.schema.json', import.meta.url);

describe('JSON Schema for editors', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('lane-schema'));
  });
  afterEach(() => cleanup());

  it('committed config/lane.schema.json is current (regenerate: npm run build && npm run schema)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(renderJsonSchema());
  });

  it('carries $id and title and describes the strict config shape', () => {
    const schema = buildJsonSchema() as {
      $id?: string;
      title?: string;
      required?: string[];
      additionalProperties?: boolean;
      properties: Record<string, { default?: unknown }>;
    };
    expect(schema.$id).toMatch(/lane\.schema\.json$/);
    expect(schema.title).toBe('Lane controller configuration');
    expect(schema.required).toEqual(['lane']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual([
      'lane', 'log', 'storage', 'control', 'mqtt', 'policy', 'watchdog', 'display', 'secretsFile', 'devices', 'flow',
    ]);
  });

  it('the writer script writes the same text, and finds config/ from the source tree', () => {
    const target = join(dir, 'lane.schema.json');
    expect(writeJsonSchemaFile(target)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe(renderJsonSchema());
    expect(defaultJsonSchemaPath()).toBe(new URL(COMMITTED).pathname);
  });
});
