import { PlateIndex, type PlateMatch } from '../credentials/plates/plate-index.js';
import type { SqliteDatabase } from './database.js';
import type { ListChange } from './lists/list-store.js';

/**
 * In-memory fuzzy plate indexes over the cache (registered vehicles, plate watchlist entries),
 * so an OCR reading with one confusion (0/D, 8/B ...) still finds its vehicle. Built at start and
 * kept in step with committed list changes, like the face matrices.
 */
export class PlateIndexes {
  private vehicles = new PlateIndex();
  private watchlist = new PlateIndex();

  constructor(private readonly db: SqliteDatabase) {}

  loadAll(): void {
    this.loadVehicles();
    this.loadWatchlist();
  }

  matchVehicles(plate: string, maxDistance: number, limit = 5): PlateMatch[] {
    return this.vehicles.match(plate, limit).filter((m) => m.distance <= maxDistance);
  }

  matchWatchlist(plate: string, maxDistance: number, limit = 10): PlateMatch[] {
    return this.watchlist.match(plate, limit).filter((m) => m.distance <= maxDistance);
  }

  get sizes(): { vehicles: number; watchlist: number } {
    return { vehicles: this.vehicles.size, watchlist: this.watchlist.size };
  }

  apply(change: ListChange): void {
    if (change.list === 'vehicles') {
      if (change.kind === 'snapshot') return this.loadVehicles();
      for (const id of change.deletes) this.vehicles.remove(id as string);
      // columns: vehicle_id, plate, ...
      for (const v of change.upserts) this.vehicles.add(v[0] as string, v[1] as string);
    } else if (change.list === 'watchlist') {
      if (change.kind === 'snapshot') return this.loadWatchlist();
      for (const id of change.deletes) this.watchlist.remove(id as string);
      // columns: entry_id, list_id, kind, key_hash, key_text, ...
      for (const v of change.upserts) {
        if (v[2] === 'plate') this.watchlist.add(v[0] as string, v[4] as string);
        else this.watchlist.remove(v[0] as string);
      }
    }
  }

  private loadVehicles(): void {
    this.vehicles = new PlateIndex();
    const rows = this.db.prepare('SELECT vehicle_id, plate FROM vehicles').raw().iterate() as IterableIterator<[string, string]>;
    for (const [id, plate] of rows) this.vehicles.add(id, plate);
  }

  private loadWatchlist(): void {
    this.watchlist = new PlateIndex();
    const rows = this.db
      .prepare("SELECT entry_id, key_text FROM watchlist_entries WHERE kind = 'plate'")
      .raw()
      .iterate() as IterableIterator<[string, string]>;
    for (const [id, plate] of rows) this.watchlist.add(id, plate);
  }
}
