import { runLanectl, type LanectlIo } from '../../../src/cli/lanectl.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The last line of stdout parsed as JSON (what --json promises). */
  lastJson(): Record<string, unknown>;
}

/** Runs lanectl in-process with captured output, a clean environment and a fixed clock. */
export async function lanectl(argv: string[], opts: Partial<LanectlIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runLanectl(argv, {
    env: {},
    cwd: opts.cwd ?? '/nonexistent-cwd',
    runDir: opts.runDir ?? '/nonexistent-run-dir',
    now: () => Date.UTC(2026, 0, 1, 9, 5, 0),
    ...opts,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return {
    code,
    stdout,
    stderr,
    lastJson() {
      const lines = stdout.trimEnd().split('\n');
      return JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
    },
  };
}
