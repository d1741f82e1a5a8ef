import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/util/backoff.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { UUID_V7_PATTERN, uuidv7 } from '../../../src/util/ids.js';

describe('uuidv7', () => {
  it('is a version 7 RFC 9562 id carrying the millisecond timestamp', () => {
    const at = Date.UTC(2026, 11, 4, 12, 0, 0);
    const id = uuidv7(at);
    expect(id).toMatch(UUID_V7_PATTERN);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in generation order, even many ids in one millisecond and when the clock steps back', () => {
    const at = Date.UTC(2027, 0, 1);
    const ids = [...Array.from({ length: 3000 }, () => uuidv7(at)), uuidv7(at - 5_000), uuidv7(at + 1)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('Backoff', () => {
  it('doubles from 0.5 s up to 5 s and starts again after reset', () => {
    const b = new Backoff({ jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    b.reset();
    expect(b.next()).toBe(500);
  });

  it('spreads delays by the jitter fraction without leaving [0, max]', () => {
    const low = new Backoff({ jitter: 0.2, random: () => 0 });
    const high = new Backoff({ jitter: 0.2, random: () => 0.999999 });
    expect(low.next()).toBe(400);
    expect(high.next()).toBe(600);
    for (let i = 0; i < 10; i++) expect(high.next()).toBeLessThanOrEqual(5000);
  });
});

describe('FakeClock', () => {
  it('fires timers in due order only when time advances, and cancels cleanly', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@200'), 200);
    clock.setTimeout(() => fired.push('a@100'), 100);
    const every = clock.setInterval(() => fired.push(`tick@${clock.now()}`), 150);
    const cancelled = clock.setTimeout(() => fired.push('never'), 50);
    cancelled.cancel();
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(251);
    expect(fired).toEqual(['a@100', 'tick@150', 'b@200', 'tick@300']);
    every.cancel();
    expect(clock.pendingTimers()).toBe(0);
  });
});
