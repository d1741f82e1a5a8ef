import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemdNotifier } from '../../../src/app/systemd-notify.js';
import { SystemdWatchdog, watchdogScheduleFromEnv, type WatchdogHealth } from '../../../src/app/watchdog.js';
import { systemClock } from '../../../src/util/clock.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { trackHandles } from '../../helpers/leaks.js';
import { openNotifySocket, type NotifyDatagram, type NotifySocket } from '../../helpers/notify-socket.js';
import { captureLogs } from './log-capture.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pings = (ds: readonly NotifyDatagram[]): number => ds.filter((d) => d.text === 'WATCHDOG=1').length;

/** Blocks the event loop the way a synchronous hog would (a long sync decode, a busy loop). */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* spin */
  }
}

/** Records the histograms the watchdog creates, to prove they are disabled on stop. */
function histogramSpy(): { create: (r: number) => IntervalHistogram; made: IntervalHistogram[] } {
  const made: IntervalHistogram[] = [];
  return {
    made,
    create: (resolution) => {
      const h = monitorEventLoopDelay({ resolution });
      made.push(h);
      return h;
    },
  };
}

describe('watchdogScheduleFromEnv', () => {
  it('pings every WATCHDOG_USEC/2', () => {
    expect(watchdogScheduleFromEnv({ WATCHDOG_USEC: '10000000' }, 42)).toEqual({
      enabled: true,
      timeoutUsec: 10_000_000,
      intervalMs: 5_000,
    });
    expect(watchdogScheduleFromEnv({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '42' }, 42).enabled).toBe(true);
  });

  it('is off without WATCHDOG_USEC, for another WATCHDOG_PID, and for nonsense', () => {
    expect(watchdogScheduleFromEnv({}, 42)).toMatchObject({ enabled: false, misconfigured: false });
    expect(watchdogScheduleFromEnv({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '43' }, 42)).toMatchObject({
      enabled: false,
      reason: 'WATCHDOG_PID=43 is not this process (42)',
    });
    for (const bad of ['0', '-5', '1e6', 'ten', '5.5']) {
      expect(watchdogScheduleFromEnv({ WATCHDOG_USEC: bad }, 42)).toMatchObject({ enabled: false, misconfigured: true });
    }
  });
});

