import { isAbsolute, resolve } from 'node:path';
import { defineLocalCommand, UsageError, type CommandOutcome, type HumanBlock } from '../command-spec.js';

export interface EvalPlatesArgs {
  dir: string;
  /** Only the first N crops per country. */
  limit?: number;
  /** Skip the naive baseline (halves the run time). */
  baseline: boolean;
}

/** sysexits: EX_DATAERR (bad labels), EX_NOINPUT (no folder/labels), EX_UNAVAILABLE (models). */
const EX_DATAERR = 65;
const EX_NOINPUT = 66;
const EX_UNAVAILABLE = 69;

function failure(exitCode: number, code: string, message: string): CommandOutcome {
  return { exitCode, json: { ok: false, error: { code, message } }, human: [{ kind: 'text', text: message }] };
}

export const evalPlatesCommand = defineLocalCommand({
  name: 'eval plates',
  local: true,
  summary: 'read the plate crops of a labelled folder and report exact-match rates against a naive baseline (no daemon needed)',
  usage: 'DIR [--limit N] [--no-baseline]',
  help: [
    'DIR is laid out like shared/fixtures/plates/: labels.tsv (file, country, plate_compact, n_rows, ...) and the crops.',
    'Reads each crop with the plate reader and with the naive baseline (half-height row split, no grammar),',
    'prints a table by country and row count, then (with --json) one JSON object: n, exact-match rate per',
    'country, mean and p99 ms per plate. Models come from models/build (npm run models).',
  ].join('\n'),
  parseCli(rest): EvalPlatesArgs {
    const words: string[] = [];
    let limit: number | undefined;
    let baseline = true;
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i]!;
      if (w === '--limit') {
        const n = Number(rest[++i]);
        if (!Number.isInteger(n) || n <= 0) throw new UsageError(`'eval plates' --limit needs a positive whole number`);
        limit = n;
      } else if (w === '--no-baseline') baseline = false;
      else if (w.startsWith('-')) throw new UsageError(`'eval plates' has no option ${w}`);
      else words.push(w);
    }
    if (words.length !== 1) throw new UsageError(`'eval plates' needs 1 argument (DIR), got ${words.length}`);
    return { dir: words[0]!, baseline, ...(limit !== undefined ? { limit } : {}) };
  },
  async runLocal(args: EvalPlatesArgs, { cwd }): Promise<CommandOutcome> {
    // Loaded on demand: the daemon holds this registry too and must not load ONNX for it.
    const [{ evalPlates }, { PlateLabelsError, readPlateLabels }, report, { PlateReader }, { NaivePlateReader }, { loadPlateModels, plateModelRegistry }, { ModelError }] = await Promise.all([
      import('../../vision/plate/eval/plate-eval.js'),
      import('../../vision/plate/eval/plate-labels.js'),
      import('../../vision/plate/eval/plate-eval-report.js'),
      import('../../vision/plate/plate-reader.js'),
      import('../../vision/plate/naive-reader.js'),
      import('../../vision/plate/plate-models.js'),
      import('../../vision/models/registry.js'),
    ]);
    const dir = isAbsolute(args.dir) ? args.dir : resolve(cwd, args.dir);
    try {
      // Labels first: a wrong folder is reported without loading 15 MB of models.
      if ((await readPlateLabels(dir)).length === 0) return failure(EX_NOINPUT, 'no_input', `${args.dir}: labels.tsv lists no crops`);
    } catch (err) {
      if (err instanceof PlateLabelsError) return failure(err.code === 'no_input' ? EX_NOINPUT : EX_DATAERR, err.code, err.message);
      throw err;
    }
    const registry = plateModelRegistry();
    try {
      const models = await loadPlateModels(registry);
      const result = await evalPlates(dir, new PlateReader(models), args.baseline ? new NaivePlateReader(models) : undefined, {
        naive: args.baseline,
        ...(args.limit !== undefined ? { limitPerCountry: args.limit } : {}),
      });
      const human: HumanBlock[] = [
        { kind: 'table', columns: report.TABLE_COLUMNS, rows: report.tableRows(result) },
        ...result.misreads.map((m): HumanBlock => ({ kind: 'text', text: `misread ${m.file}: expected ${m.expected}, read ${m.ours || '(nothing)'}` })),
        ...result.errors.map((e): HumanBlock => ({ kind: 'text', text: `unreadable ${e.file}: ${e.error}` })),
        { kind: 'text', text: report.summaryLine(result) },
      ];
      const json = report.reportJson(result);
      return { exitCode: json.ok ? 0 : 1, json, human, humanAlsoWithJson: true };
    } catch (err) {
      if (err instanceof ModelError) return failure(EX_UNAVAILABLE, err.code, err.message);
      if (err instanceof PlateLabelsError) return failure(err.code === 'no_input' ? EX_NOINPUT : EX_DATAERR, err.code, err.message);
      throw err;
    } finally {
      await registry.close();
    }
  },
});
