import { describe, expect, it } from 'vitest';
import { ServiceGroup, orderByDependencies } from '../../../src/app/service-group.js';
import { initialHealth, type Service } from '../../../src/app/service.js';
import { LogHub } from '../../../src/util/logger.js';
import { LogCapture } from '../../helpers/log-capture.js';

function fakeService(name: string, journal: string[], opts: Partial<Pick<Service, 'dependsOn' | 'critical'>> & { failStart?: boolean; failStop?: boolean; hangStop?: boolean } = {}): Service {
  let health = initialHealth(0);
  return {
    name,
    dependsOn: opts.dependsOn,
    critical: opts.critical,
    async start() {
      journal.push(`start ${name}`);
      if (opts.failStart) {
        health = { ...health, state: 'failed', lastError: `${name} broke` };
        throw new Error(`${name} broke`);
      }
      health = { ...health, state: 'ok' };
    },
    async stop() {
      journal.push(`stop ${name}`);
      if (opts.failStop) throw new Error('stop failed');
      if (opts.hangStop) await new Promise(() => undefined);
      health = { ...health, state: 'stopped' };
    },
    health: () => health,
  };
}

const log = () => new LogHub({ destination: new LogCapture() }).child('test');

describe('ServiceGroup', () => {
  it('starts in dependency order and stops in reverse', async () => {
    const journal: string[] = [];
    const group = new ServiceGroup(
      [
        fakeService('control', journal, { dependsOn: ['store'] }),
        fakeService('device:qr', journal),
        fakeService('store', journal, { critical: true }),
      ],
      log(),
    );
    expect(group.startOrder).toEqual(['device:qr', 'store', 'control']);
    const outcome = await group.startAll();
    expect(outcome).toEqual({ ok: true, failed: [], fatal: null });
    await group.stopAll();
    expect(journal).toEqual(['start device:qr', 'start store', 'start control', 'stop control', 'stop store', 'stop device:qr']);
  });

  it('keeps running when a non-critical service fails, and skips what depends on it', async () => {
    const journal: string[] = [];
    const group = new ServiceGroup(
      [fakeService('device:qr', journal, { failStart: true }), fakeService('reader-flow', journal, { dependsOn: ['device:qr'] }), fakeService('control', journal)],
      log(),
    );
    const outcome = await group.startAll();
    expect(outcome.ok).toBe(true);
    expect(outcome.failed.map((f) => f.name)).toEqual(['device:qr', 'reader-flow']);
    expect(outcome.failed[1]!.error).toContain('dependency device:qr failed');
    expect(group.health()['device:qr']).toMatchObject({ state: 'failed', lastError: 'device:qr broke' });
    expect(journal).toEqual(['start device:qr', 'start control']);
  });

  it('aborts on a critical failure and stops what had started', async () => {
    const journal: string[] = [];
    const group = new ServiceGroup([fakeService('a', journal), fakeService('store', journal, { critical: true, failStart: true }), fakeService('c', journal)], log());
    const outcome = await group.startAll();
    expect(outcome.ok).toBe(false);
    expect(outcome.fatal).toEqual({ name: 'store', error: 'store broke' });
    expect(journal).toEqual(['start a', 'start store', 'stop a']);
  });

  it('stops every service even when one throws or hangs', async () => {
    const journal: string[] = [];
    const group = new ServiceGroup([fakeService('a', journal), fakeService('b', journal, { hangStop: true }), fakeService('c', journal, { failStop: true })], log(), 50);
    await group.startAll();
    await group.stopAll();
    expect(journal.slice(3)).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('reports a health() that throws as a failed service instead of throwing', () => {
    const broken: Service = { name: 'x', start: async () => undefined, stop: async () => undefined, health: () => { throw new Error('boom'); } };
    expect(new ServiceGroup([broken], log()).health().x).toMatchObject({ state: 'failed', lastError: 'health() threw: boom' });
  });

  it('rejects cycles, unknown dependencies and duplicate names', () => {
    const j: string[] = [];
    expect(() => orderByDependencies([fakeService('a', j, { dependsOn: ['b'] }), fakeService('b', j, { dependsOn: ['a'] })])).toThrow(/cycle among services: a, b/);
    expect(() => orderByDependencies([fakeService('a', j, { dependsOn: ['zz'] })])).toThrow(/unknown service zz/);
    expect(() => orderByDependencies([fakeService('a', j), fakeService('a', j)])).toThrow(/duplicate service name: a/);
  });
});
