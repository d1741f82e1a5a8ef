import { isAbsolute, resolve } from 'node:path';
import { defineLocalCommand, UsageError, type CommandOutcome, type HumanBlock } from '../command-spec.js';

export interface EvalFacesArgs {
  dir: string;
  embedder?: string;
  detector?: string;
  yunet?: string;
  yunetSha256?: string;
  models?: string;
  threshold?: number;
}

const EX_DATAERR = 65;
const EX_NOINPUT = 66;
/** sysexits EX_UNAVAILABLE: a model is missing or altered (the message names the fix). */
const EX_UNAVAILABLE = 69;

const OPTIONS: Record<string, keyof EvalFacesArgs> = {
  '--embedder': 'embedder',
  '--detector': 'detector',
  '--yunet': 'yunet',
  '--yunet-sha256': 'yunetSha256',
  '--models': 'models',
  '--threshold': 'threshold',
};

function parse(rest: readonly string[]): EvalFacesArgs {
  const out: Partial<EvalFacesArgs> & Record<string, unknown> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    const key = OPTIONS[word];
    if (key) {
      const value = rest[++i];
      if (value === undefined) throw new UsageError(`'eval faces' option ${word} needs a value`);
      if (key === 'threshold') {
        const n = Number(value);
        if (!Number.isFinite(n) || n < -1 || n > 1) throw new UsageError(`--threshold must be a cosine between -1 and 1, got ${value}`);
        out.threshold = n;
      } else out[key] = value;
    } else if (word.startsWith('-')) throw new UsageError(`'eval faces' has no option ${word}`);
    else positional.push(word);
  }
  if (positional.length !== 1) throw new UsageError(`'eval faces' needs exactly one DIR`);
  if (out.embedder && !['faceres', 'faceres-deep', 'mobileface'].includes(out.embedder)) throw new UsageError(`--embedder must be faceres, faceres-deep or mobileface`);
  if (out.detector && !['blazeface', 'yunet'].includes(out.detector)) throw new UsageError(`--detector must be blazeface or yunet`);
  if (out.detector === 'yunet' && !out.yunet) throw new UsageError('--detector yunet needs --yunet PATH (an ONNX file)');
  return { ...out, dir: positional[0]! } as EvalFacesArgs;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export const evalFacesCommand = defineLocalCommand({
  name: 'eval faces',
  local: true,
  summary: 'face verification over a labelled folder: enrolment failures, EER, TAR at FAR 1e-1/1e-2/0 (no daemon needed)',
  usage: 'DIR [--embedder faceres|faceres-deep|mobileface] [--detector blazeface|yunet --yunet PATH [--yunet-sha256 HEX]] [--models DIR] [--threshold COS]',
  help: 'DIR holds labels.tsv laid out like shared/fixtures/faces/. All pairs of single images are scored: same identity = genuine, different = impostor. --json prints one JSON object last.',
  parseCli: parse,
  async runLocal(args: EvalFacesArgs, { cwd }): Promise<CommandOutcome> {
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
    const dir = abs(args.dir);
    const { ModelRegistry, defaultModelsDir, ModelError } = await import('../../vision/models/registry.js');
    const { resolveFaceConfig, yunetSpec } = await import('../../vision/face/face-config.js');
    const { FacePipeline } = await import('../../vision/face/face-pipeline.js');
    const { evalFaces } = await import('../../vision/face/eval/eval-faces.js');
    const fail = (exitCode: number, code: string, message: string): CommandOutcome => ({
      exitCode,
      json: { ok: false, error: { code, message } },
      human: [{ kind: 'text', text: message }],
    });
    const extra = [];
    if (args.yunet) {
      let sha = args.yunetSha256;
      if (!sha) {
        const { sha256File } = await import('../../vision/models/file-hash.js');
        // An offline evaluation tool may trust the file it is pointed at; the lane config may not.
        sha = await sha256File(abs(args.yunet)).catch(() => '0'.repeat(64));
      }
      extra.push(yunetSpec(abs(args.yunet), sha));
    }
    const registry = new ModelRegistry({ modelsDir: args.models ? abs(args.models) : defaultModelsDir(), extra });
    try {
      const config = resolveFaceConfig({
        ...(args.embedder ? { embedder: args.embedder as 'faceres' } : {}),
        ...(args.detector ? { detector: args.detector as 'yunet' } : {}),
        ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
      });
      let pipeline;
      try {
        pipeline = await FacePipeline.load(registry, config);
      } catch (err) {
        if (err instanceof ModelError) return fail(EX_UNAVAILABLE, err.code, err.message);
        throw err;
      }
      let r: Awaited<ReturnType<typeof evalFaces>>;
      try {
        r = await evalFaces(dir, pipeline);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return fail(code ? EX_NOINPUT : EX_DATAERR, code ? 'no_input' : 'bad_input', `${args.dir}: ${code ?? (err as Error).message}`);
      }
      const human: HumanBlock[] = [
        {
          kind: 'fields',
          rows: [
            ['pipeline', `${r.config.detector} -> ${r.config.embedder} (align ${r.config.align.points}, zoom ${r.config.align.zoom})`],
            ['single images', `${r.singles} (${r.identities} identities), enrolled ${r.enrolled}`],
            ['pairs', `${r.genuinePairs} genuine, ${r.impostorPairs} impostor`],
            ['EER', `${pct(r.eer)} (threshold ${r.eerThreshold.toFixed(4)})`],
            ...r.tarAtFar.map((t): [string, string] => [`TAR @ FAR ${t.far}`, `${pct(t.tar)} (threshold ${t.threshold.toFixed(4)}, ${t.falseAccepts} false accepts)`]),
            ['TAR @ 0 false accepts', `${pct(r.tarAtZeroFar.tar)} (threshold ${r.tarAtZeroFar.threshold.toFixed(4)})`],
            ['operating threshold', `${r.atOperatingThreshold.threshold}: TAR ${pct(r.atOperatingThreshold.tar)}, FAR ${pct(r.atOperatingThreshold.far)} (${r.atOperatingThreshold.falseAccepts} FA, ${r.atOperatingThreshold.falseRejects} FR)`],
            ['time per image', `${r.msPerImage.toFixed(0)} ms (decode + pipeline)`],
          ],
        },
        ...r.enrolmentFailures.map((f): HumanBlock => ({ kind: 'text', text: `enrolment failure: ${f.file}: ${f.reason}` })),
        { kind: 'text', text: `enrolment failures: ${r.enrolmentFailures.length}` },
      ];
      return { exitCode: 0, json: { ok: true, ...r }, human };
    } finally {
      await registry.close();
    }
  },
});
