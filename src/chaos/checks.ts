import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LANE_IDS, type LaneName } from '../demo/orchestrator.js';
import type { DemoData } from '../demo/demo-data.js';
import { Store } from '../store/store.js';
import type { ChaosCentral } from './chaos-central.js';
import { LANES } from './chaos-rig.js';
import type { SafetyTracker } from './safety-tracker.js';
import { FAULT_KINDS, type FaultResult } from './faults.js';
import type { MarkedIdentity, PiiScanner } from './pii-loader.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface LaneJournalFacts {
  lane: LaneName;
  passages: number;
  grants: number;
  denies: number;
  refers: number;
  lastSeq: number;
  verify: { ok: boolean; checked: number; problems: number };
  /** Problems found comparing the journal with itself and with the central system. */
  duplicateIds: number;
  seqGaps: number[];
  grantsMissingAtCentral: number;
  passagesMissingAtCentral: number[];
  centralOutOfLaneOrder: number;
  centralUnknownIds: number;
  centralDuplicatePassages: number;
  envelopeGaps: number[];
}

/**
 * Reads each lane's journal with the store's own code (Store + Journal.get for every record, and
 * Store.verifyJournal for the hash chain) after the daemons have stopped, and compares it with what the
 * central system received.
 */
export async function journalFacts(lane: LaneName, dataDir: string, siteKey: string, central: ChaosCentral): Promise<LaneJournalFacts> {
  const laneId = LANE_IDS[lane];
  // The ids in sequence order (a plain read of the table); every record is then read through the store.
  const raw = new Database(join(dataDir, 'lane.db'), { readonly: true, fileMustExist: true });
  let rows: Array<{ id: string; seq: number }>;
  try {
    rows = raw.prepare('SELECT id, seq FROM passages WHERE lane = ? ORDER BY seq').all(laneId) as Array<{ id: string; seq: number }>;
  } finally {
    raw.close();
  }
  const store = new Store({ dataDir, lane: laneId, siteKey: Buffer.from(siteKey, 'utf8') });
  await store.start();
  let records;
  let verify;
  try {
    records = rows.map((r) => {
      const p = store.journal.get(r.id);
      if (p === null) throw new Error(`journal of ${lane}: record ${r.seq} not readable through the store`);
      return p.record;
    });
    verify = store.verifyJournal();
  } finally {
    await store.stop();
  }
  const ids = new Set(records.map((r) => r.id));
  const seqGaps: number[] = [];
  records.forEach((r, i) => {
    if (r.seq !== i + 1) seqGaps.push(i + 1);
  });
  const got = central.passages.get(laneId) ?? [];
  const byId = new Map<string, number>();
  for (const p of got) byId.set(p.passageId, (byId.get(p.passageId) ?? 0) + 1);
  const seqOf = new Map(records.map((r) => [r.id, r.seq]));
  const ordered = [...got].sort((a, b) => a.eventSeq - b.eventSeq);
  let outOfOrder = 0;
  for (let i = 1; i < ordered.length; i++) if ((seqOf.get(ordered[i]!.passageId) ?? 0) <= (seqOf.get(ordered[i - 1]!.passageId) ?? 0)) outOfOrder += 1;
  const ledger = central.sim.ledger.report(laneId);
  return {
    lane,
    passages: records.length,
    grants: records.filter((r) => r.outcome === 'grant').length,
    denies: records.filter((r) => r.outcome === 'deny').length,
    refers: records.filter((r) => r.outcome === 'refer').length,
    lastSeq: records[records.length - 1]?.seq ?? 0,
    verify: { ok: verify.ok, checked: verify.checked, problems: verify.problemCount },
    duplicateIds: records.length - ids.size,
    seqGaps,
    grantsMissingAtCentral: records.filter((r) => r.outcome === 'grant' && !byId.has(r.id)).length,
    passagesMissingAtCentral: records.filter((r) => !byId.has(r.id)).map((r) => r.seq),
    centralOutOfLaneOrder: outOfOrder,
    centralUnknownIds: got.filter((p) => !ids.has(p.passageId)).length,
    centralDuplicatePassages: [...byId.values()].filter((n) => n > 1).length,
    envelopeGaps: ledger.missing,
  };
}

export function markedIdentities(data: DemoData, signedQr: string): MarkedIdentity[] {
  const v = Object.values(data.vehicles);
  return [
    { kind: 'token', value: data.qr.valid },
    { kind: 'token', value: data.qr.revoked },
    { kind: 'qr', value: signedQr },
    { kind: 'document', value: data.passport.documentNumber },
    { kind: 'mrz', value: data.passport.lines[0] },
    { kind: 'mrz', value: data.passport.lines[1] },
    ...v.map((x) => ({ kind: 'epc' as const, value: x.epc })),
    ...v.map((x) => ({ kind: 'plate' as const, value: x.plate.compact })),
  ];
}

export interface PiiFacts {
  linesScanned: number;
  offending: number;
  report: string;
  /** The scanner found every marked identity planted in a line of its own (it can fail). */
  selfTest: boolean;
}

