import { createHash, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { signedBytes, verifyEd25519 } from '../signing.js';
import { TOPIC_SAFE_ID } from '../topics.js';
import { COMMAND_ARGS, commandEnvelopeSchema, isCommandName, type CommandName } from '../wire/down-messages.js';
import type { RejectionReason } from '../wire/up-messages.js';

/**
 * Everything that can be checked about a command without the database: size, JSON, schema, the
 * command name, its args, the signature and the validity window. The replay check needs the
 * command log and happens next (command-intake.ts). Order matters for the reason reported: the
 * cheapest checks first, and nothing after the signature is trusted before it passes.
 */
export interface VerifiedCommand {
  id: string;
  name: CommandName;
  issuedAt: number;
  expiresAt: number;
  args: Record<string, unknown>;
  /** sha256 of the signed bytes: the same id with other content is not a replay but an attack. */
  contentHash: string;
}

export interface CommandRejection {
  id: string | null;
  name: string | null;
  reason: RejectionReason;
  detail: string;
}

export type CommandVerification = { ok: true; command: VerifiedCommand } | { ok: false; rejection: CommandRejection };

export interface VerifyContext {
  site: string;
  lane: string;
  keys: readonly KeyObject[];
  now: number;
  maxBytes: number;
  clockSkewMs: number;
  maxLifetimeMs: number;
}

function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** The id to answer to, when the payload carries a usable one (even if the rest is wrong). */
function readableId(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && TOPIC_SAFE_ID.test(id) ? id : null;
}

export function verifyCommand(topicName: string, payload: Buffer, ctx: VerifyContext): CommandVerification {
  const name = topicName.length <= 64 ? topicName : topicName.slice(0, 64);
  const reject = (id: string | null, reason: RejectionReason, detail: string): CommandVerification => ({
    ok: false,
    rejection: { id, name, reason, detail },
  });

  if (payload.length > ctx.maxBytes) return reject(null, 'oversized', `payload is ${payload.length} bytes; at most ${ctx.maxBytes} accepted`);
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return reject(null, 'malformed-json', `payload is not JSON: ${(err as Error).message.slice(0, 120)}`);
  }
  const id = readableId(json);
  if (!isCommandName(topicName)) return reject(id, 'unknown-command', `no command '${name}' on this lane`);
  const envelope = commandEnvelopeSchema.safeParse(json);
  if (!envelope.success) return reject(id, 'schema-violation', issuesText(envelope.error.issues));
  const cmd = envelope.data;
  const args = COMMAND_ARGS[topicName].safeParse(cmd.args);
  if (!args.success) return reject(cmd.id, 'bad-args', issuesText(args.error.issues));
  if (ctx.keys.length === 0) return reject(cmd.id, 'no-trusted-key', 'no central public key is configured on this lane (secrets: centralPublicKeys)');

  const content = { id: cmd.id, issuedAt: cmd.issuedAt, expiresAt: cmd.expiresAt, name: topicName, site: ctx.site, lane: ctx.lane, args: cmd.args };
  if (!verifyEd25519(ctx.keys, 'command', content, cmd.sig)) {
    return reject(cmd.id, 'bad-signature', 'signature does not verify with any configured central key for this site, lane and command');
  }

  const issuedAt = Date.parse(cmd.issuedAt);
  const expiresAt = Date.parse(cmd.expiresAt);
  if (expiresAt <= issuedAt) return reject(cmd.id, 'schema-violation', 'expiresAt must be after issuedAt');
  if (expiresAt - issuedAt > ctx.maxLifetimeMs) {
    return reject(cmd.id, 'lifetime-too-long', `valid for ${Math.round((expiresAt - issuedAt) / 1000)} s; at most ${ctx.maxLifetimeMs / 1000} s accepted`);
  }
  if (issuedAt > ctx.now + ctx.clockSkewMs) {
    return reject(cmd.id, 'not-yet-valid', `issued ${Math.round((issuedAt - ctx.now) / 1000)} s in the future (lane clock skew tolerance ${ctx.clockSkewMs / 1000} s)`);
  }
  if (expiresAt + ctx.clockSkewMs < ctx.now) {
    return reject(cmd.id, 'expired', `expired ${Math.round((ctx.now - expiresAt) / 1000)} s ago`);
  }
  const contentHash = createHash('sha256').update(signedBytes('command', content)).digest('hex');
  return { ok: true, command: { id: cmd.id, name: topicName, issuedAt, expiresAt, args: args.data, contentHash } };
}
