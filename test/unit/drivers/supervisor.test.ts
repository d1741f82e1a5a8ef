import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DriverEvents } from '../../../drivers/contract.js';
import { FakeIo } from '../../../drivers/io/fake-io.js';
import { fakeIoConfigSchema } from '../../../drivers/io/fake-io.config.js';
import { DeviceSupervisor, type DeviceStateChange } from '../../../drivers/supervisor.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { TypedEmitter } from '../../../src/util/typed-events.js';
import { trackHandles } from '../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;
const noJitter = { jitter: 0 };

/** Lets promise chains started by a timer run to completion. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function fakeIo(clock: FakeClock): FakeIo {
  const config = fakeIoConfigSchema.parse({
    type: 'fake-io',
    name: 'gate-io',
    lines: [
      { name: 'door', direction: 'out' },
      { name: 'loop', direction: 'in' },
    ],
  });
  return new FakeIo(config, { clock, log });
}

/** A driver whose open() the test resolves by hand, with a settable device path and liveness. */
class HandDriver extends TypedEmitter<DriverEvents<Record<never, never>>> {
  readonly kind = 'test';
  readonly name = 'hand';
  devicePath: string | undefined;
  alive = true;
  opens = 0;
  closes = 0;
  configures = 0;
  private release: ((outcome: Error | null) => void) | null = null;

  open(): Promise<void> {
    this.opens += 1;
    return new Promise((resolve, reject) => {
      this.release = (outcome) => (outcome ? reject(outcome) : resolve());
    });
  }
  finishOpen(outcome: Error | null = null): void {
    this.release?.(outcome);
    this.release = null;
  }
  async configure(): Promise<void> {
    this.configures += 1;
  }
  async close(): Promise<void> {
    this.closes += 1;
  }
  isAlive(): boolean {
    return this.alive;
  }
  counters(): Record<string, number> {
    return { opens: this.opens };
  }
  lose(reason: string): void {
    this.emit('down', reason);
  }
  fail(err: Error): void {
    this.emit('error', err);
  }
}

