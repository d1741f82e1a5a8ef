import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, type ValidateResult } from '../../../src/settings/index.js';

/** A minimal valid lane section, so each test only writes what it is about. */
export const LANE_HEADER = `lane:
  id: test-lane
  site: testsite
  kind: people
  direction: entry
`;

/** The issues of a failed result as `path: message` lines; fails the test if the result was ok. */
export function issueLines(result: ValidateResult | { ok: boolean; issues?: { path: string; message: string }[] }): string[] {
  if (result.ok || !('issues' in result) || result.issues === undefined) {
    throw new Error('expected the config to be rejected, but it was accepted');
  }
  return result.issues.map(formatIssue);
}

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
