import { describe, expect, it } from 'vitest';
import { deriveLaneMode, statusLine } from '../../../src/app/lane-status.js';
import { initialHealth } from '../../../src/app/service.js';

const ok = { ...initialHealth(0), state: 'ok' as const };

describe('lane mode', () => {
  it('is normal when every service is ok and degraded with one reason per failed service', () => {
    expect(deriveLaneMode('running', { store: ok, control: ok })).toEqual({ mode: 'normal', reasons: [] });
    const failed = { ...initialHealth(0), state: 'failed' as const, lastError: 'ENOENT /dev/ttyUSB0' };
    const degraded = { ...initialHealth(0), state: 'degraded' as const };
    expect(deriveLaneMode('running', { store: ok, 'device:qr': failed, 'device:rfid': degraded })).toEqual({
      mode: 'degraded',
      reasons: ['device:qr: ENOENT /dev/ttyUSB0', 'device:rfid: degraded'],
    });
  });

  it('reports starting and stopping phases whatever the health', () => {
    expect(deriveLaneMode('starting', { store: ok }).mode).toBe('starting');
    expect(deriveLaneMode('stopping', { store: ok }).mode).toBe('stopping');
  });

  it('gives a one-line status for systemd', () => {
    expect(statusLine('p1', 'normal', [], 3)).toBe('lane p1 normal; 3 services');
    expect(statusLine('p1', 'degraded', ['device:qr: gone', 'device:b: x'], 3)).toBe('lane p1 degraded: device:qr: gone (+1 more)');
  });
});
