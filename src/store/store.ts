import { mkdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { HealthReport, HealthState, Service } from '../app/service.js';
import type { Evidence, Facts } from '../decision/types.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-events.js';
import { CacheLookups } from './cache-lookups.js';
import { openDatabase, type SqliteDatabase, type SynchronousMode } from './database.js';
import { EvidenceStore } from './evidence.js';
import { FaceIndex } from './face/face-index.js';
import { FactsAssembler, type FactsOptions } from './facts.js';
import type { GroupCommitOptions } from './journal/group-commit.js';
import { Journal } from './journal/journal.js';
import { verifyJournal, type JournalVerifyReport } from './journal/journal-verify.js';
import { bindKeyedHash, type BoundKeyedHash } from './keyed-hash.js';
import { ListStore } from './lists/list-store.js';
import { migrate, type MigrationReport } from './migrate.js';
import { Outbox } from './outbox.js';
import { PlateIndexes } from './plate-indexes.js';
import { classifyStorageError, StoreUnavailableError, type StoreFailure } from './store-failure.js';
import { StoreHealth, type StoreHealthEvents } from './store-health.js';
import { TokenRedemption } from './token-redemption.js';

export interface StoreOptions {
  /** The database lives at `${dataDir}/lane.db`. */
  dataDir: string;
  /** Lane id: journal sequence numbers and outbox rows are per lane. */
  lane: string;
  /** Per-site key from the secrets file, at least 32 bytes, for keyed hashes of identifiers. */
  siteKey: Buffer;
  clock?: Clock;
  log?: Logger;
  evidence?: { dir?: string; quotaBytes: number; retentionMs: number };
  /** FULL by default; see docs/decisions/0004-sqlite-durability.md before changing it. */
  synchronous?: SynchronousMode;
  /** Cap on the database size (SQLITE_FULL beyond it, handled like a full disk). */
  maxDbBytes?: number;
  /** Open read-only (diagnostics; the store reports 'failed: read-only' and refuses writes). */
  readonly?: boolean;
  cacheKiB?: number;
  /** How often a failed store tries a probe write to recover. Default 5 s. */
  probeIntervalMs?: number;
  /** How often the WAL is checkpointed (between passages rather than inside one). Default 1 s. */
  checkpointIntervalMs?: number;
  /** How often evidence retention and quota run. Default 10 min. */
  evidenceSweepIntervalMs?: number;
  /**
   * Background merge of list deltas from their pending tables (credentials) into the main tables:
   * at most `batchRows` rows every `intervalMs` (defaults 1,000 rows / 100 ms, ~20 ms of work per
   * batch at 10 M credentials, so a passage waits at most that long behind a merge).
   */
  pendingMerge?: { intervalMs?: number; batchRows?: number };
  /** Use the WebAssembly SIMD face scan when available (default true). */
  simd?: boolean;
  /** journal.appendGrouped batching: largest batch, and how a flush is scheduled (default setImmediate). */
  groupCommit?: GroupCommitOptions;
}

export type StoreEvents = StoreHealthEvents;

interface Parts {
  db: SqliteDatabase;
  lists: ListStore;
  lookups: CacheLookups;
  faces: FaceIndex;
  plates: PlateIndexes;
  facts: FactsAssembler;
  outbox: Outbox;
  journal: Journal;
  tokens: TokenRedemption;
  evidence: EvidenceStore;
  migration: MigrationReport;
}

const DEFAULT_EVIDENCE: NonNullable<StoreOptions['evidence']> = { quotaBytes: 2048 * 1024 * 1024, retentionMs: 30 * 24 * 3_600_000 };
/** A disk-full store recovers only with this much room, so it does not flap on the next write. */
const RECOVERY_FREE_BYTES = 16 * 1024 * 1024;
const RECOVERY_FREE_PAGES = 256;

/**
 * The lane's SQLite store as a Service (critical: no journal, no passages): cache, journal,
 * outbox, evidence. start() opens `${dataDir}/lane.db`, runs pending migrations, loads the face
 * and plate indexes. A full disk or read-only database does not stop it: it reports 'failed'
 * with the reason, emits 'failed' (the lane goes fail-secure) and keeps committed rows readable,
 * probing until writes succeed again.
 */
export class Store extends TypedEmitter<StoreEvents> implements Service {
  readonly name = 'store';
  readonly critical = true;
  readonly dbPath: string;
  private readonly clock: Clock;
  private readonly storeHealth: StoreHealth;
  private parts: Parts | null = null;
  private state: HealthState = 'stopped';
  private since: number;
  private timers: TimerHandle[] = [];
  private readonly hash: BoundKeyedHash;

  constructor(private readonly opts: StoreOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.dbPath = join(opts.dataDir, 'lane.db');
    this.since = this.clock.now();
    this.hash = bindKeyedHash(opts.siteKey);
    this.storeHealth = new StoreHealth(this.clock);
    this.storeHealth.on('failed', (f) => {
      opts.log?.error({ problem: f.problem, code: f.code, operation: f.operation, err: f.message }, 'store failed: lane must fail secure');
      this.emit('failed', f);
    });
    this.storeHealth.on('recovered', (f) => {
      opts.log?.warn({ problem: f.problem, code: f.code }, 'store recovered: writes succeed again');
      this.emit('recovered', f);
    });
  }

  async start(): Promise<void> {
    if (this.parts !== null) return;
    this.setState('starting');
    let opened: ReturnType<Store['open']>;
    try {
      mkdirSync(this.opts.dataDir, { recursive: true });
      opened = this.open();
    } catch (err) {
      this.setState('failed');
      throw err;
    }
    const { db, readonlyFailure } = opened;
    try {
      const migration = migrate(db, { now: this.clock.now() });
      const parts = this.build(db, migration);
      if (migration.applied.length > 0 && migration.from > 0 && readonlyFailure === null) parts.lists.discardSnapshots();
      parts.faces.loadAll();
      parts.plates.loadAll();
      this.parts = parts;
      if (readonlyFailure !== null) this.storeHealth.fail(readonlyFailure);
      else this.probe();
      await parts.evidence.init().catch((err: unknown) => {
        if (!(err instanceof StoreUnavailableError)) throw err;
      });
    } catch (err) {
      this.parts = null;
      db.close();
      this.setState('failed');
      throw err;
    }
    this.setState('ok');
    this.timers.push(this.clock.setInterval(() => this.maintain(), this.opts.probeIntervalMs ?? 5_000));
    this.timers.push(this.clock.setInterval(() => this.checkpoint(), this.opts.checkpointIntervalMs ?? 1_000));
    this.timers.push(this.clock.setInterval(() => void this.sweepEvidence(), this.opts.evidenceSweepIntervalMs ?? 600_000));
    const merge = this.opts.pendingMerge ?? {};
    this.timers.push(this.clock.setInterval(() => this.mergePending(merge.batchRows ?? 1_000), merge.intervalMs ?? 100));
    this.opts.log?.info(
      { schema: this.parts!.migration.to, migrated: this.parts!.migration.applied, faces: this.parts!.faces.stats().length },
      'store started',
    );
  }

  async stop(): Promise<void> {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    const parts = this.parts;
    this.parts = null;
    if (parts !== null) {
      try {
        // Passages already handed to appendGrouped are committed, not dropped: their callers wait.
        parts.journal.flushGrouped();
      } catch (err) {
        this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'final group commit failed');
      }
      try {
        parts.db.close();
      } catch (err) {
        this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'store close failed');
      }
    }
    this.setState('stopped');
  }

  health(): HealthReport {
    const failure = this.storeHealth.failure;
    const counters: Record<string, number> = { failures: this.storeHealth.failureCount };
    if (this.parts !== null) {
      try {
        counters.outboxBacklog = this.parts.outbox.stats().backlog;
      } catch {
        // reported through the failure state
      }
    }
    const state: HealthState = failure !== null && this.state === 'ok' ? 'failed' : this.state;
    return {
      state,
      since: failure !== null ? failure.at : Math.max(this.since, this.storeHealth.since),
      reconnects: 0,
      lastError: failure === null ? null : `${failure.problem} (${failure.code}) during ${failure.operation}: ${failure.message}`,
      counters,
    };
  }

  /** The current failure, or null while writes are accepted. */
  get failure(): StoreFailure | null {
    return this.storeHealth.failure;
  }

  get lists(): ListStore {
    return this.require().lists;
  }
  get lookups(): CacheLookups {
    return this.require().lookups;
  }
  get faces(): FaceIndex {
    return this.require().faces;
  }
  get journal(): Journal {
    return this.require().journal;
  }
  get outbox(): Outbox {
    return this.require().outbox;
  }
  get tokens(): TokenRedemption {
    return this.require().tokens;
  }
  get evidence(): EvidenceStore {
    return this.require().evidence;
  }
  /** The underlying connection, for lanectl diagnostics and tests; not for lane code. */
  get database(): SqliteDatabase {
    return this.require().db;
  }

  /** Entries in the in-memory fuzzy plate indexes. */
  platesSizes(): { vehicles: number; watchlist: number } {
    return this.require().plates.sizes;
  }

  /** Facts for the decision engine (storeHealthy false while failed). */
  factsFor(evidence: Evidence, opts: FactsOptions): Facts {
    return this.require().facts.factsFor(evidence, opts);
  }

  /** HMAC-SHA256 with the site key: what src/credentials uses as IdentifierHasher. */
  keyedHash(kind: string, value: string): Buffer {
    return this.hash(kind, value);
  }

  verifyJournal(): JournalVerifyReport {
    const db = this.require().db;
    return this.storeHealth.read('verify journal', () => verifyJournal(db));
  }

  /**
   * Tries a small write; on success a failed store is ok again. A store failed for a full disk
   * also needs real headroom (free disk space and free pages under max_page_count).
   */
  probe(): boolean {
    const parts = this.require();
    const failure = this.storeHealth.failure;
    try {
      if (failure?.problem === 'disk-full' && !this.hasHeadroom(parts.db)) return false;
      parts.db
        .prepare('INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run('last-probe', String(this.clock.now()));
    } catch (err) {
      const cls = classifyStorageError(err);
      if (cls === null) throw err;
      this.storeHealth.fail({ problem: cls.problem, code: cls.code, operation: 'probe write', message: err instanceof Error ? err.message : String(err) });
      return false;
    }
    this.storeHealth.recover();
    return true;
  }

  private open(): { db: SqliteDatabase; readonlyFailure: Omit<StoreFailure, 'at'> | null } {
    const base = { path: this.dbPath, synchronous: this.opts.synchronous, maxDbBytes: this.opts.maxDbBytes, cacheKiB: this.opts.cacheKiB };
    const readonlyFailure = (message: string): Omit<StoreFailure, 'at'> => ({ problem: 'read-only', code: 'SQLITE_READONLY', operation: 'open', message });
    if (this.opts.readonly) return { db: openDatabase({ ...base, readonly: true }), readonlyFailure: readonlyFailure('opened read-only') };
    try {
      return { db: openDatabase(base), readonlyFailure: null };
    } catch (err) {
      // A write-protected file (or folder): serve reads, refuse writes, fail secure.
      if (classifyStorageError(err)?.problem !== 'read-only') throw err;
      return { db: openDatabase({ ...base, readonly: true }), readonlyFailure: readonlyFailure(err instanceof Error ? err.message : String(err)) };
    }
  }

  private build(db: SqliteDatabase, migration: MigrationReport): Parts {
    const { clock, storeHealth: health } = this;
    const lane = this.opts.lane;
    const lists = new ListStore(db, health, clock, { hash: this.hash });
    const faces = new FaceIndex(db, { simd: this.opts.simd });
    const plates = new PlateIndexes(db);
    lists.onChange((change) => {
      faces.apply(change);
      plates.apply(change);
    });
    const lookups = new CacheLookups(db, health, plates);
    const outbox = new Outbox(db, health, clock, lane);
    const evidenceOpts = this.opts.evidence ?? DEFAULT_EVIDENCE;
    return {
      db,
      lists,
      lookups,
      faces,
      plates,
      facts: new FactsAssembler(health, lookups, lists, faces),
      outbox,
      journal: new Journal(db, health, clock, outbox, lane, this.opts.groupCommit),
      tokens: new TokenRedemption(db, health, clock),
      evidence: new EvidenceStore(db, health, clock, { ...evidenceOpts, dir: evidenceOpts.dir ?? join(this.opts.dataDir, 'evidence') }),
      migration,
    };
  }

  private hasHeadroom(db: SqliteDatabase): boolean {
    const max = Number(db.pragma('max_page_count', { simple: true }));
    const used = Number(db.pragma('page_count', { simple: true }));
    const free = Number(db.pragma('freelist_count', { simple: true }));
    if (max - used + free < RECOVERY_FREE_PAGES) return false;
    const fs = statfsSync(this.opts.dataDir);
    return fs.bavail * fs.bsize >= RECOVERY_FREE_BYTES;
  }

  /** Copies committed WAL frames into the database file without waiting for readers (PASSIVE). */
  checkpoint(): void {
    if (this.parts === null || !this.storeHealth.ok || this.opts.readonly) return;
    const db = this.parts.db;
    try {
      this.storeHealth.read('checkpoint', () => db.pragma('wal_checkpoint(PASSIVE)'));
    } catch (err) {
      this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'checkpoint failed');
    }
  }

  /**
   * One batch of the background merge of list deltas (ListStore.mergePending). Skipped while the
   * store is failed: the pending rows are served as they are and merged after recovery.
   */
  mergePending(batchRows: number): number {
    if (this.parts === null || !this.storeHealth.ok || this.opts.readonly) return 0;
    try {
      return this.parts.lists.mergePending(batchRows);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'pending list merge failed');
      return 0;
    }
  }

  private maintain(): void {
    if (this.parts === null || this.storeHealth.ok) return;
    try {
      this.probe();
    } catch (err) {
      this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'store probe failed');
    }
  }

  private async sweepEvidence(): Promise<void> {
    if (this.parts === null) return;
    try {
      const sweep = await this.parts.evidence.enforce();
      if (sweep.unsentDeletedForQuota > 0) {
        this.opts.log?.warn({ ...sweep }, 'evidence quota removed files not yet sent; raise the quota or check the uplink');
      } else if (sweep.deletedForQuota + sweep.deletedForRetention > 0) {
        this.opts.log?.info({ ...sweep }, 'evidence retention and quota applied');
      }
    } catch (err) {
      this.opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'evidence sweep failed');
    }
  }

  private setState(state: HealthState): void {
    this.state = state;
    this.since = this.clock.now();
  }

  private require(): Parts {
    if (this.parts === null) throw new StoreUnavailableError({ problem: 'unavailable', code: 'NOT_STARTED', operation: 'use', message: 'store is not started', at: this.clock.now() });
    return this.parts;
  }
}
