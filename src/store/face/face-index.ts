import type { SqliteDatabase } from '../database.js';
import type { ListChange } from '../lists/list-store.js';
import type { SqlValue } from '../lists/list-definition.js';
import { StoreInputError } from '../store-failure.js';
import { FaceGallery, type FaceCandidate, type FaceSearchOptions } from './face-gallery.js';
import { blobAsVector } from './vector.js';

export interface EnrolledMeta {
  subjectId: string;
  quality: number;
}

export interface WatchlistFaceMeta {
  listId: string;
  action: 'deny' | 'alert' | 'refer';
  validFrom: number | null;
  validUntil: number | null;
}

export interface FaceGalleryStats {
  gallery: 'enrolled' | 'watchlist';
  modelId: string;
  dims: number;
  templates: number;
  simd: boolean;
}

interface TemplateRow {
  id: string;
  modelId: string;
  dims: number;
  vector: Buffer;
}

/**
 * 1:N face search over enrolled templates and watchlist templates, one in-memory matrix per
 * (gallery, model id): a template made by one model is never compared with another model's.
 * Loaded once at start, then kept in sync from committed list changes (ListStore.onChange).
 */
export class FaceIndex {
  private readonly enrolled = new Map<string, FaceGallery<EnrolledMeta>>();
  private readonly watchlist = new Map<string, FaceGallery<WatchlistFaceMeta>>();
  /** Template/entry id -> model id, so a delete (which carries only the id) finds its gallery. */
  private readonly enrolledModel = new Map<string, string>();
  private readonly watchlistModel = new Map<string, string>();
  /** Rows whose dims disagree with their model's gallery (a broken list); counted, not indexed. */
  rejected = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly opts: { simd?: boolean } = {},
  ) {}

  loadAll(): void {
    this.loadEnrolled();
    this.loadWatchlist();
  }

  searchEnrolled(modelId: string, vector: Float32Array, opts?: FaceSearchOptions): FaceCandidate<EnrolledMeta>[] {
    return search(this.enrolled.get(modelId), vector, opts);
  }

  /** Watchlist faces valid at `now`. */
  searchWatchlist(modelId: string, vector: Float32Array, now: number, opts: FaceSearchOptions = {}): FaceCandidate<WatchlistFaceMeta>[] {
    const k = opts.k ?? 5;
    // Ask for more than k: entries outside their validity window are dropped afterwards.
    const found = search(this.watchlist.get(modelId), vector, { ...opts, k: k * 4 });
    return found
      .filter(({ meta }) => (meta.validFrom === null || meta.validFrom <= now) && (meta.validUntil === null || now < meta.validUntil))
      .slice(0, k);
  }

  stats(): FaceGalleryStats[] {
    const out: FaceGalleryStats[] = [];
    for (const [gallery, map] of [['enrolled', this.enrolled], ['watchlist', this.watchlist]] as const) {
      for (const [modelId, g] of map) out.push({ gallery, modelId, dims: g.dims, templates: g.size, simd: g.simd });
    }
    return out;
  }

  /** Keeps the matrices in step with a committed list change. */
  apply(change: ListChange): void {
    if (change.list === 'face-templates') {
      if (change.kind === 'snapshot') return this.loadEnrolled();
      for (const id of change.deletes) this.removeEnrolled(id as string);
      // columns: template_id, subject_id, model_id, dims, quality, vector, enrolled_at
      for (const v of change.upserts) {
        this.removeEnrolled(v[0] as string);
        this.addEnrolled({ id: v[0] as string, modelId: v[2] as string, dims: v[3] as number, vector: v[5] as Buffer }, {
          subjectId: v[1] as string,
          quality: v[4] as number,
        });
      }
    } else if (change.list === 'watchlist') {
      if (change.kind === 'snapshot') return this.loadWatchlist();
      for (const id of change.deletes) this.removeWatchlist(id as string);
      // columns: entry_id, list_id, kind, key_hash, key_text, model_id, dims, vector, action, valid_from, valid_until
      for (const v of change.upserts) {
        this.removeWatchlist(v[0] as string);
        if (v[2] === 'face') this.addWatchlist(watchlistRow(v), watchlistMeta(v));
      }
    }
  }

  private loadEnrolled(): void {
    this.enrolled.clear();
    this.enrolledModel.clear();
    // Size each matrix once instead of growing it row by row (100k x 512 floats is 200 MB to copy).
    const counts = this.db.prepare('SELECT model_id, dims, count(*) FROM face_templates GROUP BY model_id, dims').raw().all() as [string, number, number][];
    for (const [modelId, dims, n] of counts) {
      if (!this.enrolled.has(modelId)) this.enrolled.set(modelId, new FaceGallery<EnrolledMeta>(dims, this.opts));
      this.enrolled.get(modelId)!.reserve(n);
    }
    const rows = this.db
      .prepare('SELECT template_id, subject_id, model_id, dims, quality, vector FROM face_templates')
      .raw()
      .iterate() as IterableIterator<[string, string, string, number, number, Buffer]>;
    for (const [id, subjectId, modelId, dims, quality, vector] of rows) this.addEnrolled({ id, modelId, dims, vector }, { subjectId, quality });
  }

  private loadWatchlist(): void {
    this.watchlist.clear();
    this.watchlistModel.clear();
    const rows = this.db
      .prepare(
        `SELECT entry_id, list_id, kind, key_hash, key_text, model_id, dims, vector, action, valid_from, valid_until
         FROM watchlist_entries WHERE kind = 'face'`,
      )
      .raw()
      .iterate() as IterableIterator<SqlValue[]>;
    for (const v of rows) this.addWatchlist(watchlistRow(v), watchlistMeta(v));
  }

  private addEnrolled(row: TemplateRow, meta: EnrolledMeta): void {
    const g = galleryFor(this.enrolled, row, this.opts);
    if (g === null) {
      this.rejected += 1;
      return;
    }
    g.upsert(row.id, blobAsVector(row.vector), meta);
    this.enrolledModel.set(row.id, row.modelId);
  }

  private addWatchlist(row: TemplateRow, meta: WatchlistFaceMeta): void {
    const g = galleryFor(this.watchlist, row, this.opts);
    if (g === null) {
      this.rejected += 1;
      return;
    }
    g.upsert(row.id, blobAsVector(row.vector), meta);
    this.watchlistModel.set(row.id, row.modelId);
  }

  private removeEnrolled(id: string): void {
    const model = this.enrolledModel.get(id);
    if (model === undefined) return;
    this.enrolled.get(model)?.remove(id);
    this.enrolledModel.delete(id);
  }

  private removeWatchlist(id: string): void {
    const model = this.watchlistModel.get(id);
    if (model === undefined) return;
    this.watchlist.get(model)?.remove(id);
    this.watchlistModel.delete(id);
  }
}

function watchlistRow(v: SqlValue[]): TemplateRow {
  return { id: v[0] as string, modelId: v[5] as string, dims: v[6] as number, vector: v[7] as Buffer };
}

function watchlistMeta(v: SqlValue[]): WatchlistFaceMeta {
  return {
    listId: v[1] as string,
    action: v[8] as WatchlistFaceMeta['action'],
    validFrom: v[9] as number | null,
    validUntil: v[10] as number | null,
  };
}

function galleryFor<M>(map: Map<string, FaceGallery<M>>, row: TemplateRow, opts: { simd?: boolean }): FaceGallery<M> | null {
  let g = map.get(row.modelId);
  if (g === undefined) {
    g = new FaceGallery<M>(row.dims, opts);
    map.set(row.modelId, g);
  }
  return g.dims === row.dims ? g : null;
}

function search<M>(g: FaceGallery<M> | undefined, vector: Float32Array, opts?: FaceSearchOptions): FaceCandidate<M>[] {
  if (g === undefined) return [];
  if (vector.length !== g.dims) {
    throw new StoreInputError(`live template has ${vector.length} dims but this model's gallery has ${g.dims}`);
  }
  return g.search(vector, opts);
}
