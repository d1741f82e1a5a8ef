import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface MarkedIdentity {
  kind: 'document' | 'mrz' | 'qr' | 'epc' | 'tid' | 'plate' | 'token' | 'face' | 'name' | 'other';
  value: string;
}

export interface PiiScanner {
  scanLogLines(lines: Iterable<string>, identities: readonly MarkedIdentity[]): Array<{ index: number; hits: Array<{ kind: string; identity: string; path: string; fragment: boolean }> }>;
  formatPiiHits(offending: ReadonlyArray<{ index: number; hits: Array<{ kind: string; identity: string; path: string; fragment: boolean }> }>): string;
}

/**
 * The chaos run scans logs with the project's one PII scanner, test/helpers/pii-scan.ts (the chaos test
 * and the security tests use the same file). That file lives outside the build (tsconfig excludes
 * test/), so it is transpiled here with the TypeScript compiler the project already has (a dev
 * dependency; the chaos run is a development tool) into a temp module and imported. pii-scan.ts has no
 * imports, so a plain transpile is all it needs.
 */
export async function loadPiiScanner(projectRoot: string): Promise<PiiScanner> {
  const source = readFileSync(join(projectRoot, 'test', 'helpers', 'pii-scan.ts'), 'utf8');
  const ts = (await import('typescript')).default;
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const dir = mkdtempSync(join(tmpdir(), 'chaos-pii-'));
  try {
    const file = join(dir, 'pii-scan.mjs');
    writeFileSync(file, js);
    return (await import(pathToFileURL(file).href)) as PiiScanner;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
