import type { SqliteDatabase } from '../store/database.js';
import type { DeltaOutcome, ListVersion, SnapshotOutcome } from '../store/lists/list-store.js';
import type { Outbox } from '../store/outbox.js';
import type { EvidenceSource } from './evidence-upload.js';

/**
 * The part of the store the MQTT link uses. The store's own classes satisfy it (Outbox,
 * ListStore, EvidenceStore) and the Store service exposes them under these names, so the
 * composition root passes the store as it is. The Store's getters throw before it has started:
 * the link touches them only from its own start() on (the link depends on the store service).
 */
export interface SyncStore {
  /** The lane database: the link keeps its own small tables there (sync-tables.ts). */
  readonly database: SqliteDatabase;
  readonly outbox: Pick<
    Outbox,
    'lane' | 'pending' | 'markAttempt' | 'markDelivered' | 'stats' | 'enqueue' | 'watermark' | 'markDeliveredThrough'
  >;
  readonly lists: {
    applyDelta(message: unknown): DeltaOutcome;
    applySnapshotChunk(message: unknown): SnapshotOutcome;
    versions(): ListVersion[];
  };
  readonly evidence?: EvidenceSource;
}
