import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { ConfigIssue } from '../../src/settings/config-issue.js';
import { must } from './fuzz-kit.js';

/**
 * What the config campaigns share (config-text.fuzz.test.ts, config-files.fuzz.test.ts): the shipped
 * configs as the mutation corpus, the characters that break YAML, and the check every refusal must pass.
 */

const project = (relative: string) => new URL(`../../${relative}`, import.meta.url).pathname;
export const SHIPPED = ['config/demo.yaml', 'config/examples/people-lane.yaml', 'config/examples/vehicle-lane.yaml'].map((f) => readFileSync(project(f), 'utf8'));
export const YAML_CHARS = fc.constantFrom(' ', '  ', '\t', '\n', ':', '-', '#', '"', "'", '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '0', '1', 'a', 'x', 'true', 'null', '~', '\u0000', 'é', '..', '<<');
/** No LANE__* overrides: the text alone decides. */
export const ENV = {};

/** True when accepted; otherwise checks that the refusal has issues, each with a path and a bounded message. */
export function checkIssues(result: { ok: true } | { ok: false; issues: readonly ConfigIssue[] }, text: string): boolean {
  if (result.ok) return true;
  must(result.issues.length > 0, () => `refused without an issue: ${text.slice(0, 200)}`);
  for (const issue of result.issues) {
    must(typeof issue.path === 'string', 'issue without a path');
    must(typeof issue.message === 'string' && issue.message.length > 0 && issue.message.length < 2_000, () => `issue without a bounded message at ${issue.path}`);
  }
  return false;
}
