import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText } from '../result.js';
import { DccVectorSchema, isInScopeFlag, OUT_OF_SCOPE_FLAGS, type InScopeFlag } from './dcc-vector.js';
import { evaluateStep } from './dcc-steps.js';
import { readLabels } from './labels-tsv.js';

/**
 * `lanectl eval qr DIR`: runs every vector of a folder laid out like shared/fixtures/dcc/
 * (`vectors/*.json`, optional `labels.tsv`) through the production verifier, step by step,
 * and compares with each expected flag.
 */
export interface FlagComparison {
  flag: InScopeFlag;
  expected: boolean;
  actual: boolean;
  detail: string;
}

export interface VectorEvaluation {
  file: string;
  compared: FlagComparison[];
  outOfScope: string[];
  /** In-scope flags the vector sets but cannot be evaluated from what it holds. */
  notEvaluable: string[];
  /** Flags this harness does not know (misspellings such as EXPTECTEDEXPIRED). */
  unknownFlags: string[];
  knownUpstreamIssue?: string;
  error?: string;
}

export interface Disagreement {
  file: string;
  flag: string;
  expected: boolean;
  actual: boolean;
  detail: string;
  knownUpstreamIssue?: string;
}

export interface QrEvalReport {
  dir: string;
  vectors: number;
  flagsCompared: number;
  agreements: number;
  disagreements: Disagreement[];
  /** Per step: why it is out of scope and how many vectors set it. */
  outOfScope: Record<string, { vectors: number; why: string }>;
  notEvaluable: { file: string; flag: string }[];
  unknownFlags: Record<string, number>;
  errors: { file: string; error: string }[];
  byFlag: Record<string, { compared: number; agreements: number }>;
  perVector: VectorEvaluation[];
}

async function vectorFiles(dir: string): Promise<{ base: string; files: string[] }> {
  const sub = join(dir, 'vectors');
  try {
    const files = (await readdir(sub)).filter((f) => f.endsWith('.json')).sort();
    return { base: sub, files };
  } catch {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    return { base: dir, files };
  }
}

export async function evaluateDccVectorFile(path: string, file: string, knownUpstreamIssue?: string): Promise<VectorEvaluation> {
  const out: VectorEvaluation = { file, compared: [], outOfScope: [], notEvaluable: [], unknownFlags: [] };
  if (knownUpstreamIssue) out.knownUpstreamIssue = knownUpstreamIssue;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    out.error = `unreadable: ${errorText(err)}`;
    return out;
  }
  const parsed = DccVectorSchema.safeParse(json);
  if (!parsed.success) {
    out.error = `not a DCC vector: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim();
    return out;
  }
  const vector = parsed.data;
  for (const [flag, expected] of Object.entries(vector.EXPECTEDRESULTS)) {
    if (flag in OUT_OF_SCOPE_FLAGS) {
      out.outOfScope.push(flag);
      continue;
    }
    if (!isInScopeFlag(flag) || typeof expected !== 'boolean') {
      out.unknownFlags.push(flag);
      continue;
    }
    const step = evaluateStep(flag, vector);
    if (!step) {
      out.notEvaluable.push(flag);
      continue;
    }
    out.compared.push({ flag, expected, actual: step.actual, detail: step.detail });
  }
  return out;
}

export async function evalQrDir(dir: string): Promise<QrEvalReport> {
  const { base, files } = await vectorFiles(dir);
  const labels = await readLabels(join(dir, 'labels.tsv'));
  const report: QrEvalReport = {
    dir,
    vectors: 0,
    flagsCompared: 0,
    agreements: 0,
    disagreements: [],
    outOfScope: {},
    notEvaluable: [],
    unknownFlags: {},
    errors: [],
    byFlag: {},
    perVector: [],
  };
  for (const file of files) {
    const known = labels.get(`vectors/${file}`)?.known_upstream_issue || undefined;
    const ev = await evaluateDccVectorFile(join(base, file), file, known);
    report.perVector.push(ev);
    if (ev.error) {
      report.errors.push({ file, error: ev.error });
      continue;
    }
    report.vectors++;
    for (const c of ev.compared) {
      const f = (report.byFlag[c.flag] ??= { compared: 0, agreements: 0 });
      f.compared++;
      report.flagsCompared++;
      if (c.expected === c.actual) {
        report.agreements++;
        f.agreements++;
      } else {
        const d: Disagreement = { file, flag: c.flag, expected: c.expected, actual: c.actual, detail: c.detail };
        if (ev.knownUpstreamIssue) d.knownUpstreamIssue = ev.knownUpstreamIssue;
        report.disagreements.push(d);
      }
    }
    for (const flag of ev.outOfScope) {
      const o = (report.outOfScope[flag] ??= { vectors: 0, why: OUT_OF_SCOPE_FLAGS[flag] ?? '' });
      o.vectors++;
    }
    for (const flag of ev.notEvaluable) report.notEvaluable.push({ file, flag });
    for (const flag of ev.unknownFlags) report.unknownFlags[flag] = (report.unknownFlags[flag] ?? 0) + 1;
  }
  return report;
}
