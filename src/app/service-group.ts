import type { Logger } from '../util/logger.js';
import type { HealthReport, Service } from './service.js';

/**
 * Starts services in dependency order and stops them in reverse, each in its own try/catch.
 * A critical service that fails to start aborts the start (what was started is stopped
 * again); any other failure leaves the lane running in a degraded state.
 */
export interface StartOutcome {
  ok: boolean;
  /** Non-critical services that failed to start, with the reason. */
  failed: { name: string; error: string }[];
  /** The critical service that aborted the start, if any. */
  fatal: { name: string; error: string } | null;
}

export class ServiceGroup {
  private readonly ordered: Service[];
  private readonly started: Service[] = [];

  constructor(
    services: readonly Service[],
    private readonly log: Logger,
    private readonly stopTimeoutMs = 3_000,
  ) {
    this.ordered = orderByDependencies(services);
  }

  /** Names in start order (for logs and tests). */
  get startOrder(): string[] {
    return this.ordered.map((s) => s.name);
  }

  get services(): readonly Service[] {
    return this.ordered;
  }

  async startAll(): Promise<StartOutcome> {
    const failed: StartOutcome['failed'] = [];
    for (const service of this.ordered) {
      const blockedBy = (service.dependsOn ?? []).find((dep) => failed.some((f) => f.name === dep));
      if (blockedBy) {
        failed.push({ name: service.name, error: `not started: dependency ${blockedBy} failed` });
        continue;
      }
      try {
        await service.start();
        this.started.push(service);
        this.log.info({ service: service.name }, 'service started');
      } catch (err) {
        const error = errorText(err);
        if (service.critical) {
          this.log.error({ service: service.name, err: error }, 'critical service failed to start');
          await this.stopAll();
          return { ok: false, failed, fatal: { name: service.name, error } };
        }
        this.log.warn({ service: service.name, err: error }, 'service failed to start; lane degraded');
        failed.push({ name: service.name, error });
      }
    }
    return { ok: true, failed, fatal: null };
  }

  /** Stops started services in reverse order; one failing or hanging stop never blocks the rest. */
  async stopAll(): Promise<void> {
    while (this.started.length > 0) {
      const service = this.started.pop()!;
      try {
        await withTimeout(service.stop(), this.stopTimeoutMs, `${service.name} did not stop within ${this.stopTimeoutMs} ms`);
        this.log.info({ service: service.name }, 'service stopped');
      } catch (err) {
        this.log.error({ service: service.name, err: errorText(err) }, 'service failed to stop cleanly');
      }
    }
  }

  health(): Record<string, HealthReport> {
    const out: Record<string, HealthReport> = {};
    for (const service of this.ordered) {
      try {
        out[service.name] = service.health();
      } catch (err) {
        out[service.name] = { state: 'failed', since: 0, reconnects: 0, lastError: `health() threw: ${errorText(err)}`, counters: {} };
      }
    }
    return out;
  }
}

/** Kahn's algorithm, keeping the given order among independent services so start order is predictable. */
export function orderByDependencies(services: readonly Service[]): Service[] {
  const byName = new Map<string, Service>();
  for (const s of services) {
    if (byName.has(s.name)) throw new Error(`duplicate service name: ${s.name}`);
    byName.set(s.name, s);
  }
  for (const s of services) {
    for (const dep of s.dependsOn ?? []) {
      if (!byName.has(dep)) throw new Error(`service ${s.name} depends on unknown service ${dep}`);
    }
  }
  const done = new Set<string>();
  const result: Service[] = [];
  while (result.length < services.length) {
    const next = services.find((s) => !done.has(s.name) && (s.dependsOn ?? []).every((d) => done.has(d)));
    if (!next) {
      const stuck = services.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw new Error(`dependency cycle among services: ${stuck.join(', ')}`);
    }
    done.add(next.name);
    result.push(next);
  }
  return result;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
