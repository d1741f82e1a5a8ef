import { mkdir, readdir, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Clock } from '../util/clock.js';
import { uuidv7 } from '../util/ids.js';
import type { SqliteDatabase } from './database.js';
import { StoreInputError } from './store-failure.js';
import type { StoreHealth } from './store-health.js';

export interface EvidenceOptions {
  /** Folder of the evidence files; created if missing. */
  dir: string;
  /** Total size allowed for live files. */
  quotaBytes: number;
  /** Files older than this are deleted whether sent or not (personal data is not kept longer). */
  retentionMs: number;
}

export interface EvidenceFileInput {
  /** e.g. face-crop, plate-crop, frame. */
  kind: string;
  data: Uint8Array;
  /** File extension without the dot: jpg, png, webp, bin. */
  ext: string;
  passageId?: string | null;
}

export interface SavedEvidence {
  /** Relative path in the evidence folder; goes into PassageInput.evidenceFiles. */
  ref: string;
  bytes: number;
  createdAt: number;
}

export interface EvidenceSweep {
  deletedForRetention: number;
  deletedForQuota: number;
  /** Quota deletions of files not yet sent (the quota was too small for the backlog). */
  unsentDeletedForQuota: number;
  freedBytes: number;
  /** Rows whose file was already gone. */
  missing: number;
}

export interface EvidenceStats {
  files: number;
  bytes: number;
  quotaBytes: number;
  unsent: number;
  oldestCreatedAt: number | null;
}

export interface EvidenceFileStatus {
  ref: string;
  kind: string;
  bytes: number;
  createdAt: number;
  sentAt: number | null;
  deletedAt: number | null;
  deleteReason: 'retention' | 'quota' | 'missing' | null;
}

interface LiveRow {
  ref: string;
  bytes: number;
}

const KIND = /^[a-z][a-z0-9-]{0,31}$/;
const EXT = /^[a-z0-9]{1,8}$/;
const REF = /^\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.[a-z][a-z0-9-]{0,31}\.[a-z0-9]{1,8}$/;
const BATCH = 200;

/**
 * Evidence files (face crops, plate crops, frames of denied or alarmed passages) in a folder with
 * a size quota and a retention period. An index table holds sizes and sent state: the quota
 * removes the oldest *sent* files first and unsent ones only as a last resort; retention removes
 * everything older than the period. Journal rows are never touched; a removed file leaves a
 * tombstone saying when and why.
 */
