import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../src/settings/index.js';
import { checkIssues, ENV, SHIPPED, YAML_CHARS } from './config-corpus.js';
import { checksCoverage, fuzz, mutatedText } from './fuzz-kit.js';

/**
 * Config text: the shipped configs (config/*.yaml, config/examples/*.yaml) mutated the way hands and
 * editors break YAML (a character replaced, a line moved, a tab, a stray quote), plus arbitrary text,
 * parsed and validated in-process (100,000 cases). The daemon exits 78 with `path: message` for each
 * problem; it must never throw, and every issue must carry a message. The same text through real
 * files: config-files.fuzz.test.ts (a file of its own so the two share the CI's two workers).
 */

describe('config text under generated and mutated input', () => {
  it('validateConfigText: never throws; every refusal names path and message', () => {
    let accepted = 0;
    const input = fc.oneof({ weight: 1, arbitrary: fc.string({ maxLength: 300 }) }, { weight: 6, arbitrary: mutatedText(SHIPPED, YAML_CHARS) });
    const report = fuzz('config/validate-text', input, (text) => {
      if (checkIssues(validateConfigText(text, { env: ENV, cwd: '/srv/lane' }), text)) accepted += 1;
    });
    // Many mutants land in comments or values that stay valid: the campaign reaches the schema, not only YAML.
    if (checksCoverage(report)) expect(accepted).toBeGreaterThan(0);
  }, 600_000);
});
