import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ResyncRequests } from '../../../src/sync/lists/resync-requests.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

function setup(online = true) {
  const clock = new FakeClock();
  const sent: { list: string; reason: string }[] = [];
  const state = { online };
  const r = new ResyncRequests({
    clock,
    log: pino({ level: 'silent' }),
    send: (list, reason) => {
      if (!state.online) return false;
      sent.push({ list, reason });
      return true;
    },
    minIntervalMs: 30_000,
    retryMs: 60_000,
  });
  return { clock, sent, state, r };
}

describe('resync request pacing', () => {
  it('asks once per list however many gaps arrive, and again only when no chunk comes', () => {
    const { clock, sent, r } = setup();
    r.request('credentials', 'gap', 'x');
    for (let i = 0; i < 50; i++) r.request('credentials', 'gap', 'x');
    r.request('vehicles', 'invalid-delta', 'y');
    expect(sent).toEqual([
      { list: 'credentials', reason: 'gap' },
      { list: 'vehicles', reason: 'invalid-delta' },
    ]);
    clock.advance(59_000);
    r.tick();
    expect(sent).toHaveLength(2);
    clock.advance(1_000);
    r.tick();
    expect(sent).toHaveLength(4);
    expect(r.lists().sort()).toEqual(['credentials', 'vehicles']);
  });

  it('a snapshot in progress holds the retry; a stall is reported as such; the swap clears it', () => {
    const { clock, sent, r } = setup();
    r.request('subjects', 'gap', 'x');
    clock.advance(50_000);
    r.progress('subjects', false);
    clock.advance(50_000);
    r.tick();
    expect(sent).toHaveLength(1); // a chunk arrived 50 s ago
    clock.advance(10_000);
    r.tick();
    expect(sent.at(-1)).toEqual({ list: 'subjects', reason: 'stalled-snapshot' });
    r.progress('subjects', true);
    expect(r.lists()).toEqual([]);
  });

  it('keeps requests made offline and sends them after the next connect', () => {
    const { sent, state, r } = setup(false);
    r.request('cargo', 'gap', 'x');
    expect(sent).toEqual([]);
    state.online = true;
    r.resendAll();
    expect(sent).toEqual([{ list: 'cargo', reason: 'gap' }]);
  });
});
