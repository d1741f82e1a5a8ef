/**
 * The decision engine is pure by construction: it imports nothing outside src/decision (the
 * clock is passed in as a structural type), reads no ambient time or randomness, and has no
 * import cycles. This test reads the sources so a later edit cannot quietly break that.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../../../src/decision/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
const source = (f: string) => readFileSync(DIR + f, 'utf8');
const importsOf = (f: string) => [...source(f).matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'/gm)].map((m) => m[1] ?? '');

describe('src/decision purity', () => {
  it('has source files to check', () => {
    expect(files).toContain('decide.ts');
    expect(files).toContain('types.ts');
    expect(importsOf('decide.ts')).toContain('./types.js');
    expect(importsOf('combine.ts')).toContain('./types.js'); // multi-line import
  });

  it('imports only its own files', () => {
    for (const f of files) {
      for (const spec of importsOf(f)) expect({ file: f, spec, local: /^\.\/[a-z-]+\.js$/.test(spec) }).toEqual({ file: f, spec, local: true });
    }
  });

  it('reads no ambient time, randomness, environment or console', () => {
    const forbidden = /\bDate\.now\b|new Date\b|Math\.random|performance\.|process\.|console\.|setTimeout|setInterval|require\(/;
    for (const f of files) {
      const code = source(f).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // comments may mention them
      expect({ file: f, hit: forbidden.exec(code)?.[0] ?? null }).toEqual({ file: f, hit: null });
    }
  });

  it('has no import cycles', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).map((s) => s.replace('./', '').replace(/\.js$/, '.ts'))]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') return void cycles.push([...path, f].join(' -> '));
      state.set(f, 'visiting');
      for (const dep of graph.get(f) ?? []) visit(dep, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
