/**
 * Fails a test when it leaves handles behind: timers, sockets, servers, child processes,
 * file watchers. Use it around every start/stop test:
 *
 *   const leaks = trackHandles();
 *   await service.start(); await service.stop();
 *   await leaks.assertNoneLeft();
 *
 * It compares Node's active resource list before and after, giving in-flight closes a few
 * event-loop turns to settle first.
 */
const IGNORED = new Set(['TTYWrap', 'PipeWrap:stdio', 'Immediate']);

function snapshot(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (IGNORED.has(kind)) continue;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

export interface HandleTracker {
  /** Resolves when no new handle remains; rejects listing the kinds that do. */
  assertNoneLeft(opts?: { settleMs?: number }): Promise<void>;
  /** New handles still open now, by kind (for diagnostics). */
  leftover(): Record<string, number>;
}

export function trackHandles(): HandleTracker {
  const before = snapshot();
  const leftover = (): Record<string, number> => {
    const now = snapshot();
    const extra: Record<string, number> = {};
    for (const [kind, n] of now) {
      const diff = n - (before.get(kind) ?? 0);
      if (diff > 0) extra[kind] = diff;
    }
    return extra;
  };
  return {
    leftover,
    async assertNoneLeft(opts = {}) {
      const deadline = Date.now() + (opts.settleMs ?? 1_000);
      for (;;) {
        const extra = leftover();
        if (Object.keys(extra).length === 0) return;
        if (Date.now() >= deadline) {
          throw new Error(`handles left open after stop: ${JSON.stringify(extra)}`);
        }
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, 20).unref());
      }
    },
  };
}
