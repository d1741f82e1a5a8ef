import { chmodSync, closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/settings/index.js';
import { loadSecretsFile } from '../../src/settings/secrets.js';
import { checkIssues, ENV, SHIPPED, YAML_CHARS } from './config-corpus.js';
import { checksCoverage, fuzz, must, mutatedText } from './fuzz-kit.js';

/**
 * Config and secrets files on disk, loaded the way the daemon loads them (100,000 cases each): mutated
 * shipped configs through loadConfigFile, mutated secrets files through loadSecretsFile. Each case is
 * written to one reused path, in /dev/shm when there is one, so a case pays for the loader rather than
 * for the disk. Never a throw, a path and message for every issue, and no secret in any message.
 */

describe('config files under mutated text', () => {
  describe('loadConfigFile on real files', () => {
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'lc-fuzz-cfg-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /**
     * Replaces the whole content of the file behind `fd` (kept open for the campaign: the loader still
     * opens, reads and closes the file by its path on every case, as the daemon does at start).
     */
    function rewrite(fd: number, text: string): void {
      ftruncateSync(fd, 0);
      writeSync(fd, text, 0, 'utf8');
    }

    it('reads, validates and resolves mutated files, with a reason for every refusal', () => {
      const path = join(dir, 'lane.yaml');
      const fd = openSync(path, 'w');
      let accepted = 0;
      try {
        const report = fuzz('config/load-file', mutatedText(SHIPPED, YAML_CHARS), (text) => {
          rewrite(fd, text);
          const result = loadConfigFile(path, { env: ENV, checkSecrets: false, cwd: dir });
          if (result.ok) {
            // What was loaded is what was written: the file really made the round trip.
            must(result.rawText === text, 'loaded text differs from the file written');
            accepted += 1;
          } else {
            checkIssues(result, text);
          }
        });
        if (checksCoverage(report)) expect(accepted).toBeGreaterThan(0);
      } finally {
        closeSync(fd);
      }
    }, 600_000);

    /**
     * Secrets: the same, and no secret value may ever appear in a message (they go to the journal).
     * Each case loads the secrets file with loadSecretsFile, the step loadConfigFile hands the secrets
     * file to (stat for the mode, read, parse, schema); re-validating the unchanged config around it on
     * every case would triple the cost without fuzzing anything new. Every 16th case goes through
     * loadConfigFile as well and must give the same issues, so the daemon's whole path stays covered.
     */
    it('secrets files: refusals never echo a secret value', () => {
      const secretsPath = join(dir, 'lane.secrets.yaml');
      const configPath = join(dir, 'with-secrets.yaml');
      writeFileSync(configPath, `${SHIPPED[0]}\nsecretsFile: ${secretsPath}\n`);
      // Created 0600 once: truncating and rewriting keeps the mode, so no chmod per case.
      const fd = openSync(secretsPath, 'w', 0o600);
      chmodSync(secretsPath, 0o600);
      const SECRET = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8';
      const base = [`mqttPassword: ${SECRET}\nsiteHmacKey: ${SECRET}${SECRET}\n`, `siteHmacKey: "${SECRET}"\ncentralPublicKeys:\n  - ${SECRET}\n`];
      const noLeak = (issues: readonly { message: string }[]): void => {
        for (const issue of issues) {
          must(issue.message.length > 0, 'issue without a message');
          // Any 12-character run of the secret would be a leak.
          for (let at = 0; at + 12 <= SECRET.length; at += 6) must(!issue.message.includes(SECRET.slice(at, at + 12)), () => `secret echoed: ${issue.message}`);
        }
      };
      let n = 0;
      let refused = 0;
      try {
        const report = fuzz('config/secrets-file', mutatedText(base, YAML_CHARS), (text) => {
          rewrite(fd, text);
          const result = loadSecretsFile(secretsPath);
          if (!result.ok) {
            noLeak(result.issues);
            refused += 1;
          }
          if (n++ % 16 !== 0) return;
          const full = loadConfigFile(configPath, { env: ENV, cwd: dir });
          if (!full.ok) noLeak(full.issues);
          must(full.ok === result.ok, () => `loadConfigFile ${full.ok ? 'accepted' : 'refused'} a secrets file loadSecretsFile ${result.ok ? 'accepted' : 'refused'}`);
          if (!full.ok && !result.ok) must(JSON.stringify(full.issues) === JSON.stringify(result.issues), 'loadConfigFile changed the secrets issues');
        });
        if (checksCoverage(report)) expect(refused).toBeGreaterThan(0);
      } finally {
        closeSync(fd);
      }
    }, 600_000);
  });
});
