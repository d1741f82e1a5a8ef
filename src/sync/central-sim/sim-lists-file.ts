import { readFileSync } from 'node:fs';
import type { SimLists } from './central-sim.js';
import type { DeltaBody } from './list-signer.js';

/** The simulator's list file: current lists (for snapshots) and deltas to publish in order. */
export interface SimListsFile {
  lists: SimLists;
  deltas: DeltaBody[];
}

export function readSimListsFile(path: string): SimListsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read lists file ${path}: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null) throw new Error(`${path}: must be a JSON object with "lists" and/or "deltas"`);
  const o = json as { lists?: unknown; deltas?: unknown };
  const lists: SimLists = {};
  if (o.lists !== undefined) {
    if (typeof o.lists !== 'object' || o.lists === null) throw new Error(`${path}: "lists" must be an object`);
    for (const [name, value] of Object.entries(o.lists)) {
      const v = value as { version?: unknown; rows?: unknown };
      if (!Number.isInteger(v.version) || (v.version as number) < 0 || !Array.isArray(v.rows)) {
        throw new Error(`${path}: lists.${name} needs "version" (a whole number) and "rows" (an array)`);
      }
      lists[name] = { version: v.version as number, rows: v.rows };
    }
  }
  const deltas: DeltaBody[] = [];
  if (o.deltas !== undefined) {
    if (!Array.isArray(o.deltas)) throw new Error(`${path}: "deltas" must be an array`);
    o.deltas.forEach((d: unknown, i) => {
      const x = d as Partial<DeltaBody>;
      if (typeof x.list !== 'string' || !Number.isInteger(x.fromVersion) || !Number.isInteger(x.toVersion)) {
        throw new Error(`${path}: deltas[${i}] needs "list", "fromVersion" and "toVersion"`);
      }
      deltas.push({ list: x.list, fromVersion: x.fromVersion!, toVersion: x.toVersion!, upserts: x.upserts ?? [], deletes: x.deletes ?? [] });
    });
  }
  return { lists, deltas };
}