describe('DeviceSupervisor', () => {
  it('is a non-critical Service named device:<name>; start() connects and configures', async () => {
    const leaks = trackHandles();
    const clock = new FakeClock();
    const io = fakeIo(clock);
    const sup = new DeviceSupervisor(io, { clock, log });
    const states: DeviceStateChange[] = [];
    sup.on('state', (c) => void states.push(c));
    expect(sup.name).toBe('device:gate-io');
    expect(sup.critical).toBe(false);
    expect(sup.health().state).toBe('stopped');
    await sup.start();
    expect(sup.health()).toMatchObject({ state: 'ok', reconnects: 0, lastError: null });
    expect(sup.health().counters).toMatchObject({ opens: 1, configures: 1, openAttempts: 1, openFailures: 0 });
    expect(states.map((s) => [s.previous, s.state])).toEqual([
      ['stopped', 'starting'],
      ['starting', 'ok'],
    ]);
    await sup.stop();
    expect(sup.health().state).toBe('stopped');
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });

  it('a failing start resolves with health failed, then retries on the 0.5 s -> 5 s backoff', async () => {
    const clock = new FakeClock();
    const io = fakeIo(clock);
    io.failNextOpens(7, 'EIO: controller not answering');
    const sup = new DeviceSupervisor(io, { clock, log, backoff: noJitter });
    await expect(sup.start()).resolves.toBeUndefined();
    expect(sup.health()).toMatchObject({ state: 'failed', lastError: 'EFAKE: EIO: controller not answering' });
    const failedSince = sup.health().since;
    let attempts = 1;
    for (const delay of [500, 1_000, 2_000, 4_000, 5_000, 5_000]) {
      clock.advance(delay - 1);
      await settle();
      expect(sup.health().counters.openAttempts).toBe(attempts);
      clock.advance(1);
      await settle();
      attempts += 1;
      expect(sup.health().counters.openAttempts).toBe(attempts);
    }
    expect(sup.health().state).toBe('failed');
    expect(sup.health().since).toBe(failedSince); // repeated failures are not state changes
    clock.advance(5_000);
    await settle();
    expect(sup.health()).toMatchObject({ state: 'ok', reconnects: 1 });
    expect(sup.health().counters).toMatchObject({ openAttempts: 8, openFailures: 7 });
    await sup.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('on down: reports failed, closes the driver, reconnects and re-sends the configuration', async () => {
    const clock = new FakeClock();
    const io = fakeIo(clock);
    const sup = new DeviceSupervisor(io, { clock, log, backoff: noJitter });
    await sup.start();
    await io.write('door', true);
    expect(io.level('door')).toBe(1);
    io.simulateDisconnect('cable cut');
    expect(io.level('door')).toBe(0);
    expect(sup.health()).toMatchObject({ state: 'failed', lastError: 'cable cut' });
    await settle();
    clock.advance(500);
    await settle();
    expect(sup.health()).toMatchObject({ state: 'ok', reconnects: 1, lastError: 'cable cut' });
    expect(sup.health().counters).toMatchObject({ disconnects: 1, configures: 2 });
    expect(io.level('door')).toBe(1); // configuration re-sent: the door relay is back as commanded
    await sup.stop();
  });

  it('on error: reconnects with the error as the reason; the backoff restarts after a good connection', async () => {
    const clock = new FakeClock();
    const driver = new HandDriver();
    const sup = new DeviceSupervisor(driver, { clock, log, backoff: noJitter });
    const started = sup.start();
    driver.finishOpen(new Error('ECONNREFUSED'));
    await started;
    clock.advance(500);
    await settle();
    driver.finishOpen(new Error('ECONNREFUSED'));
    await settle();
    clock.advance(1_000);
    await settle();
    driver.finishOpen();
    await settle();
    expect(sup.health()).toMatchObject({ state: 'ok', reconnects: 1 });
    driver.fail(new Error('read failed'));
    expect(sup.health()).toMatchObject({ state: 'failed', lastError: 'error: read failed' });
    await settle();
    clock.advance(499);
    await settle();
    expect(driver.opens).toBe(3);
    clock.advance(1);
    await settle();
    expect(driver.opens).toBe(4); // 0.5 s again, not 2 s
    driver.finishOpen();
    await settle();
    expect(sup.health()).toMatchObject({ state: 'ok', reconnects: 2 });
    expect(driver.configures).toBe(2);
    await sup.stop();
  });

  describe('watching a connected device', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lane-sup-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a vanished device path counts as a loss; the device is back when the path is', async () => {
      const clock = new FakeClock();
      const driver = new HandDriver();
      driver.devicePath = join(dir, 'usb-scanner');
      writeFileSync(driver.devicePath, '');
      const sup = new DeviceSupervisor(driver, { clock, log, backoff: noJitter, watchIntervalMs: 100 });
      const started = sup.start();
      driver.finishOpen();
      await started;
      clock.advance(100);
      expect(sup.health().state).toBe('ok');
      rmSync(driver.devicePath);
      clock.advance(100);
      expect(sup.health()).toMatchObject({ state: 'failed', lastError: `device path vanished: ${driver.devicePath}` });
      await settle();
      expect(driver.closes).toBe(1);
      writeFileSync(driver.devicePath, '');
      clock.advance(500);
      await settle();
      driver.finishOpen();
      await settle();
      expect(sup.health()).toMatchObject({ state: 'ok', reconnects: 1 });
      await sup.stop();
      expect(clock.pendingTimers()).toBe(0);
    });

    it('retries at once when a vanished path reappears, without waiting out a long backoff', async () => {
      const clock = new FakeClock();
      const driver = new HandDriver();
      driver.devicePath = join(dir, 'usb-replug');
      writeFileSync(driver.devicePath, '');
      const sup = new DeviceSupervisor(driver, { clock, log, backoff: noJitter, watchIntervalMs: 100 });
      const started = sup.start();
      driver.finishOpen();
      await started;
      rmSync(driver.devicePath);
      clock.advance(100); // loss noticed
      await settle();
      // Long outage: every retry fails while the path is gone, so the backoff grows to 5 s.
      for (let i = 0; i < 5; i++) {
        clock.advance(5_000);
        await settle();
        driver.finishOpen(new Error('ENOENT'));
        await settle();
      }
      const opensBefore = driver.opens;
      writeFileSync(driver.devicePath, '');
      clock.advance(100); // one watch interval, far less than the 5 s backoff
      await settle();
      expect(driver.opens).toBe(opensBefore + 1);
      driver.finishOpen();
      await settle();
      expect(sup.health()).toMatchObject({ state: 'ok' });
      await sup.stop();
      expect(clock.pendingTimers()).toBe(0);
    });

    it('a liveness timeout counts as a loss', async () => {
      const clock = new FakeClock();
      const driver = new HandDriver();
      const sup = new DeviceSupervisor(driver, { clock, log, watchIntervalMs: 100 });
      const started = sup.start();
      driver.finishOpen();
      await started;
      clock.advance(300);
      expect(sup.health().state).toBe('ok');
      driver.alive = false;
      clock.advance(100);
      expect(sup.health()).toMatchObject({ state: 'failed', lastError: 'liveness timeout: device silent' });
      await sup.stop();
    });

    it('no watch timer runs for a driver with neither a path nor liveness', async () => {
      const clock = new FakeClock();
      const sup = new DeviceSupervisor(fakeIo(clock), { clock, log });
      await sup.start();
      expect(clock.pendingTimers()).toBe(0);
      await sup.stop();
    });
  });

  describe('stop()', () => {
    it('while waiting to retry: cancels the timer, removes its listeners, never opens again', async () => {
      const clock = new FakeClock();
      const io = fakeIo(clock);
      io.failNextOpens(1);
      const sup = new DeviceSupervisor(io, { clock, log });
      await sup.start();
      expect(clock.pendingTimers()).toBe(1);
      expect(io.listenerCount('down')).toBe(1);
      await sup.stop();
      expect(clock.pendingTimers()).toBe(0);
      expect(io.listenerCount('down')).toBe(0);
      expect(io.listenerCount('error')).toBe(0);
      clock.advance(60_000);
      await settle();
      expect(io.counters().opens).toBe(0);
      expect(sup.health().state).toBe('stopped');
    });

    it('while an open is in flight: waits for it, closes the device, reports stopped (not ok)', async () => {
      const clock = new FakeClock();
      const driver = new HandDriver();
      const sup = new DeviceSupervisor(driver, { clock, log });
      const states: string[] = [];
      sup.on('state', (c) => void states.push(c.state));
      const started = sup.start();
      let stopped = false;
      const stopping = sup.stop().then(() => {
        stopped = true;
      });
      await settle();
      expect(stopped).toBe(false);
      driver.finishOpen();
      await Promise.all([started, stopping]);
      expect(states).toEqual(['starting', 'stopped']);
      expect(driver.closes).toBeGreaterThanOrEqual(1);
      expect(driver.configures).toBe(0);
      expect(clock.pendingTimers()).toBe(0);
    });

    it('is idempotent, and the supervisor can be started again', async () => {
      const clock = new FakeClock();
      const io = fakeIo(clock);
      const sup = new DeviceSupervisor(io, { clock, log });
      await sup.stop();
      await sup.start();
      await sup.stop();
      await sup.stop();
      await sup.start();
      expect(sup.health().state).toBe('ok');
      expect(io.listenerCount('down')).toBe(1);
      await sup.stop();
    });
  });

  it('a loss reported while the device is being configured fails that attempt and retries', async () => {
    const clock = new FakeClock();
    const driver = new HandDriver();
    driver.configure = async () => {
      driver.configures += 1;
      driver.lose('dropped during configure');
    };
    const sup = new DeviceSupervisor(driver, { clock, log, backoff: noJitter });
    const started = sup.start();
    driver.finishOpen();
    await started;
    expect(sup.health()).toMatchObject({ state: 'failed', lastError: 'dropped during configure' });
    expect(clock.pendingTimers()).toBe(1);
    await sup.stop();
  });

  it('an open that hangs is abandoned after openTimeoutMs, so start() still resolves', async () => {
    const clock = new FakeClock();
    const driver = new HandDriver();
    const sup = new DeviceSupervisor(driver, { clock, log, openTimeoutMs: 3_000, backoff: noJitter });
    let resolved = false;
    const started = sup.start().then(() => {
      resolved = true;
    });
    clock.advance(2_999);
    await settle();
    expect(resolved).toBe(false);
    clock.advance(1);
    await started;
    expect(sup.health()).toMatchObject({ state: 'failed', lastError: 'ETIMEDOUT: no connection within 3000 ms' });
    expect(driver.closes).toBe(1);
    expect(clock.pendingTimers()).toBe(1); // the retry, not a stale timeout
    clock.advance(500);
    await settle();
    driver.finishOpen();
    await settle();
    expect(sup.health()).toMatchObject({ state: 'ok', reconnects: 1 });
    await sup.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a throwing state listener does not break the reconnect loop', async () => {
    const clock = new FakeClock();
    const io = fakeIo(clock);
    io.failNextOpens(1);
    const sup = new DeviceSupervisor(io, { clock, log, backoff: noJitter });
    sup.on('state', () => {
      throw new Error('listener bug');
    });
    await sup.start();
    clock.advance(500);
    await settle();
    expect(sup.health().state).toBe('ok');
    await sup.stop();
  });

  it('a driver throwing a non-Error still gives a readable reason', async () => {
    const clock = new FakeClock();
    const driver = new HandDriver();
    driver.open = () => Promise.reject('plain string failure');
    const sup = new DeviceSupervisor(driver, { clock, log });
    await sup.start();
    expect(sup.health()).toMatchObject({ state: 'failed', lastError: 'plain string failure' });
    await sup.stop();
  });
});