export function scanLogs(scanner: PiiScanner, files: readonly string[], identities: readonly MarkedIdentity[]): PiiFacts {
  // A canary per identity, logged the way a careless line would: each must be found.
  const canaries = identities.map((id) => JSON.stringify({ level: 'info', msg: 'credential read', value: ` ${id.value.toLowerCase()} ` }));
  const selfTest = scanner.scanLogLines(canaries, identities).length === identities.length;
  let linesScanned = 0;
  let offending = 0;
  const reports: string[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
    linesScanned += lines.length;
    const hits = scanner.scanLogLines(lines, identities);
    offending += hits.length;
    if (hits.length > 0) reports.push(`${file}:\n${scanner.formatPiiHits(hits.slice(0, 20))}`);
  }
  return { linesScanned, offending, report: reports.join('\n'), selfTest };
}

export interface RecoveryRow {
  kind: string;
  count: number;
  recovered: number;
  maxMs: number | null;
  p99Ms: number | null;
}

export function recoveryTable(results: readonly FaultResult[]): RecoveryRow[] {
  return FAULT_KINDS.map((kind) => {
    const mine = results.filter((r) => r.kind === kind);
    const ttr = mine.map((r) => r.ttrMs).filter((t): t is number => t !== null).sort((a, b) => a - b);
    return {
      kind,
      count: mine.length,
      recovered: ttr.length,
      maxMs: ttr.length > 0 ? ttr[ttr.length - 1]! : null,
      p99Ms: ttr.length > 0 ? ttr[Math.min(ttr.length - 1, Math.ceil(0.99 * ttr.length) - 1)]! : null,
    };
  });
}

export function judge(journals: readonly LaneJournalFacts[], safety: SafetyTracker, faults: readonly FaultResult[], planned: number, pii: PiiFacts, unplanned: number): Check[] {
  const violations = safety.violations;
  const rows = recoveryTable(faults);
  const unrecovered = faults.filter((f) => f.ttrMs === null);
  const missingKinds = rows.filter((r) => r.count === 0).map((r) => r.kind);
  const j = (f: (x: LaneJournalFacts) => string): string => journals.map((x) => `${x.lane}: ${f(x)}`).join('; ');
  return [
    {
      name: 'granted passages journaled exactly once',
      ok: journals.every((x) => x.duplicateIds === 0 && x.seqGaps.length === 0 && x.grants > 0),
      detail: j((x) => `${x.grants} grants of ${x.passages} passages, ${x.duplicateIds} duplicate ids, seq 1..${x.lastSeq}${x.seqGaps.length ? ` GAPS at ${x.seqGaps.slice(0, 5).join(',')}` : ' without gap'}`),
    },
    {
      name: 'every passage reached central, in lane order, no gap',
      ok: journals.every((x) => x.grantsMissingAtCentral === 0 && x.passagesMissingAtCentral.length === 0 && x.centralOutOfLaneOrder === 0 && x.centralUnknownIds === 0 && x.centralDuplicatePassages === 0 && x.envelopeGaps.length === 0),
      detail: j((x) => `${x.passages - x.passagesMissingAtCentral.length}/${x.passages} at central (grants missing ${x.grantsMissingAtCentral}), out of order ${x.centralOutOfLaneOrder}, unknown ${x.centralUnknownIds}, same passage twice ${x.centralDuplicatePassages}, event-seq gaps ${x.envelopeGaps.length}`),
    },
    {
      name: 'no CLOSE while a presence input was active',
      ok: violations.length === 0,
      detail: violations.length === 0 ? `0 violations in ${safety.closes} closes (lane event streams followed across ${safety.starts} daemon starts)` : violations.slice(0, 5).map((v) => `${v.lane} ${v.barrier} closed while ${v.activeInputs.join(',')} active at ${new Date(v.at).toISOString()}`).join('; '),
    },
    {
      // Gating again since the PLC-restart case was fixed (a deferred close dropped by a fault is owed and
      // asked for again; the PLC link is reported up only with fresh values): docs/chaos.md.
      name: 'no barrier left open on an idle lane',
      ok: safety.leftOpen.length === 0,
      detail:
        safety.leftOpen.length === 0
          ? `0 barriers open > ${safety.leftOpenLimitMs / 1000} s on an idle lane with their presence inputs clear`
          : safety.leftOpen
              .slice(0, 5)
              .map((o) => `${o.lane} ${o.barrier} open ${((o.until - o.from) / 1000).toFixed(1)} s from ${new Date(o.from).toISOString()}`)
              .join('; '),
    },
    {
      name: 'every fault recovered from',
      ok: unrecovered.length === 0 && missingKinds.length === 0 && faults.length === planned,
      detail: `${faults.length - unrecovered.length}/${faults.length} recovered${faults.length < planned ? `; ${planned - faults.length} planned faults not run (out of time)` : ''}${unrecovered.length ? ` (NOT: ${unrecovered.map((f) => f.kind).join(', ')})` : ''}${missingKinds.length ? `; kinds never injected: ${missingKinds.join(', ')}` : ''}`,
    },
    {
      name: 'journal hash chain verifies',
      ok: journals.every((x) => x.verify.ok),
      detail: j((x) => `${x.verify.checked} checked, ${x.verify.problems} problems`),
    },
    {
      name: 'no personal data in any daemon log line',
      ok: pii.offending === 0 && pii.linesScanned > 0 && pii.selfTest,
      detail: `${pii.linesScanned} lines scanned, ${pii.offending} carry a marked identity${pii.selfTest ? '' : '; SCANNER SELF-TEST FAILED (a planted identity was not found)'}`,
    },
    {
      name: 'no daemon exit the chaos run did not cause',
      ok: unplanned === 0,
      detail: `${unplanned} unplanned exits`,
    },
  ];
}
