/**
 * Runs one side of the vision bench in its own process, so the peak RSS of our pipeline is not
 * mixed with TF.js's heap, and each side starts cold. Prints one JSON line.
 */
import { benchHuman } from './human-peer.js';
import { benchOurs } from './ours.js';

const [mode, count, rounds] = process.argv.slice(2);
const n = Number(count ?? 8);
const r = Number(rounds ?? 5);
const result = mode === 'human' ? await benchHuman(n, r) : await benchOurs(n, r);
process.stdout.write(`${JSON.stringify(result)}\n`);
