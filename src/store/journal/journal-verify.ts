import { canonicalJson } from '../canonical-json.js';
import type { SqliteDatabase } from '../database.js';
import { chainHash, GENESIS_HASH, headKey } from './journal.js';
import type { PassageRecord } from './passage-input.js';

export type JournalProblemKind =
  /** content does not hash to the stored hash: the row was edited. */
  | 'hash-mismatch'
  /** prev_hash is not the previous row's hash: a row was removed, inserted or moved. */
  | 'chain-broken'
  /** seq is not previous + 1 (or the first row is not 1): rows are missing. */
  | 'gap'
  /** A query column (id, seq, outcome ...) disagrees with the hashed content. */
  | 'column-mismatch'
  /** content is not canonical JSON of a passage record. */
  | 'unreadable'
  /** Rows were not inserted in sequence order. */
  | 'reordered'
  /** The recorded chain head does not match the last row: rows were cut from the end. */
  | 'head-mismatch';

export interface JournalProblem {
  lane: string;
  seq: number;
  id: string;
  problem: JournalProblemKind;
  detail: string;
}

export interface LaneChainSummary {
  lane: string;
  passages: number;
  lastSeq: number;
  headHash: string;
}

export interface JournalVerifyReport {
  ok: boolean;
  checked: number;
  lanes: LaneChainSummary[];
  /** The first problems found (at most 100), in journal order. */
  problems: JournalProblem[];
  problemCount: number;
}

interface Row {
  rowid: number;
  id: string;
  lane: string;
  seq: number;
  recordedAt: number;
  outcome: string;
  officerId: string | null;
  content: string;
  prevHash: Buffer;
  hash: Buffer;
}

const MAX_PROBLEMS = 100;

function columnMismatch(row: Row, rec: PassageRecord): string | null {
  if (rec.id !== row.id) return 'id';
  if (rec.lane !== row.lane) return 'lane';
  if (rec.seq !== row.seq) return 'seq';
  if (rec.recordedAt !== row.recordedAt) return 'recorded_at';
  if (rec.outcome !== row.outcome) return 'outcome';
  if ((rec.officerId ?? null) !== row.officerId) return 'officer_id';
  return null;
}

/**
 * `lanectl journal verify`: walks every lane's chain in sequence order and reports edited rows
 * (hash), deleted or inserted rows (gap, chain), reordered rows, and a truncated tail (head).
 * Streams the table, so it runs on journals of any length in constant memory.
 */
export function verifyJournal(db: SqliteDatabase): JournalVerifyReport {
  const problems: JournalProblem[] = [];
  let problemCount = 0;
  const report = (row: Pick<Row, 'lane' | 'seq' | 'id'>, problem: JournalProblemKind, detail: string): void => {
    problemCount += 1;
    if (problems.length < MAX_PROBLEMS) problems.push({ lane: row.lane, seq: row.seq, id: row.id, problem, detail });
  };
  const lanes: LaneChainSummary[] = [];
  let checked = 0;
  let current: { lane: string; seq: number; hash: Buffer; rowid: number; count: number; last: Row | null } | null = null;

  const closeLane = (): void => {
    if (current === null) return;
    lanes.push({ lane: current.lane, passages: current.count, lastSeq: current.seq, headHash: current.hash.toString('hex') });
    const recorded = db.prepare('SELECT value FROM store_meta WHERE key = ?').pluck().get(headKey(current.lane)) as string | undefined;
    const actual = `${current.seq}:${current.hash.toString('hex')}`;
    if (recorded !== undefined && recorded !== actual && current.last !== null) {
      report(current.last, 'head-mismatch', `recorded head is seq ${recorded.split(':')[0]}; the journal ends at ${current.seq}`);
    }
  };

  const rows = db
    .prepare(
      `SELECT rowid, id, lane, seq, recorded_at AS recordedAt, outcome, officer_id AS officerId, content,
              prev_hash AS prevHash, hash
       FROM passages ORDER BY lane, seq`,
    )
    .iterate() as IterableIterator<Row>;
  for (const row of rows) {
    checked += 1;
    if (current === null || current.lane !== row.lane) {
      closeLane();
      current = { lane: row.lane, seq: 0, hash: GENESIS_HASH, rowid: 0, count: 0, last: null };
    }
    if (row.seq !== current.seq + 1) report(row, 'gap', `expected seq ${current.seq + 1}, found ${row.seq}`);
    if (!row.prevHash.equals(current.hash)) report(row, 'chain-broken', "prev_hash is not the previous row's hash");
    if (!chainHash(row.prevHash, row.content).equals(row.hash)) report(row, 'hash-mismatch', 'content does not match its hash');
    if (row.rowid < current.rowid) report(row, 'reordered', 'stored before the row that precedes it');
    try {
      const rec = JSON.parse(row.content) as PassageRecord;
      if (canonicalJson(rec) !== row.content) report(row, 'unreadable', 'content is not in canonical form');
      const column = columnMismatch(row, rec);
      if (column !== null) report(row, 'column-mismatch', `column ${column} disagrees with the hashed content`);
    } catch {
      report(row, 'unreadable', 'content is not valid JSON');
    }
    current.seq = row.seq;
    current.hash = row.hash;
    current.rowid = row.rowid;
    current.count += 1;
    current.last = row;
  }
  closeLane();
  // A lane whose rows were all deleted leaves only its recorded head behind.
  const heads = db.prepare("SELECT key, value FROM store_meta WHERE key LIKE 'journal-head:%'").all() as { key: string; value: string }[];
  for (const { key, value } of heads) {
    const lane = key.slice(headKey('').length);
    if (!lanes.some((l) => l.lane === lane)) {
      const seq = Number(value.split(':')[0]);
      report({ lane, seq, id: '' }, 'head-mismatch', `recorded head is seq ${seq} but the journal has no rows for this lane`);
    }
  }
  return { ok: problemCount === 0, checked, lanes, problems, problemCount };
}
