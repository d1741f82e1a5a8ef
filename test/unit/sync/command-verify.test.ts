import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CommandSigner } from '../../../src/sync/central-sim/command-signer.js';
import { verifyCommand, type VerifyContext } from '../../../src/sync/commands/verify-command.js';
import { exampleCommand, exampleKeys, EXAMPLE_LANE, EXAMPLE_SITE } from '../../../src/sync/wire/examples.js';

const NOW = Date.UTC(2026, 2, 1, 8, 0, 0);
const central = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const signer = new CommandSigner(central.privateKey, 'mongcai', () => NOW);

function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return {
    site: 'mongcai',
    lane: 'p-entry-03',
    keys: [central.publicKey],
    now: NOW,
    maxBytes: 65536,
    clockSkewMs: 120_000,
    maxLifetimeMs: 86_400_000,
    ...over,
  };
}

function payloadOf(obj: unknown): Buffer {
  return Buffer.from(JSON.stringify(obj));
}

function reasonOf(name: string, payload: Buffer, over: Partial<VerifyContext> = {}): string {
  const r = verifyCommand(name, payload, ctx(over));
  return r.ok ? 'ok' : r.rejection.reason;
}

describe('command verification', () => {
  it('accepts a correctly signed command and returns its parsed args', () => {
    const cmd = signer.sign('p-entry-03', 'set-mode', { mode: 'locked', reason: 'incident' });
    const r = verifyCommand('set-mode', payloadOf(cmd.payload), ctx());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.command).toMatchObject({ id: cmd.payload.id, name: 'set-mode', args: { mode: 'locked', reason: 'incident' } });
      expect(r.command.contentHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('accepts the documented example with the example key (integrators can check their signer)', () => {
    const { publicKey } = exampleKeys();
    const at = Date.parse('2026-03-01T08:01:00.000Z');
    const r = verifyCommand('hold-open', payloadOf(exampleCommand('hold-open')), ctx({ site: EXAMPLE_SITE, lane: EXAMPLE_LANE, keys: [publicKey], now: at }));
    expect(r.ok).toBe(true);
  });

  it('accepts with any of several keys (rotation)', () => {
    const cmd = signer.sign('p-entry-03', 'open', {});
    expect(reasonOf('open', payloadOf(cmd.payload), { keys: [stranger.publicKey, central.publicKey] })).toBe('ok');
  });

  it('rejects unsigned, wrongly signed and tampered commands', () => {
    const cmd = signer.sign('p-entry-03', 'open', { reason: 'x' });
    const { sig: _sig, ...unsigned } = cmd.payload;
    expect(reasonOf('open', payloadOf(unsigned))).toBe('schema-violation');
    const byStranger = new CommandSigner(stranger.privateKey, 'mongcai', () => NOW).sign('p-entry-03', 'open', { reason: 'x' });
    expect(reasonOf('open', payloadOf(byStranger.payload))).toBe('bad-signature');
    expect(reasonOf('open', payloadOf({ ...cmd.payload, args: { reason: 'y' } }))).toBe('bad-signature');
    expect(reasonOf('open', payloadOf({ ...cmd.payload, expiresAt: '2026-03-01T09:00:00.000Z' }))).toBe('bad-signature');
    const flipped = Buffer.from(cmd.payload.sig, 'base64');
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(reasonOf('open', payloadOf({ ...cmd.payload, sig: flipped.toString('base64') }))).toBe('bad-signature');
  });

  it('binds the signature to the command name, the lane and the site', () => {
    const forOther = signer.sign('p-entry-03', 'open', {}, { signedLane: 'p-entry-04' });
    expect(reasonOf('open', payloadOf(forOther.payload))).toBe('bad-signature');
    const asClose = signer.sign('p-entry-03', 'open', {}, { signedName: 'close' });
    expect(reasonOf('open', payloadOf(asClose.payload))).toBe('bad-signature');
    const good = signer.sign('p-entry-03', 'open', {});
    expect(reasonOf('open', payloadOf(good.payload), { site: 'dongxing' })).toBe('bad-signature');
    expect(reasonOf('close', payloadOf(good.payload))).toBe('bad-signature');
  });

  it('rejects expired, not yet valid and over-long commands, within the skew tolerance', () => {
    const old = signer.sign('p-entry-03', 'open', {}, { issuedAt: NOW - 600_000, ttlMs: 300_000 });
    expect(reasonOf('open', payloadOf(old.payload))).toBe('expired');
    const justExpired = signer.sign('p-entry-03', 'open', {}, { issuedAt: NOW - 360_000, ttlMs: 300_000 });
    expect(reasonOf('open', payloadOf(justExpired.payload))).toBe('ok'); // 60 s late, 120 s skew allowed
    expect(reasonOf('open', payloadOf(justExpired.payload), { clockSkewMs: 30_000 })).toBe('expired');
    const future = signer.sign('p-entry-03', 'open', {}, { issuedAt: NOW + 600_000 });
    expect(reasonOf('open', payloadOf(future.payload))).toBe('not-yet-valid');
    const longLived = signer.sign('p-entry-03', 'open', {}, { ttlMs: 7 * 86_400_000 });
    expect(reasonOf('open', payloadOf(longLived.payload))).toBe('lifetime-too-long');
    const backwards = signer.sign('p-entry-03', 'open', {}, { ttlMs: -1000 });
    expect(reasonOf('open', payloadOf(backwards.payload))).toBe('schema-violation');
  });

  it('gives a clear reason for malformed, oversized, unknown and badly argued commands, never a throw', () => {
    expect(reasonOf('open', Buffer.from('{"id": "x", '))).toBe('malformed-json');
    expect(reasonOf('open', Buffer.from([0xff, 0xfe, 0x00]))).toBe('malformed-json');
    expect(reasonOf('open', Buffer.alloc(70_000, 0x20))).toBe('oversized');
    expect(reasonOf('open', Buffer.from('[]'))).toBe('schema-violation');
    expect(reasonOf('open', Buffer.from('null'))).toBe('schema-violation');
    const cmd = signer.sign('p-entry-03', 'self-destruct', {});
    const unknown = verifyCommand('self-destruct', payloadOf(cmd.payload), ctx());
    expect(unknown).toMatchObject({ ok: false, rejection: { reason: 'unknown-command', id: cmd.payload.id } });
    const bad = signer.sign('p-entry-03', 'hold-open', { seconds: 99_999 });
    expect(reasonOf('hold-open', payloadOf(bad.payload))).toBe('bad-args');
    const extra = signer.sign('p-entry-03', 'set-mode', { mode: 'normal', bypassInterlocks: true });
    const r = verifyCommand('set-mode', payloadOf(extra.payload), ctx());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.rejection.reason).toBe('bad-args');
      expect(r.rejection.detail).toMatch(/bypassInterlocks/);
    }
  });

  it('refuses everything when the lane has no central key', () => {
    const cmd = signer.sign('p-entry-03', 'open', {});
    expect(reasonOf('open', payloadOf(cmd.payload), { keys: [] })).toBe('no-trusted-key');
  });

  it('keeps the id when it can be read, so the result goes to cmd-result/{id}', () => {
    const r = verifyCommand('open', payloadOf({ id: 'abc-1', issuedAt: 'yesterday' }), ctx());
    expect(r).toMatchObject({ ok: false, rejection: { id: 'abc-1', reason: 'schema-violation' } });
    const slash = verifyCommand('open', payloadOf({ id: 'a/#' }), ctx());
    expect(slash).toMatchObject({ ok: false, rejection: { id: null } });
  });
});
