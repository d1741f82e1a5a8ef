import { afterEach, beforeEach } from 'vitest';
import { trackHandles, type HandleTracker } from '../../helpers/leaks.js';

export type Cleanup = () => Promise<void> | void;

/**
 * The hooks every in-process lane test shares: each test pushes its teardown steps (broker, daemon,
 * simulators, ptys, temp folders) onto the returned list; after the test they run newest first, then the
 * test fails if anything it started left a handle open. Call once at the top of the test file.
 */
export function cleanupAfterEach(): Cleanup[] {
  const cleanup: Cleanup[] = [];
  let leaks: HandleTracker;
  beforeEach(() => {
    leaks = trackHandles();
  });
  afterEach(async () => {
    // Newest first: a daemon stops before the broker or pty it talks to.
    for (const c of cleanup.reverse()) await c();
    cleanup.length = 0;
    // Generous settle time: a stopped daemon's sockets and child processes close asynchronously.
    await leaks.assertNoneLeft({ settleMs: 5_000 });
  });
  return cleanup;
}
