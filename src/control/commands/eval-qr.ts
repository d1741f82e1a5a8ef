import { isAbsolute, resolve } from 'node:path';
import { defineLocalCommand, type CommandOutcome, type HumanBlock } from '../command-spec.js';
import { positionals } from './cli-args.js';

export interface EvalQrArgs {
  dir: string;
}

/** sysexits EX_NOINPUT: the folder does not exist or holds no vectors. */
const EX_NOINPUT = 66;

export const evalQrCommand = defineLocalCommand({
  name: 'eval qr',
  local: true,
  summary: 'check the signed-QR verifier against DCC test vectors (no daemon needed); exits 1 on any disagreement',
  usage: 'DIR',
  help: 'DIR is laid out like shared/fixtures/dcc/: vectors/*.json and an optional labels.tsv.',
  parseCli(rest): EvalQrArgs {
    const [dir] = positionals('eval qr', rest, 1, 1);
    return { dir: dir as string };
  },
  async runLocal(args: EvalQrArgs, { cwd }): Promise<CommandOutcome> {
    // Loaded on demand: the daemon holds this registry too and never runs evaluations.
    const { evalQrDir } = await import('../../credentials/eval/eval-qr.js');
    const dir = isAbsolute(args.dir) ? args.dir : resolve(cwd, args.dir);
    let report: Awaited<ReturnType<typeof evalQrDir>>;
    try {
      report = await evalQrDir(dir);
    } catch (err) {
      const message = `${args.dir}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`;
      return { exitCode: EX_NOINPUT, json: { ok: false, error: { code: 'no_input', message } }, human: [{ kind: 'text', text: message }] };
    }
    if (report.vectors === 0 && report.errors.length === 0) {
      const message = `${args.dir}: no vectors (*.json) found`;
      return { exitCode: EX_NOINPUT, json: { ok: false, error: { code: 'no_input', message } }, human: [{ kind: 'text', text: message }] };
    }
    const rows = report.perVector.map((v) => {
      const wrong = v.compared.filter((c) => c.expected !== c.actual);
      return [
        v.file,
        String(v.compared.length),
        String(v.compared.length - wrong.length),
        wrong.length ? wrong.map((c) => `${c.flag.replace('EXPECTED', '')}(${c.detail})`).join(' ') : v.error ? `error: ${v.error}` : '-',
        v.outOfScope.map((f) => f.replace('EXPECTED', '')).join(' ') || '-',
      ];
    });
    const summary = `${report.vectors} vectors, ${report.flagsCompared} flags compared, ${report.agreements} agree, ${report.disagreements.length} disagree`;
    const human: HumanBlock[] = [
      { kind: 'table', columns: ['VECTOR', 'FLAGS', 'AGREE', 'DISAGREE', 'OUT OF SCOPE'], rows },
      { kind: 'text', text: summary },
      ...Object.entries(report.outOfScope).map(([flag, o]): HumanBlock => ({ kind: 'text', text: `out of scope: ${flag} (${o.vectors} vectors): ${o.why}` })),
    ];
    const json = {
      ok: report.disagreements.length === 0 && report.errors.length === 0,
      dir: report.dir,
      vectors: report.vectors,
      flagsCompared: report.flagsCompared,
      agreements: report.agreements,
      disagreements: report.disagreements,
      byFlag: report.byFlag,
      outOfScope: report.outOfScope,
      notEvaluable: report.notEvaluable,
      unknownFlags: report.unknownFlags,
      errors: report.errors,
    };
    return { exitCode: json.ok ? 0 : 1, json, human, humanAlsoWithJson: true };
  },
});
