import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseOpaqueToken } from '../../credentials/token/opaque-token.js';
import type { CargoEntry, EpcLookup, PlateLookup, TokenLookup, VehicleEntry, WatchlistEntryHit } from '../../store/index.js';
import { compactPlate, compactTagHex } from '../../store/lists/vehicle-lists.js';
import { UsageError, defineRemoteCommand, type HumanBlock } from '../command-spec.js';
import { positionals } from './cli-args.js';
import { orDash } from './format.js';
import { requireStore } from './store-unavailable.js';

/**
 * `lookup plate|token|epc VALUE`: what the offline cache knows about one identifier, the same
 * lookups the decision engine makes (read-only: a single-use token is not consumed). Results
 * carry subject and vehicle ids, categories and validity, never document numbers; a token is
 * hashed with the site key in the daemon and only a hash prefix comes back.
 */

/** Plates: the same fuzzy distance the vehicle lane accepts (one OCR confusion or edit). */
const PLATE_MAX_DISTANCE = 1;

function validity(from: number | null, until: number | null, now: number): string {
  const range = `${from === null ? '-' : new Date(from).toISOString().slice(0, 10)} .. ${until === null ? '-' : new Date(until).toISOString().slice(0, 10)}`;
  if (from !== null && now < from) return `NOT YET VALID (${range})`;
  if (until !== null && now >= until) return `EXPIRED (${range})`;
  return `valid (${range})`;
}

function cargoText(c: CargoEntry | null, now: number): string {
  if (c === null) return 'no clearance on file';
  const lab = c.labTestRequired ? `, lab test ${c.labTestStatus ?? 'pending'}` : '';
  return `${c.declarationId}: ${c.status}, ${c.cargoClass}${lab}, ${validity(c.validFrom, c.validUntil, now)}`;
}

function vehicleRows(v: VehicleEntry, now: number): Array<readonly [string, string]> {
  return [
    ['vehicle', v.vehicleId],
    ['plate', `${v.plate} (${v.plateCountry})`],
    ['class', v.vehicleClass],
    ['company', orDash(v.companyId)],
    ['owner subject', orDash(v.ownerSubjectId)],
    ['tag', v.epc === null ? '-' : `EPC ${v.epc}${v.tid ? `, TID ${v.tid}` : ''}`],
    ['directions', v.allowedDirections.join(', ') || 'none'],
    ['validity', validity(v.validFrom, v.validUntil, now)],
  ];
}

function watchlistBlock(hits: WatchlistEntryHit[]): HumanBlock {
  if (hits.length === 0) return { kind: 'text', text: 'watchlist: no entry' };
  return {
    kind: 'table',
    columns: ['WATCHLIST ENTRY', 'LIST', 'KIND', 'ACTION', 'DISTANCE'],
    rows: hits.map((h) => [h.entryId, h.listId, h.kind, h.action, h.distance === null ? 'exact' : String(h.distance)]),
  };
}

const plateArgs = z.object({ plate: z.string().min(1).max(32).refine((p) => compactPlate(p).length > 0, 'no letters or digits') }).strict();

export const lookupPlateCommand = defineRemoteCommand({
  name: 'lookup plate',
  summary: 'vehicles whose plate matches (fuzzy, OCR confusions) with class, company and cargo clearance',
  usage: 'PLATE',
  help: `Matches up to distance ${PLATE_MAX_DISTANCE} (a confusion such as 0/D costs 0.25, any other edit 1); exact matches first.`,
  args: plateArgs,
  parseCli(rest): { plate: string } {
    const plate = positionals('lookup plate', rest, 1, 4).join(' ');
    if (compactPlate(plate).length === 0) throw new UsageError(`'${plate}' has no letters or digits; give the plate as read, e.g. 29C-123.45`);
    if (plate.length > 32) throw new UsageError('a plate has at most 32 characters');
    return { plate };
  },
  handle: (ctx, args: { plate: string }): PlateLookup => requireStore(ctx).lookupPlate(args.plate, PLATE_MAX_DISTANCE),
  formatHuman(r: PlateLookup, _args, fmt) {
    const blocks: HumanBlock[] = [];
    if (r.vehicles.length === 0) blocks.push({ kind: 'text', text: `no registered vehicle within distance ${PLATE_MAX_DISTANCE} of ${r.plate}` });
    for (const v of r.vehicles) {
      blocks.push({
        kind: 'fields',
        rows: [['distance', v.distance === 0 ? '0 (exact)' : String(v.distance)], ...vehicleRows(v, fmt.now), ['cargo', cargoText(v.cargo, fmt.now)]],
      });
      blocks.push({ kind: 'text', text: '' });
    }
    blocks.push(watchlistBlock(r.watchlist));
    return blocks;
  },
});