export class EvidenceStore {
  private liveBytes = 0;
  /** Sweeps run one at a time (the timer, and saves that need room, may ask at once). */
  private sweeps: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly health: StoreHealth,
    private readonly clock: Clock,
    private readonly opts: EvidenceOptions,
  ) {}

  /** Creates the folder, removes leftovers of interrupted saves, reconciles the index with the disk. */
  async init(): Promise<{ orphansRemoved: number; missing: number }> {
    await this.fs('create evidence folder', () => mkdir(this.opts.dir, { recursive: true }));
    const live = new Set(this.db.prepare('SELECT ref FROM evidence_files WHERE deleted_at IS NULL').pluck().all() as string[]);
    let orphansRemoved = 0;
    const onDisk = new Set<string>();
    for (const path of await listFiles(this.opts.dir)) {
      const ref = relative(this.opts.dir, path).split(sep).join('/');
      if (live.has(ref)) onDisk.add(ref);
      else {
        // A .tmp of an interrupted write, or a file renamed just before a crash and never indexed.
        await this.fs('remove orphan evidence', () => unlink(path));
        orphansRemoved += 1;
      }
    }
    const missingRefs = [...live].filter((r) => !onDisk.has(r));
    this.markDeleted(missingRefs, 'missing');
    this.liveBytes = Number(this.db.prepare('SELECT coalesce(sum(bytes), 0) FROM evidence_files WHERE deleted_at IS NULL').pluck().get());
    return { orphansRemoved, missing: missingRefs.length };
  }

  async save(input: EvidenceFileInput): Promise<SavedEvidence> {
    if (!KIND.test(input.kind)) throw new StoreInputError('evidence kind must be 1-32 characters of a-z, 0-9 and "-"');
    if (!EXT.test(input.ext)) throw new StoreInputError('evidence extension must be 1-8 characters of a-z and 0-9');
    if (!(input.data instanceof Uint8Array)) throw new StoreInputError('evidence data must be bytes');
    if (input.data.byteLength > this.opts.quotaBytes) throw new StoreInputError('evidence file is larger than the whole quota');
    if (this.liveBytes + input.data.byteLength > this.opts.quotaBytes) await this.enforce(input.data.byteLength);
    const createdAt = this.clock.now();
    const day = new Date(createdAt).toISOString().slice(0, 10).replace(/-/g, '/');
    const ref = `${day}/${uuidv7(createdAt)}.${input.kind}.${input.ext}`;
    const path = this.pathOf(ref);
    await this.fs('write evidence', async () => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, input.data, { flag: 'wx' });
      await rename(`${path}.tmp`, path);
    });
    this.health.write('index evidence', () =>
      this.db
        .prepare('INSERT INTO evidence_files (ref, passage_id, kind, bytes, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(ref, input.passageId ?? null, input.kind, input.data.byteLength, createdAt),
    );
    this.liveBytes += input.data.byteLength;
    return { ref, bytes: input.data.byteLength, createdAt };
  }

  /** Links files saved before the passage was journaled to it. */
  linkToPassage(refs: readonly string[], passageId: string): number {
    return this.updateRefs('link evidence', 'UPDATE evidence_files SET passage_id = ? WHERE ref = ?', refs, passageId);
  }

  /** Marks files as delivered to the central system: from now on they go first when the quota is tight. */
  markSent(refs: readonly string[]): number {
    return this.updateRefs('mark evidence sent', 'UPDATE evidence_files SET sent_at = ? WHERE ref = ? AND sent_at IS NULL', refs, this.clock.now());
  }

  /** Absolute path of a live file (for the uploader), or null for an unknown or removed ref. */
  pathFor(ref: string): string | null {
    if (!REF.test(ref)) return null;
    const row = this.db.prepare('SELECT 1 FROM evidence_files WHERE ref = ? AND deleted_at IS NULL').get(ref);
    return row === undefined ? null : this.pathOf(ref);
  }

  /**
   * Applies retention, then the quota (keeping `reserveBytes` free for a file about to be saved).
   * Runs on a timer and before a save that would exceed the quota.
   */
  enforce(reserveBytes = 0): Promise<EvidenceSweep> {
    const run = this.sweeps.then(() => this.enforceNow(reserveBytes));
    this.sweeps = run.catch(() => undefined);
    return run;
  }

  private async enforceNow(reserveBytes: number): Promise<EvidenceSweep> {
    const sweep: EvidenceSweep = { deletedForRetention: 0, deletedForQuota: 0, unsentDeletedForQuota: 0, freedBytes: 0, missing: 0 };
    const expired = this.db.prepare('SELECT ref, bytes FROM evidence_files WHERE deleted_at IS NULL AND created_at < ? ORDER BY created_at LIMIT ?');
    for (;;) {
      const rows = expired.all(this.clock.now() - this.opts.retentionMs, BATCH) as LiveRow[];
      if (rows.length === 0) break;
      sweep.deletedForRetention += await this.remove(rows, 'retention', sweep);
    }
    const oldest = (sent: boolean): LiveRow[] =>
      this.db
        .prepare(
          `SELECT ref, bytes FROM evidence_files WHERE deleted_at IS NULL AND sent_at IS ${sent ? 'NOT NULL' : 'NULL'}
           ORDER BY created_at, ref LIMIT ?`,
        )
        .all(BATCH) as LiveRow[];
    for (const sent of [true, false]) {
      while (this.liveBytes + reserveBytes > this.opts.quotaBytes) {
        const rows = oldest(sent);
        if (rows.length === 0) break;
        const over = this.liveBytes + reserveBytes - this.opts.quotaBytes;
        let take = 0;
        let freed = 0;
        while (take < rows.length && freed < over) freed += rows[take++]!.bytes;
        const n = await this.remove(rows.slice(0, take), 'quota', sweep);
        sweep.deletedForQuota += n;
        if (!sent) sweep.unsentDeletedForQuota += n;
      }
    }
    return sweep;
  }

  stats(): EvidenceStats {
    const r = this.db
      .prepare(
        `SELECT count(*) AS files, coalesce(sum(bytes), 0) AS bytes, coalesce(sum(sent_at IS NULL), 0) AS unsent,
                min(created_at) AS oldestCreatedAt FROM evidence_files WHERE deleted_at IS NULL`,
      )
      .get() as { files: number; bytes: number; unsent: number; oldestCreatedAt: number | null };
    return { ...r, quotaBytes: this.opts.quotaBytes };
  }

  /** Status of the given refs (a passage's evidenceFiles), including why a file is gone. */
  status(refs: readonly string[]): EvidenceFileStatus[] {
    const stmt = this.db.prepare(
      `SELECT ref, kind, bytes, created_at AS createdAt, sent_at AS sentAt, deleted_at AS deletedAt, delete_reason AS deleteReason
       FROM evidence_files WHERE ref = ?`,
    );
    return refs.map((ref) => stmt.get(ref) as EvidenceFileStatus | undefined).filter((s): s is EvidenceFileStatus => s !== undefined);
  }

  private async remove(rows: LiveRow[], reason: 'retention' | 'quota', sweep: EvidenceSweep): Promise<number> {
    const gone: string[] = [];
    const missing: string[] = [];
    for (const row of rows) {
      const path = this.pathOf(row.ref);
      try {
        await unlink(path);
        gone.push(row.ref);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw this.health.classify('delete evidence', err);
        missing.push(row.ref);
      }
      await rmdir(dirname(path)).catch(() => undefined); // only succeeds once the day folder is empty
      sweep.freedBytes += row.bytes;
    }
    this.markDeleted(gone, reason);
    this.markDeleted(missing, 'missing');
    sweep.missing += missing.length;
    return gone.length + missing.length;
  }

  private markDeleted(refs: readonly string[], reason: 'retention' | 'quota' | 'missing'): void {
    if (refs.length === 0) return;
    const now = this.clock.now();
    this.health.write('index evidence removal', () =>
      this.db.transaction(() => {
        const stmt = this.db.prepare(
          'UPDATE evidence_files SET deleted_at = ?, delete_reason = ? WHERE ref = ? AND deleted_at IS NULL RETURNING bytes',
        );
        for (const ref of refs) {
          const row = stmt.get(now, reason, ref) as { bytes: number } | undefined;
          if (row !== undefined) this.liveBytes -= row.bytes;
        }
      })(),
    );
  }

  private updateRefs(operation: string, sql: string, refs: readonly string[], value: string | number): number {
    return this.health.write(operation, () =>
      this.db.transaction(() => {
        const stmt = this.db.prepare(sql);
        let n = 0;
        for (const ref of refs) n += stmt.run(value, ref).changes;
        return n;
      })(),
    );
  }

  private pathOf(ref: string): string {
    return join(this.opts.dir, ...ref.split('/'));
  }

  private async fs<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.health.classify(operation, err);
    }
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}
