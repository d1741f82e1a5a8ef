import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandSigner } from '../../src/sync/central-sim/command-signer.js';
import { verifyCommand, type VerifyContext } from '../../src/sync/commands/verify-command.js';
import { COMMAND_NAMES } from '../../src/sync/wire/down-messages.js';
import { REJECTION_REASONS } from '../../src/sync/wire/up-messages.js';
import { checksCoverage, fuzz, must, mutated } from './fuzz-kit.js';

/**
 * What arrives from the broker on cmd/{name} (list messages: mqtt-lists.fuzz.test.ts).
 * Anyone who can publish on the broker can send these bytes, so: never a throw, always a reason, and
 * above all no mutant is ever accepted with content other than what the central key signed.
 */

const NOW = Date.UTC(2026, 2, 1, 8, 0, 0);
const SITE = 'mongcai';
const LANE = 'p-entry-03';
const central = generateKeyPairSync('ed25519');
const commands = new CommandSigner(central.privateKey, SITE, () => NOW);
const REASONS = new Set<string>(REJECTION_REASONS);
const ctx: VerifyContext = { site: SITE, lane: LANE, keys: [central.publicKey], now: NOW, maxBytes: 65_536, clockSkewMs: 120_000, maxLifetimeMs: 86_400_000 };

const SIGNED = [
  commands.sign(LANE, 'set-mode', { mode: 'locked', reason: 'incident' }),
  commands.sign(LANE, 'open', { reason: 'officer request' }),
  commands.sign(LANE, 'hold-open', {}),
  commands.sign(LANE, 'close', {}),
];
const SIGNED_BYTES = SIGNED.map((c) => Buffer.from(JSON.stringify(c.payload)));
/** What each valid command may be accepted as: its topic and its signed id. */
const SIGNED_IDS = new Map(SIGNED.map((c) => [c.payload.id, c.name]));

const argValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('locked', 'normal', 'free-pass', 'closed'));

describe('MQTT commands under generated and mutated payloads', () => {
  it('never throw, always give a known reason, and accept nothing the key did not sign', () => {
    let accepted = 0;
    const seen = new Set<string>();
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...COMMAND_NAMES), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...COMMAND_NAMES, 'reboot', '', 'x'.repeat(100)), fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null'))) },
      // Generated envelopes, unsigned or with a signature from a valid command glued on.
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...COMMAND_NAMES), fc.dictionary(fc.constantFrom('mode', 'reason', 'seconds', 'x'), argValue, { maxKeys: 3 }), fc.constantFrom(...SIGNED.map((c) => c.payload)), fc.boolean())
          .map(([name, args, signed, keepSig]) => [name, Buffer.from(JSON.stringify({ ...signed, args, ...(keepSig ? {} : { sig: undefined }) }))] as const),
      },
      // Valid commands mutated byte-wise, on their own topic or another one.
      { weight: 6, arbitrary: fc.tuple(fc.nat(SIGNED.length - 1), mutated(SIGNED_BYTES), fc.boolean()).map(([i, bytes, ownTopic]) => [ownTopic ? SIGNED[i]!.name : COMMAND_NAMES[i % COMMAND_NAMES.length]!, bytes] as const) },
    );
    const report = fuzz('mqtt/commands', input, ([topic, payload]) => {
      const r = verifyCommand(topic, payload, ctx);
      if (r.ok) {
        accepted += 1;
        // A mutant may only be accepted when it means exactly the signed command (e.g. JSON whitespace).
        must(SIGNED_IDS.get(r.command.id) === topic, () => `accepted a command that was never signed for cmd/${topic}: ${payload.toString('utf8').slice(0, 200)}`);
        const original = SIGNED.find((c) => c.payload.id === r.command.id)!;
        must(JSON.stringify(r.command.args) === JSON.stringify(original.payload.args), 'accepted with other args');
        return;
      }
      seen.add(r.rejection.reason);
      must(REASONS.has(r.rejection.reason), `unknown reason ${r.rejection.reason}`);
      must(r.rejection.detail.length > 0 && r.rejection.detail.length <= 600, 'rejection without a bounded detail');
    });
    if (checksCoverage(report)) {
      for (const reason of ['malformed-json', 'schema-violation', 'bad-args', 'bad-signature', 'unknown-command']) expect(seen).toContain(reason);
      expect(accepted).toBeGreaterThan(0);
    }
  }, 240_000);
});