describe('SystemdWatchdog against a real notification socket', () => {
  let sock: NotifySocket;
  beforeAll(async () => {
    sock = await openNotifySocket();
  });
  afterAll(async () => {
    await sock?.close();
  });

  function setup(opts: { usec?: string; pid?: string; maxLagMs?: number; health?: () => WatchdogHealth } = {}) {
    const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: sock.address };
    if (opts.usec !== undefined) env.WATCHDOG_USEC = opts.usec;
    if (opts.pid !== undefined) env.WATCHDOG_PID = opts.pid;
    const clock = new FakeClock();
    const { hub, lines } = captureLogs();
    const spy = histogramSpy();
    let health: WatchdogHealth = { ok: true };
    const watchdog = new SystemdWatchdog({
      notifier: createSystemdNotifier(env, hub.child('systemd')),
      env,
      clock,
      isHealthy: opts.health ?? (() => health),
      maxEventLoopLagMs: opts.maxLagMs ?? 10_000,
      log: hub.child('watchdog'),
      createLagHistogram: spy.create,
    });
    const setHealth = (h: WatchdogHealth): void => {
      health = h;
    };
    return { watchdog, clock, lines, spy, setHealth };
  }

  it('does nothing without WATCHDOG_USEC: no timer, no histogram, nothing sent', async () => {
    const { watchdog, clock, spy } = setup();
    const start = (await sock.flush()).length;
    watchdog.start();
    clock.advance(60_000);
    expect(clock.pendingTimers()).toBe(0);
    expect(spy.made).toHaveLength(0);
    expect(watchdog.status().enabled).toBe(false);
    expect((await sock.flush()).slice(start)).toEqual([]);
  });

  it('does nothing when WATCHDOG_PID names another process', async () => {
    const { watchdog, clock } = setup({ usec: '2000000', pid: String(process.pid + 1) });
    const start = (await sock.flush()).length;
    watchdog.start();
    clock.advance(10_000);
    expect(clock.pendingTimers()).toBe(0);
    expect(pings((await sock.flush()).slice(start))).toBe(0);
  });

  it('warns about a nonsense WATCHDOG_USEC and stays off', () => {
    const { watchdog, clock, lines } = setup({ usec: 'soon' });
    watchdog.start();
    expect(clock.pendingTimers()).toBe(0);
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes('WATCHDOG_USEC="soon"'))).toBe(true);
  });

  it('pings every WATCHDOG_USEC/2 while healthy', async () => {
    const { watchdog, clock } = setup({ usec: '10000000', pid: String(process.pid) });
    const start = (await sock.flush()).length;
    watchdog.start();
    clock.advance(4_999);
    expect(pings((await sock.flush()).slice(start))).toBe(0);
    clock.advance(1);
    expect(pings((await sock.flush()).slice(start))).toBe(1);
    clock.advance(10_000);
    const got = (await sock.flush()).slice(start);
    expect(pings(got)).toBe(3);
    expect(got.every((d) => d.senderPid === process.pid)).toBe(true);
    expect(watchdog.status()).toMatchObject({ enabled: true, intervalMs: 5_000, pings: 3, withheld: 0 });
    watchdog.stop();
  });

  it('withholds pings while isHealthy() says no, says why (throttled), and resumes', async () => {
    const { watchdog, clock, lines, setHealth } = setup({ usec: '2000000' });
    watchdog.start();
    clock.advance(1_000);
    const start = (await sock.flush()).length;

    setHealth({ ok: false, reason: 'store failed' });
    clock.advance(10_000); // 10 ticks withheld
    expect(pings((await sock.flush()).slice(start))).toBe(0);
    let warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason: 'unhealthy: store failed', withheld: 1 });

    clock.advance(30_000); // still failing: one reminder per 30 s, carrying the count
    warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[1]!.withheld).toBe(30);

    setHealth({ ok: true });
    clock.advance(1_000);
    expect(pings((await sock.flush()).slice(start))).toBe(1);
    expect(lines.some((l) => l.level === 'info' && l.msg === 'systemd watchdog pings resumed')).toBe(true);
    expect(watchdog.status()).toMatchObject({ withheld: 40, withholding: null });
    watchdog.stop();
  });

  it('treats a health check that throws as unhealthy, without crashing', async () => {
    const { watchdog, clock, lines } = setup({
      usec: '2000000',
      health: () => {
        throw new Error('database is locked');
      },
    });
    const start = (await sock.flush()).length;
    watchdog.start();
    expect(() => clock.advance(3_000)).not.toThrow();
    expect(pings((await sock.flush()).slice(start))).toBe(0);
    expect(lines.find((l) => l.level === 'warn')?.reason).toBe('unhealthy: health check threw: database is locked');
    watchdog.stop();
  });

  it('withholds the ping after the event loop was blocked longer than the limit', async () => {
    const { watchdog, clock, lines } = setup({ usec: '2000000', maxLagMs: 250 });
    watchdog.start();
    await sleep(30); // a delay histogram takes its first sample one resolution after enable()
    const start = (await sock.flush()).length;
    clock.advance(1_000);
    expect(pings((await sock.flush()).slice(start))).toBe(1);

    blockEventLoop(1_200);
    await sleep(50); // let the delay histogram take its sample after the block
    const afterBlock = (await sock.flush()).length;
    clock.advance(1_000);
    expect(pings((await sock.flush()).slice(afterBlock))).toBe(0);
    const warning = lines.find((l) => l.level === 'warn');
    expect(warning?.reason).toMatch(/^event loop lag \d+(\.\d)? ms > 250 ms/);
    expect(watchdog.status().lastLagMs).toBeGreaterThan(250);

    // Once the loop runs freely again, pings come back (the lag window covers two intervals).
    clock.advance(3_000);
    expect(pings((await sock.flush()).slice(afterBlock))).toBeGreaterThan(0);
    watchdog.stop();
  });

  it('applies a new lag limit from the next tick (config reload)', async () => {
    const { watchdog, clock } = setup({ usec: '2000000', maxLagMs: 10_000 });
    watchdog.start();
    await sleep(30);
    blockEventLoop(400);
    await sleep(50);
    watchdog.setMaxEventLoopLag(100);
    const start = (await sock.flush()).length;
    clock.advance(1_000);
    expect(pings((await sock.flush()).slice(start))).toBe(0);
    watchdog.stop();
  });

  it('leaves no timer and no running histogram after stop()', async () => {
    const { watchdog, clock, spy } = setup({ usec: '2000000' });
    watchdog.start();
    clock.advance(5_000);
    expect(spy.made).toHaveLength(2);
    watchdog.stop();
    expect(clock.pendingTimers()).toBe(0);
    const counts = spy.made.map((h) => h.count);
    await sleep(100); // a histogram still enabled would take ~10 samples at 10 ms resolution
    expect(spy.made.map((h) => h.count)).toEqual(counts);
    expect(watchdog.status().enabled).toBe(false);
  });
});

describe('the whole sequence on real timers', () => {
  it('READY=1, WATCHDOG=1 while healthy, none while unhealthy, STOPPING=1, nothing left behind', async () => {
    const sock = await openNotifySocket();
    try {
      const leaks = trackHandles();
      const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: sock.address, WATCHDOG_USEC: '200000' };
      const { hub, lines } = captureLogs();
      const notifier = createSystemdNotifier(env, hub.child('systemd'));
      let health: WatchdogHealth = { ok: true };
      const watchdog = new SystemdWatchdog({
        notifier,
        env,
        clock: systemClock,
        isHealthy: () => health,
        maxEventLoopLagMs: 5_000,
        log: hub.child('watchdog'),
      });

      notifier.ready('lane demo-1 ready');
      watchdog.start();
      await sock.waitFor('second WATCHDOG=1', () => pings(sock.received) >= 2);

      health = { ok: false, reason: 'store failed' };
      const beforeUnhealthy = (await sock.flush()).length;
      await waitUntil(() => watchdog.status().withheld >= 3);
      const duringUnhealthy = (await sock.flush()).slice(beforeUnhealthy);
      expect(pings(duringUnhealthy)).toBe(0);

      health = { ok: true };
      const resumedFrom = (await sock.flush()).length;
      await sock.waitFor('WATCHDOG=1 after recovery', () => pings(sock.received.slice(resumedFrom)) >= 1);

      notifier.stopping('lane demo-1 stopping');
      watchdog.stop();
      await leaks.assertNoneLeft();

      const all = await sock.flush();
      expect(all[0]!.text).toBe('READY=1\nSTATUS=lane demo-1 ready');
      expect(all.at(-1)!.text).toBe('STOPPING=1\nSTATUS=lane demo-1 stopping');
      expect(all.slice(1, -1).every((d) => d.text === 'WATCHDOG=1')).toBe(true);
      expect(all.every((d) => d.senderPid === process.pid)).toBe(true);
      expect(lines.some((l) => l.level === 'warn' && l.reason === 'unhealthy: store failed')).toBe(true);
    } finally {
      await sock.close();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}
