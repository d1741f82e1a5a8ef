/**
 * Finds personal data in log lines: give it the log (JSON lines, as journald gets them from pino) and the
 * identities a test marked (document numbers, QR payloads, EPCs, plate texts, tokens), and it returns
 * every line that carries one of them, with the JSON field it sits in. The chaos run scans every line of
 * every daemon with it; any hit fails the run.
 *
 * Matching is deliberately loose, because a leak rarely has the exact form the test fed in:
 * - case and separators do not matter: `29A-123.45`, `29a12345` and `29A 123 45` are the same plate, an
 *   EPC may be logged as `30 74 25 ...` or `30:74:25:...`; both sides are compared upper-cased with
 *   everything but letters and digits removed;
 * - a long identity also matches by any fragment of `fragmentChars` (default 16) of its normalised form:
 *   a log that shows "the first 40 characters of the QR" leaks it too;
 * - JSON escapes are undone (the line is parsed), so `\u0041` hides nothing.
 * The hit report masks the identity (first two characters, then its length) so the scan's own output
 * does not spread the data it is looking for.
 */

export type IdentityKind = 'document' | 'mrz' | 'qr' | 'epc' | 'tid' | 'plate' | 'token' | 'face' | 'name' | 'other';

export interface MarkedIdentity {
  kind: IdentityKind;
  value: string;
}

export interface PiiHit {
  kind: IdentityKind;
  /** The identity, masked: `29…(8)`. */
  identity: string;
  /** Where in the JSON line: `msg`, `err.message`, `tags[2].epc`, or `(raw)` for a line that is not JSON. */
  path: string;
  /** True when only a fragment of a long identity matched. */
  fragment: boolean;
}

export interface OffendingLine {
  /** 0-based index in the input. */
  index: number;
  hits: PiiHit[];
}

export interface PiiScanOptions {
  /** Fragment length for long identities (normalised characters). Default 16. */
  fragmentChars?: number;
  /** Identities shorter than this (normalised) are refused: they would match by chance. Default 6. */
  minChars?: number;
}

export function normaliseForScan(text: string): string {
  return text.toUpperCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

interface Needle {
  kind: IdentityKind;
  masked: string;
  whole: string;
  fragments: string[];
}

function mask(normalised: string): string {
  return `${normalised.slice(0, 2)}…(${normalised.length})`;
}

function needlesOf(identities: readonly MarkedIdentity[], opts: Required<PiiScanOptions>): Needle[] {
  return identities.map((identity) => {
    const whole = normaliseForScan(identity.value);
    if (whole.length < opts.minChars) {
      throw new Error(`marked ${identity.kind} identity ${mask(whole)} is shorter than ${opts.minChars} letters/digits: it would match log text by chance; mark a longer one`);
    }
    const fragments: string[] = [];
    if (whole.length > opts.fragmentChars) {
      // Every fragment start: a leak of any window of the identity is found, not only aligned ones.
      for (let at = 0; at + opts.fragmentChars <= whole.length; at += 1) fragments.push(whole.slice(at, at + opts.fragmentChars));
    }
    return { kind: identity.kind, masked: mask(whole), whole, fragments: [...new Set(fragments)] };
  });
}

/** Every string in a parsed line with its path (keys too: an identity used as an object key leaks as well). */
function strings(value: unknown, path: string, out: Array<[string, string]>, depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') out.push([path || '(root)', value]);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push([path || '(root)', String(value)]);
  else if (Array.isArray(value)) value.forEach((item, i) => strings(item, `${path}[${i}]`, out, depth + 1));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      out.push([`${at} (key)`, key]);
      strings(item, at, out, depth + 1);
    }
  }
}

/** Fragment -> needles, so a line is scanned in one pass of windows however many identities are marked. */
interface Index {
  needles: readonly Needle[];
  fragmentChars: number;
  byFragment: Map<string, number[]>;
}

function buildIndex(needles: readonly Needle[], fragmentChars: number): Index {
  const byFragment = new Map<string, number[]>();
  needles.forEach((needle, i) => {
    for (const f of needle.fragments) {
      const list = byFragment.get(f);
      if (list) list.push(i);
      else byFragment.set(f, [i]);
    }
  });
  return { needles, fragmentChars, byFragment };
}

function hitsIn(text: string, path: string, index: Index, into: PiiHit[]): void {
  const haystack = normaliseForScan(text);
  if (haystack.length === 0) return;
  const found = new Set<number>();
  index.needles.forEach((needle, i) => {
    if (haystack.includes(needle.whole)) {
      found.add(i);
      into.push({ kind: needle.kind, identity: needle.masked, path, fragment: false });
    }
  });
  if (index.byFragment.size === 0) return;
  for (let at = 0; at + index.fragmentChars <= haystack.length; at += 1) {
    const owners = index.byFragment.get(haystack.slice(at, at + index.fragmentChars));
    if (!owners) continue;
    for (const i of owners) {
      if (found.has(i)) continue;
      found.add(i);
      const needle = index.needles[i]!;
      into.push({ kind: needle.kind, identity: needle.masked, path, fragment: true });
    }
  }
}

/**
 * Scans log lines (JSON text, already parsed objects, or plain text) for the marked identities and returns
 * the lines that carry any, in input order. An empty result means no marked identity was found.
 */
export function scanLogLines(lines: Iterable<string | Record<string, unknown>>, identities: readonly MarkedIdentity[], options: PiiScanOptions = {}): OffendingLine[] {
  const opts: Required<PiiScanOptions> = { fragmentChars: options.fragmentChars ?? 16, minChars: options.minChars ?? 6 };
  const index = buildIndex(needlesOf(identities, opts), opts.fragmentChars);
  const offending: OffendingLine[] = [];
  let at = 0;
  for (const line of lines) {
    const hits: PiiHit[] = [];
    let parsed: unknown = line;
    if (typeof line === 'string') {
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
    }
    if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
      hitsIn(typeof line === 'string' ? line : JSON.stringify(line), '(raw)', index, hits);
    } else {
      const fields: Array<[string, string]> = [];
      strings(parsed, '', fields);
      for (const [path, text] of fields) hitsIn(text, path, index, hits);
    }
    if (hits.length > 0) offending.push({ index: at, hits });
    at += 1;
  }
  return offending;
}

/** One line per hit, for a test failure message or the chaos report (identities masked). */
export function formatPiiHits(offending: readonly OffendingLine[]): string {
  return offending
    .flatMap((o) => o.hits.map((h) => `line ${o.index + 1}: ${h.kind} ${h.identity} in ${h.path}${h.fragment ? ' (fragment)' : ''}`))
    .join('\n');
}
