import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { signEd25519 } from '../signing.js';

export interface SignOptions {
  id?: string;
  /** Epoch ms; default now. */
  issuedAt?: number;
  /** Validity; default 5 minutes. */
  ttlMs?: number;
  /** Sign for another lane than the one addressed (tests: a command must not work elsewhere). */
  signedLane?: string;
  signedName?: string;
}

export interface SignedCommand {
  name: string;
  lane: string;
  payload: { id: string; issuedAt: string; expiresAt: string; args: Record<string, unknown>; sig: string };
}

/**
 * Builds commands as the central system does (docs/mqtt.md, Commands): the signature covers
 * {kind:"command", id, issuedAt, expiresAt, name, site, lane, args} in canonical JSON.
 */
export class CommandSigner {
  constructor(
    private readonly key: KeyObject,
    private readonly site: string,
    private readonly now: () => number = Date.now,
  ) {}

  sign(lane: string, name: string, args: Record<string, unknown>, opts: SignOptions = {}): SignedCommand {
    const id = opts.id ?? randomUUID();
    const issued = opts.issuedAt ?? this.now();
    const issuedAt = new Date(issued).toISOString();
    const expiresAt = new Date(issued + (opts.ttlMs ?? 300_000)).toISOString();
    const sig = signEd25519(this.key, 'command', {
      id,
      issuedAt,
      expiresAt,
      name: opts.signedName ?? name,
      site: this.site,
      lane: opts.signedLane ?? lane,
      args,
    });
    return { name, lane, payload: { id, issuedAt, expiresAt, args, sig } };
  }
}
