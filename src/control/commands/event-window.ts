/**
 * Listens to one driver event for a bounded time, for the device commands (snapshot, test ...).
 * The listener and the timer are always removed, whichever way the window ends, so a command
 * never leaves anything attached to a driver the lane keeps using.
 */
export interface EventWindow {
  /** How the window ended: the time ran out, or `onItem` asked to stop. */
  ended: 'elapsed' | 'stopped';
  elapsedMs: number;
}

export function eventWindow<T>(
  subscribe: (listener: (item: T) => void) => () => void,
  ms: number,
  /** Called for each event; return true to end the window early. */
  onItem: (item: T) => boolean | void,
): Promise<EventWindow> {
  const started = performance.now();
  return new Promise((resolve) => {
    let unsubscribe: (() => void) | null = null;
    let finished = false;
    const finish = (ended: EventWindow['ended']): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      unsubscribe?.();
      resolve({ ended, elapsedMs: Math.round(performance.now() - started) });
    };
    const timer = setTimeout(() => finish('elapsed'), ms);
    unsubscribe = subscribe((item) => {
      if (finished) return;
      if (onItem(item) === true) finish('stopped');
    });
    // An event delivered synchronously inside subscribe() may already have ended the window.
    if (finished) unsubscribe();
  });
}

