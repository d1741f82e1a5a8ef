import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, validateConfigText } from '../../src/settings/index.js';
import { checksCoverage, fuzz, fuzzRuns, must, mutatedText } from './fuzz-kit.js';

/**
 * Config files: the shipped configs (config/*.yaml, config/examples/*.yaml) mutated the way hands and
 * editors break YAML (a character replaced, a line moved, a tab, a stray quote), plus arbitrary text.
 * The daemon exits 78 with `path: message` for each problem; it must never throw, and every issue must
 * carry a message.
 */

const project = (relative: string) => new URL(`../../${relative}`, import.meta.url).pathname;
const SHIPPED = ['config/demo.yaml', 'config/examples/people-lane.yaml', 'config/examples/vehicle-lane.yaml'].map((f) => readFileSync(project(f), 'utf8'));
const YAML_CHARS = fc.constantFrom(' ', '  ', '\t', '\n', ':', '-', '#', '"', "'", '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '0', '1', 'a', 'x', 'true', 'null', '~', '\u0000', 'é', '..', '<<');
const ENV = {};

function checkIssues(result: ReturnType<typeof validateConfigText>, text: string): boolean {
  if (result.ok) return true;
  must(result.issues.length > 0, () => `refused without an issue: ${text.slice(0, 200)}`);
  for (const issue of result.issues) {
    must(typeof issue.path === 'string', 'issue without a path');
    must(typeof issue.message === 'string' && issue.message.length > 0 && issue.message.length < 2_000, () => `issue without a bounded message at ${issue.path}`);
  }
  return false;
}

describe('config files under generated and mutated text', () => {
  it('validateConfigText: never throws; every refusal names path and message', () => {
    let accepted = 0;
    const input = fc.oneof({ weight: 1, arbitrary: fc.string({ maxLength: 300 }) }, { weight: 6, arbitrary: mutatedText(SHIPPED, YAML_CHARS) });
    // 10,000 cases, not 100,000: one case is a YAML parse plus the schema, 1-4 ms (the yaml library
    // dominates the profile), so 100,000 alone would take several minutes, over the suite's budget.
    // A long run: FUZZ_RUNS=100000 npx vitest run test/fuzz/config.fuzz.test.ts
    const report = fuzz('config/validate-text', input, (text) => {
      if (checkIssues(validateConfigText(text, { env: ENV, cwd: '/srv/lane' }), text)) accepted += 1;
    }, { runs: fuzzRuns(10_000) });
    // Many mutants land in comments or values that stay valid: the campaign reaches the schema, not only YAML.
    if (checksCoverage(report)) expect(accepted).toBeGreaterThan(0);
  }, 240_000);

  describe('loadConfigFile on real files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-fuzz-cfg-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // A file write per case: 1,000 cases (the same parser had 10,000 above).
    it('reads, validates and resolves mutated files, with a reason for every refusal', () => {
      const path = join(dir, 'lane.yaml');
      fuzz('config/load-file', mutatedText(SHIPPED, YAML_CHARS), (text) => {
        writeFileSync(path, text);
        const result = loadConfigFile(path, { env: ENV, checkSecrets: false, cwd: dir });
        if (!result.ok) checkIssues(result, text);
      }, { runs: fuzzRuns(1_000) });
    }, 240_000);

    // Secrets: the same, and no secret value may ever appear in a message (they go to the journal).
    it('secrets files: refusals never echo a secret value', () => {
      const secretsPath = join(dir, 'lane.secrets.yaml');
      const configPath = join(dir, 'with-secrets.yaml');
      writeFileSync(configPath, `${SHIPPED[0]}\nsecretsFile: ${secretsPath}\n`);
      const SECRET = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8';
      const base = [`mqttPassword: ${SECRET}\nsiteHmacKey: ${SECRET}${SECRET}\n`, `siteHmacKey: "${SECRET}"\ncentralPublicKeys:\n  - ${SECRET}\n`];
      fuzz('config/secrets-file', mutatedText(base, YAML_CHARS), (text) => {
        writeFileSync(secretsPath, text);
        chmodSync(secretsPath, 0o600);
        const result = loadConfigFile(configPath, { env: ENV, cwd: dir });
        if (result.ok) return;
        for (const issue of result.issues) {
          must(issue.message.length > 0, 'issue without a message');
          // Any 12-character run of the secret would be a leak.
          for (let at = 0; at + 12 <= SECRET.length; at += 6) must(!issue.message.includes(SECRET.slice(at, at + 12)), () => `secret echoed: ${issue.message}`);
        }
      }, { runs: fuzzRuns(1_000) });
    }, 240_000);
  });
});
