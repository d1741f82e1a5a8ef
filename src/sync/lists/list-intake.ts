import type { KeyObject } from 'node:crypto';
import type { DeltaOutcome, SnapshotOutcome } from '../../store/lists/list-store.js';
import type { Logger } from '../../util/logger.js';
import { verifyEd25519, type SignedKind } from '../signing.js';
import type { SyncStore } from '../store-port.js';
import type { ResyncReason } from '../wire/up-messages.js';

export type ListMessageRejection = 'oversized' | 'malformed-json' | 'not-an-object' | 'topic-mismatch' | 'unsigned' | 'no-trusted-key' | 'bad-signature';

export type ListIntakeResult =
  | { kind: 'delta'; outcome: DeltaOutcome }
  | { kind: 'snapshot'; outcome: SnapshotOutcome }
  | { kind: 'rejected'; reason: ListMessageRejection; detail: string };

export interface ListIntakeCounters {
  deltasApplied: number;
  deltasReplayed: number;
  gaps: number;
  snapshotsSwapped: number;
  chunksStored: number;
  listMessagesRejected: number;
}

export interface ListIntakeOptions {
  site: string;
  store: SyncStore;
  keys: readonly KeyObject[];
  maxBytes: number;
  log: Logger;
  /** The lane needs a full snapshot of `list` (gap, invalid message). Pacing is the caller's. */
  requestResync(list: string, reason: ResyncReason, detail: string): void;
  /** A list changed (applied delta or swapped snapshot): versions in `state` are out of date. */
  changed(list: string): void;
  /** Any chunk of a snapshot for `list` arrived (progress for a pending resync). */
  snapshotProgress(list: string, done: boolean): void;
}

/**
 * List messages from the central system: size, JSON and signature checks here, then the store
 * applies them (src/store/lists/list-store.ts: one transaction per message, version checks). A
 * gap or an invalid message asks for a resync; a replay (QoS 1 redelivery of a delta already
 * applied) is ignored; a bad signature is refused and never triggers a resync (an attacker must
 * not be able to make every lane download every list).
 */
export class ListIntake {
  readonly counters: ListIntakeCounters = {
    deltasApplied: 0,
    deltasReplayed: 0,
    gaps: 0,
    snapshotsSwapped: 0,
    chunksStored: 0,
    listMessagesRejected: 0,
  };

  constructor(private readonly opts: ListIntakeOptions) {}

  handleDelta(topicList: string, payload: Buffer): ListIntakeResult {
    const checked = this.check(topicList, payload, 'list-delta');
    if ('reason' in checked) return this.rejected(topicList, checked.reason, checked.detail);
    const outcome = this.opts.store.lists.applyDelta(checked.message);
    switch (outcome.status) {
      case 'applied':
        this.counters.deltasApplied += 1;
        this.opts.log.info({ list: outcome.list, version: outcome.version, inserted: outcome.inserted, updated: outcome.updated, deleted: outcome.deleted }, 'list delta applied');
        this.opts.changed(outcome.list);
        break;
      case 'replay':
        this.counters.deltasReplayed += 1;
        this.opts.log.debug({ list: outcome.list, version: outcome.version }, 'list delta already applied (replay) ignored');
        break;
      case 'gap':
        this.counters.gaps += 1;
        this.opts.log.warn({ list: outcome.list, have: outcome.version, fromVersion: outcome.fromVersion }, 'list delta does not follow the cached version: resync');
        this.opts.requestResync(outcome.list, 'gap', `have version ${outcome.version}, delta starts at ${outcome.fromVersion}`);
        break;
      case 'invalid':
        this.counters.listMessagesRejected += 1;
        this.opts.log.warn({ list: outcome.list ?? topicList, reason: outcome.reason }, 'invalid list delta refused: resync');
        this.opts.requestResync(outcome.list ?? topicList, 'invalid-delta', outcome.reason);
        break;
    }
    return { kind: 'delta', outcome };
  }

  handleSnapshotChunk(topicList: string, payload: Buffer): ListIntakeResult {
    const checked = this.check(topicList, payload, 'list-snapshot');
    if ('reason' in checked) return this.rejected(topicList, checked.reason, checked.detail);
    const outcome = this.opts.store.lists.applySnapshotChunk(checked.message);
    switch (outcome.status) {
      case 'stored':
        this.counters.chunksStored += 1;
        this.opts.snapshotProgress(outcome.list, false);
        break;
      case 'swapped':
        this.counters.chunksStored += 1;
        this.counters.snapshotsSwapped += 1;
        this.opts.log.info({ list: outcome.list, version: outcome.version, rows: outcome.rows }, 'list snapshot swapped in');
        this.opts.snapshotProgress(outcome.list, true);
        this.opts.changed(outcome.list);
        break;
      case 'duplicate':
      case 'stale':
        this.opts.log.debug({ list: outcome.list, status: outcome.status }, 'snapshot chunk ignored');
        break;
      case 'invalid':
        this.counters.listMessagesRejected += 1;
        this.opts.log.warn({ list: outcome.list ?? topicList, reason: outcome.reason }, 'invalid snapshot chunk refused: resync');
        this.opts.requestResync(outcome.list ?? topicList, 'invalid-snapshot', outcome.reason);
        break;
    }
    return { kind: 'snapshot', outcome };
  }

  private rejected(list: string, reason: ListMessageRejection, detail: string): ListIntakeResult {
    this.counters.listMessagesRejected += 1;
    this.opts.log.warn({ list: list.slice(0, 32), reason, detail }, 'list message refused');
    return { kind: 'rejected', reason, detail };
  }

  private check(
    topicList: string,
    payload: Buffer,
    kind: SignedKind,
  ): { message: Record<string, unknown> } | { reason: ListMessageRejection; detail: string } {
    if (payload.length > this.opts.maxBytes) return { reason: 'oversized', detail: `${payload.length} bytes; at most ${this.opts.maxBytes}` };
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return { reason: 'malformed-json', detail: (err as Error).message.slice(0, 120) };
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return { reason: 'not-an-object', detail: 'a list message is a JSON object' };
    const { sig, ...message } = json as Record<string, unknown>;
    if (message.list !== topicList) return { reason: 'topic-mismatch', detail: 'the list field does not match the topic' };
    if (typeof sig !== 'string') return { reason: 'unsigned', detail: 'list messages must carry sig' };
    if (this.opts.keys.length === 0) return { reason: 'no-trusted-key', detail: 'no central public key configured (secrets: centralPublicKeys)' };
    if (!verifyEd25519(this.opts.keys, kind, { ...message, site: this.opts.site }, sig)) {
      return { reason: 'bad-signature', detail: 'signature does not verify with any configured central key for this site' };
    }
    return { message };
  }
}
