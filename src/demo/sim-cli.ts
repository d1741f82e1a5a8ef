#!/usr/bin/env node
/**
 * `npm run sim -- <scenario>`: plays one scenario against the running demo (npm start) and prints what
 * the lane decided and that the central system received it. `--json` prints the result as one JSON line
 * (tests); `--list` lists the scenarios. Exit codes: 0 the scenario ran, 1 it failed (timeout, refused
 * command), 2 bad arguments, 69 no demo running.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ControlRequestError } from '../control/client.js';
import { demoPaths } from './demo-paths.js';
import { ScenarioContext } from './scenario-context.js';
import { SCENARIO_NAMES, SCENARIOS, type ScenarioName } from './scenario-names.js';
import { SCENARIO_RUNNERS } from './scenarios.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const USAGE = `usage: npm run sim -- <scenario> [--dir DIR] [--json]    (npm run sim -- --list)`;

function fail(code: number, message: string): never {
  process.stderr.write(`sim: ${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string', default: join(projectRoot, 'var', 'demo') }, json: { type: 'boolean', default: false }, list: { type: 'boolean', default: false } },
    strict: true,
  });
} catch (err) {
  fail(2, `${(err as Error).message}\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.list || positionals.length === 0) {
  const width = Math.max(...SCENARIO_NAMES.map((n) => n.length));
  process.stdout.write(`${USAGE}\n\nscenarios:\n${SCENARIO_NAMES.map((n) => `  ${n.padEnd(width)}  ${SCENARIOS[n]}`).join('\n')}\n`);
  process.exit(values.list ? 0 : 2);
}
if (positionals.length > 1) fail(2, `one scenario at a time\n${USAGE}`);
const name = positionals[0]!;
if (!(SCENARIO_NAMES as string[]).includes(name)) fail(2, `unknown scenario '${name}'; known: ${SCENARIO_NAMES.join(', ')}`);

const socket = demoPaths(values.dir).orchestratorSocket;
if (!existsSync(socket)) fail(69, `no demo running (no ${socket}); start it with npm start`);
const json = values.json;
const print = (line: string): void => {
  if (!json) process.stdout.write(`${line}\n`);
};
try {
  const context = await ScenarioContext.connect(socket, print);
  print(`scenario ${name}: ${SCENARIOS[name as ScenarioName]}`);
  const result = await SCENARIO_RUNNERS[name as ScenarioName](context);
  if (json) process.stdout.write(`${JSON.stringify({ scenario: name, ...result })}\n`);
  else print('done.');
} catch (err) {
  if (err instanceof ControlRequestError && err.kind === 'unreachable') fail(69, `${err.message}`);
  fail(1, `scenario ${name} failed: ${(err as Error).message}`);
}