/** `-` reads the token from stdin, so it stays out of shell history and the process list. */
function readToken(word: string): string {
  if (word !== '-') return word;
  try {
    return readFileSync(0, 'utf8').replace(/[\r\n]+$/u, '');
  } catch (err) {
    throw new UsageError(`cannot read the token from stdin: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

const tokenArgs = z.object({ token: z.string().refine((t) => parseOpaqueToken(t).ok, 'not an opaque QR token') }).strict();

export const lookupTokenCommand = defineRemoteCommand({
  name: 'lookup token',
  summary: "an opaque QR token's credential and subject (category, validity), by keyed hash",
  usage: 'TOKEN|-',
  help: "The daemon hashes the token with the site key; only a hash prefix is shown. '-' reads it from stdin (keeps it out of shell history).",
  args: tokenArgs,
  parseCli(rest): { token: string } {
    const [word] = positionals('lookup token', rest, 1, 1);
    const token = readToken(word!);
    const parsed = parseOpaqueToken(token);
    // The reason names length or position only, never the token's characters.
    if (!parsed.ok) throw new UsageError(`not an opaque QR token: ${parsed.reason} (${parsed.detail})`);
    return { token: parsed.token };
  },
  handle: (ctx, args: { token: string }): TokenLookup => requireStore(ctx).lookupToken(args.token),
  formatHuman(r: TokenLookup, _args, fmt) {
    const rows: Array<readonly [string, string]> = [['token hash', `${r.hashPrefix}...`]];
    if (r.credential === null) rows.push(['credential', 'not in the cache (unknown token)']);
    else {
      const c = r.credential;
      rows.push(['credential', `${c.kind}, ${c.status}${c.singleUse ? ', single use' : ''}`], ['validity', validity(c.validFrom, c.validUntil, fmt.now)]);
      rows.push(['subject', c.subjectId]);
      if (r.subject === null) rows.push(['subject record', 'MISSING from the cache']);
      else {
        const s = r.subject;
        rows.push(
          ['category', s.category],
          ['nationality', orDash(s.nationality)],
          ['directions', s.allowedDirections.join(', ') || 'none'],
          ['subject validity', validity(s.validFrom, s.validUntil, fmt.now)],
        );
      }
    }
    return [{ kind: 'fields', rows }, watchlistBlock(r.watchlist)];
  },
});

const epcArgs = z.object({ epc: z.string().max(160).refine((e) => compactTagHex(e) !== null, 'not hex') }).strict();

export const lookupEpcCommand = defineRemoteCommand({
  name: 'lookup epc',
  summary: 'the vehicle registered with an RFID EPC, its cargo clearance and watchlist entries',
  usage: 'EPC',
  help: 'EPC as hex, as readers print it: spaces, colons, dashes and a 0x prefix are ignored.',
  args: epcArgs,
  parseCli(rest): { epc: string } {
    const epc = positionals('lookup epc', rest, 1, 16).join(' ');
    if (epc.length > 160 || compactTagHex(epc) === null) throw new UsageError("an EPC is 4-128 hex digits, e.g. 3074257BF7194E4000001A85");
    return { epc };
  },
  handle: (ctx, args: { epc: string }): EpcLookup => requireStore(ctx).lookupEpc(args.epc),
  formatHuman(r: EpcLookup, _args, fmt) {
    const blocks: HumanBlock[] = [];
    if (r.vehicle === null) blocks.push({ kind: 'text', text: `no vehicle registered with EPC ${r.epc ?? '?'}` });
    else blocks.push({ kind: 'fields', rows: [...vehicleRows(r.vehicle, fmt.now), ['cargo', cargoText(r.cargo, fmt.now)]] });
    blocks.push(watchlistBlock(r.watchlist));
    return blocks;
  },
});
