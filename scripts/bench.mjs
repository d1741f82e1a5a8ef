#!/usr/bin/env node
// Runs one benchmark suite: `npm run bench -- <suite> [suite args]`.
// Suites are bench/<suite>.ts compiled to dist/bench/<suite>.js by `npm run build` (the npm
// script builds first). Prints a table and writes bench-results/<suite>.json.
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distBench = join(root, 'dist', 'bench');
const available = existsSync(distBench)
  ? readdirSync(distBench).filter((f) => f.endsWith('.js') && f !== 'report.js').map((f) => f.slice(0, -3))
  : [];

const [suite, ...args] = process.argv.slice(2);
if (!suite || suite === '--help') {
  console.log(`usage: npm run bench -- <suite> [args]\nsuites: ${available.join(', ') || '(none built: npm run build)'}`);
  process.exit(suite ? 0 : 2);
}
if (!available.includes(suite)) {
  console.error(`unknown bench suite '${suite}'; available: ${available.join(', ')}`);
  process.exit(2);
}

const mod = await import(pathToFileURL(join(distBench, `${suite}.js`)).href);
const started = Date.now();
const report = await mod.run(args);
const seconds = (Date.now() - started) / 1000;

const rows = report.rows.map((r) => ({
  name: r.name,
  value: typeof r.value === 'number' && Number.isFinite(r.value) ? String(r.value) : 'not measured',
  unit: r.unit,
  goal: r.goal ?? '',
  pass: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
}));
const cols = ['name', 'value', 'unit', 'goal', 'pass'];
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))]));
const line = (r) => cols.map((c) => r[c].padEnd(width[c])).join('  ');
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
console.log(cols.map((c) => '-'.repeat(width[c])).join('  '));
for (const r of rows) console.log(line(r));

const out = {
  ...report,
  ranAt: new Date().toISOString(),
  seconds,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
};
const file = join(root, 'bench-results', `${suite}.json`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`\nwrote ${file} (${seconds.toFixed(1)} s)`);
