import { isAbsolute, resolve } from 'node:path';
import { defineLocalCommand, type CommandOutcome, type HumanBlock } from '../command-spec.js';
import { positionals } from './cli-args.js';

export interface EvalMrzArgs {
  path: string;
}

/** sysexits EX_NOINPUT / EX_DATAERR. */
const EX_DATAERR = 65;
const EX_NOINPUT = 66;

export const evalMrzCommand = defineLocalCommand({
  name: 'eval mrz',
  local: true,
  summary: 'check the MRZ parser against MRZ test vectors (no daemon needed); exits 1 on any disagreement',
  usage: 'FILE_OR_DIR',
  help: 'FILE_OR_DIR is an mrz_vectors.json or a folder holding one (layout of shared/fixtures/mrz/).',
  parseCli(rest): EvalMrzArgs {
    const [path] = positionals('eval mrz', rest, 1, 1);
    return { path: path as string };
  },
  async runLocal(args: EvalMrzArgs, { cwd }): Promise<CommandOutcome> {
    const { evalMrz } = await import('../../credentials/eval/eval-mrz.js');
    const path = isAbsolute(args.path) ? args.path : resolve(cwd, args.path);
    let report: Awaited<ReturnType<typeof evalMrz>>;
    try {
      report = await evalMrz(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const message = `${args.path}: ${code ?? 'not an MRZ vector file'}`;
      return {
        exitCode: code ? EX_NOINPUT : EX_DATAERR,
        json: { ok: false, error: { code: code ? 'no_input' : 'bad_input', message } },
        human: [{ kind: 'text', text: message }],
      };
    }
    const byId = new Map<string, string[]>();
    for (const d of report.disagreements) byId.set(d.id, [...(byId.get(d.id) ?? []), d.flag]);
    const rows = Object.entries(report.byFlag).map(([flag, f]) => [flag, String(f.compared), String(f.agreements), String(f.compared - f.agreements)]);
    const human: HumanBlock[] = [
      { kind: 'table', columns: ['FLAG', 'COMPARED', 'AGREE', 'DISAGREE'], rows },
      ...[...byId].map(([id, flags]): HumanBlock => ({ kind: 'text', text: `disagrees: ${id}: ${flags.join(', ')}` })),
      {
        kind: 'text',
        text: `${report.vectors} parse vectors + ${report.checkDigitVectors} check-digit vectors, ${report.flagsCompared} flags compared, ${report.agreements} agree, ${report.disagreements.length} disagree`,
      },
    ];
    const json = {
      ok: report.disagreements.length === 0 && report.errors.length === 0,
      file: report.file,
      vectors: report.vectors,
      checkDigitVectors: report.checkDigitVectors,
      flagsCompared: report.flagsCompared,
      agreements: report.agreements,
      disagreements: report.disagreements.map((d) => ({ id: d.id, flag: d.flag })),
      byFlag: report.byFlag,
      outOfScope: report.outOfScope,
      errors: report.errors,
    };
    return { exitCode: json.ok ? 0 : 1, json, human, humanAlsoWithJson: true };
  },
});
