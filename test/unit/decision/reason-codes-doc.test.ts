import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REASON_CODES, REASON_RULES } from '../../../src/decision/index.js';

const DOC = fileURLToPath(new URL('../../../docs/reason-codes.md', import.meta.url));

interface DocRow {
  code: string;
  effect: string;
  alarm: boolean;
  factor: string;
}

function documentedRows(): DocRow[] {
  const rows: DocRow[] = [];
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\|\s*`([A-Z_]+)`\s*\|\s*([a-z]+)\s*\|\s*(yes|no)\s*\|\s*([a-z-]*)\s*\|/.exec(line);
    if (m) rows.push({ code: m[1] ?? '', effect: m[2] ?? '', alarm: m[3] === 'yes', factor: m[4] ?? '' });
  }
  return rows;
}

describe('docs/reason-codes.md', () => {
  it('documents exactly the exported reason codes, once each, in export order', () => {
    expect(documentedRows().map((r) => r.code)).toEqual([...REASON_CODES]);
  });

  it('states the same effect and alarm flag as the engine applies', () => {
    for (const row of documentedRows()) {
      const rule = REASON_RULES[row.code as keyof typeof REASON_RULES];
      expect({ code: row.code, effect: row.effect, alarm: row.alarm }).toEqual({ code: row.code, effect: rule.effect, alarm: rule.alarm });
    }
  });

  it('names a factor for every collect code and for no other', () => {
    for (const row of documentedRows()) {
      expect({ code: row.code, hasFactor: row.factor !== '' }).toEqual({ code: row.code, hasFactor: row.effect === 'collect' });
    }
  });
});
