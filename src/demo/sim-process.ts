import { join } from 'node:path';
import { ManagedChild } from './child-process.js';

/**
 * A device simulator process (drivers/sim/run-line-scanner-sim.js or run-serial-sim.js) on the sim end
 * of a pty pair. Steps go to its stdin as JSON lines; it answers each with `{"seq":N,"ok":...}` once the
 * bytes are on the wire, so `step()` resolves when the lane could have read them.
 */
export class SimProcess {
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly child: ManagedChild) {}

  static async start(opts: { name: string; distRoot: string; script: 'line-scanner' | 'serial'; args: string[]; logFile?: string }): Promise<SimProcess> {
    const file = opts.script === 'line-scanner' ? 'run-line-scanner-sim.js' : 'run-serial-sim.js';
    const child = new ManagedChild({
      name: opts.name,
      command: process.execPath,
      args: [join(opts.distRoot, 'drivers', 'sim', file), ...opts.args],
      stdin: true,
      ...(opts.logFile ? { logFile: opts.logFile } : {}),
    });
    const sim = new SimProcess(child);
    await child.waitForLine((line) => (parseJson(line)?.event === 'ready' ? true : undefined), 15_000, 'ready');
    return sim;
  }

  /** Sends one step; resolves when the simulator has written it, rejects with its reason. Steps run in order. */
  step(step: Record<string, unknown>, timeoutMs = 10_000): Promise<void> {
    const run = async (): Promise<void> => {
      this.seq += 1;
      const seq = this.seq;
      const answer = this.child.waitForLine((line) => {
        const json = parseJson(line);
        return json?.seq === seq ? json : undefined;
      }, timeoutMs, `answer to step ${seq}`);
      this.child.writeLine(JSON.stringify(step));
      const reply = await answer;
      if (reply.ok !== true) throw new Error(`${this.child.name}: step refused: ${String(reply.error)}`);
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  stop(): Promise<void> {
    return this.child.stop(3_000);
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
