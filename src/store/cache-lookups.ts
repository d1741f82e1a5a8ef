import type Database from 'better-sqlite3';
import type { CargoStatus, CredentialKind, CredentialStatus, Direction, LabTestStatus, WatchlistAction } from '../decision/types.js';
import type { SqliteDatabase } from './database.js';
import type { WatchlistEntryKind } from './lists/biometric-lists.js';
import { credentialKindName, credentialStatusName, directionsFromMask } from './lists/list-codes.js';
import { compactPlate, compactTagHex } from './lists/vehicle-lists.js';
import type { PlateIndexes } from './plate-indexes.js';
import type { StoreHealth } from './store-health.js';
import { overlayLookupSql } from './lists/pending-overlay.js';

export interface CredentialEntry {
  kind: CredentialKind;
  subjectId: string;
  status: CredentialStatus;
  singleUse: boolean;
  validFrom: number | null;
  validUntil: number | null;
}

export interface SubjectEntry {
  subjectId: string;
  category: string;
  nationality: string | null;
  validFrom: number | null;
  validUntil: number | null;
  allowedDirections: Direction[];
}

export interface VehicleEntry {
  vehicleId: string;
  plate: string;
  plateCountry: string;
  epc: string | null;
  tid: string | null;
  vehicleClass: string;
  ownerSubjectId: string | null;
  companyId: string | null;
  validFrom: number | null;
  validUntil: number | null;
  allowedDirections: Direction[];
}

export interface VehicleMatch extends VehicleEntry {
  /** Weighted OCR distance from the plate read (0: exact; a confusion such as 0/D costs 0.25). */
  distance: number;
}

export interface CargoEntry {
  declarationId: string;
  vehicleId: string;
  status: CargoStatus;
  cargoClass: string;
  labTestRequired: boolean;
  labTestStatus: LabTestStatus | null;
  validFrom: number | null;
  validUntil: number | null;
}

export interface WatchlistEntryHit {
  entryId: string;
  listId: string;
  kind: WatchlistEntryKind;
  action: WatchlistAction;
  /** Plate entries: OCR distance of the match; null for exact keys. */
  distance: number | null;
}

type Raw = Record<string, unknown>;

const VEHICLE_COLUMNS = `vehicle_id AS vehicleId, plate, plate_country AS plateCountry, epc, tid, vehicle_class AS vehicleClass,
  owner_subject_id AS ownerSubjectId, company_id AS companyId, valid_from AS validFrom, valid_until AS validUntil,
  allowed_directions AS allowedDirections`;

const VALID_AT = '(valid_from IS NULL OR valid_from <= ?) AND (valid_until IS NULL OR ? < valid_until)';

/**
 * Read-only queries over the cache, each one indexed lookup. Identifiers arrive already hashed
 * (credentials, document/token watchlist entries) or as compact text (plates, tags).
 */
export class CacheLookups {
  private readonly st: Record<string, Database.Statement>;

  constructor(
    db: SqliteDatabase,
    private readonly health: StoreHealth,
    private readonly plates: PlateIndexes,
  ) {
    this.st = {
      // Through the pending overlay: a delta not yet merged into `credentials` wins (migration 006).
      credential: db.prepare(
        overlayLookupSql(
          'credentials',
          'credentials_pending',
          'hash',
          'kind, subject_id AS subjectId, status, single_use AS singleUse, valid_from AS validFrom, valid_until AS validUntil',
        ),
      ),
      subject: db.prepare(
        `SELECT subject_id AS subjectId, category, nationality, valid_from AS validFrom, valid_until AS validUntil,
                allowed_directions AS allowedDirections FROM subjects WHERE subject_id = ?`,
      ),
      templateModels: db.prepare('SELECT model_id AS modelId FROM face_templates WHERE subject_id = ? ORDER BY quality DESC'),
      vehicleById: db.prepare(`SELECT ${VEHICLE_COLUMNS} FROM vehicles WHERE vehicle_id = ?`),
      vehicleByPlate: db.prepare(`SELECT ${VEHICLE_COLUMNS} FROM vehicles WHERE plate = ? ORDER BY vehicle_id`),
      vehicleByEpc: db.prepare(`SELECT ${VEHICLE_COLUMNS} FROM vehicles WHERE epc = ? ORDER BY vehicle_id LIMIT 1`),
      vehicleByTid: db.prepare(`SELECT ${VEHICLE_COLUMNS} FROM vehicles WHERE tid = ? ORDER BY vehicle_id LIMIT 1`),
      // The clearance valid now with the latest start; otherwise the most recent one, so the engine
      // can say expired / not yet valid instead of "not found".
      cargo: db.prepare(
        `SELECT declaration_id AS declarationId, vehicle_id AS vehicleId, status, cargo_class AS cargoClass,
                lab_test_required AS labTestRequired, lab_test_status AS labTestStatus, valid_from AS validFrom,
                valid_until AS validUntil
         FROM cargo_clearances WHERE vehicle_id = ?
         ORDER BY (${VALID_AT}) DESC, coalesce(valid_from, 0) DESC, declaration_id LIMIT 1`,
      ),
      watchHash: db.prepare(
        `SELECT entry_id AS entryId, list_id AS listId, kind, action FROM watchlist_entries WHERE key_hash = ? AND ${VALID_AT}`,
      ),
      watchText: db.prepare(
        `SELECT entry_id AS entryId, list_id AS listId, kind, action FROM watchlist_entries
         WHERE kind = ? AND key_text = ? AND ${VALID_AT}`,
      ),
      watchEntry: db.prepare(
        `SELECT entry_id AS entryId, list_id AS listId, kind, action FROM watchlist_entries WHERE entry_id = ? AND ${VALID_AT}`,
      ),
    };
  }

  credential(hash: Uint8Array): CredentialEntry | null {
    const r = this.health.read('lookup credential', () => this.st.credential!.get({ key: hash }) as Raw | undefined);
    if (r === undefined) return null;
    const kind = credentialKindName(r.kind as number);
    const status = credentialStatusName(r.status as number);
    if (kind === null || status === null) return null;
    return {
      kind,
      status,
      subjectId: r.subjectId as string,
      singleUse: r.singleUse === 1,
      validFrom: r.validFrom as number | null,
      validUntil: r.validUntil as number | null,
    };
  }

  subject(subjectId: string): SubjectEntry | null {
    const r = this.health.read('lookup subject', () => this.st.subject!.get(subjectId) as Raw | undefined);
    if (r === undefined) return null;
    return { ...(r as unknown as SubjectEntry), allowedDirections: directionsFromMask(r.allowedDirections as number) };
  }

  /** Model ids of the subject's enrolled templates, best quality first. */
  templateModels(subjectId: string): string[] {
    return this.health.read('lookup templates', () => this.st.templateModels!.pluck().all(subjectId) as string[]);
  }

  vehicle(vehicleId: string): VehicleEntry | null {
    const r = this.health.read('lookup vehicle', () => this.st.vehicleById!.get(vehicleId) as Raw | undefined);
    return r === undefined ? null : toVehicle(r);
  }

  /**
   * Vehicles whose plate matches the reading: exact matches first, then OCR-fuzzy ones up to
   * maxDistance; within one distance, vehicles registered in `country` first. With `limit`
   * exact matches on file the fuzzy search is skipped (nothing fuzzy can rank above them).
   */
  vehiclesByPlate(plateText: string, country: string | null, maxDistance = 1, limit = 5): VehicleMatch[] {
    const plate = compactPlate(plateText);
    if (plate.length === 0) return [];
    return this.health.read('lookup plate', () => {
      const out: VehicleMatch[] = (this.st.vehicleByPlate!.all(plate) as Raw[]).map((r) => ({ ...toVehicle(r), distance: 0 }));
      if (maxDistance > 0 && out.length < limit) {
        for (const m of this.plates.matchVehicles(plate, maxDistance, Math.max(limit, 3))) {
          if (m.distance === 0 || out.some((v) => v.vehicleId === m.id)) continue;
          const v = this.vehicle(m.id);
          if (v !== null) out.push({ ...v, distance: m.distance });
        }
      }
      const home = (v: VehicleMatch): number => (country !== null && v.plateCountry === country ? 0 : 1);
      return out.sort((a, b) => a.distance - b.distance || home(a) - home(b) || (a.vehicleId < b.vehicleId ? -1 : 1)).slice(0, limit);
    });
  }

  vehicleByEpc(epcText: string): VehicleEntry | null {
    const epc = compactTagHex(epcText);
    if (epc === null) return null;
    const r = this.health.read('lookup epc', () => this.st.vehicleByEpc!.get(epc) as Raw | undefined);
    return r === undefined ? null : toVehicle(r);
  }

  vehicleByTid(tidText: string): VehicleEntry | null {
    const tid = compactTagHex(tidText);
    if (tid === null) return null;
    const r = this.health.read('lookup tid', () => this.st.vehicleByTid!.get(tid) as Raw | undefined);
    return r === undefined ? null : toVehicle(r);
  }

  cargoForVehicle(vehicleId: string, now: number): CargoEntry | null {
    const r = this.health.read('lookup cargo', () => this.st.cargo!.get(vehicleId, now, now) as Raw | undefined);
    if (r === undefined) return null;
    return { ...(r as unknown as CargoEntry), labTestRequired: r.labTestRequired === 1 };
  }

  /** Document/token watchlist entries with this keyed hash, valid at `now`. */
  watchlistByHash(hash: Uint8Array, now: number): WatchlistEntryHit[] {
    return this.health.read('lookup watchlist', () =>
      (this.st.watchHash!.all(hash, now, now) as Raw[]).map((r) => ({ ...(r as unknown as WatchlistEntryHit), distance: null })),
    );
  }

  /** Exact-key entries: 'epc' (hex), 'person' (subject id), 'vehicle' (vehicle id). */
  watchlistByKey(kind: 'epc' | 'person' | 'vehicle', key: string, now: number): WatchlistEntryHit[] {
    const text = kind === 'epc' ? compactTagHex(key) : key;
    if (text === null || text.length === 0) return [];
    return this.health.read('lookup watchlist', () =>
      (this.st.watchText!.all(kind, text, now, now) as Raw[]).map((r) => ({ ...(r as unknown as WatchlistEntryHit), distance: null })),
    );
  }

  /** Plate entries matching an OCR reading within maxDistance, valid at `now`. */
  watchlistByPlate(plateText: string, now: number, maxDistance = 1): WatchlistEntryHit[] {
    const plate = compactPlate(plateText);
    if (plate.length === 0) return [];
    return this.health.read('lookup watchlist', () => {
      const out: WatchlistEntryHit[] = [];
      for (const m of this.plates.matchWatchlist(plate, maxDistance)) {
        const r = this.st.watchEntry!.get(m.id, now, now) as Raw | undefined;
        if (r !== undefined) out.push({ ...(r as unknown as WatchlistEntryHit), distance: m.distance });
      }
      return out;
    });
  }
}

function toVehicle(r: Raw): VehicleEntry {
  return { ...(r as unknown as VehicleEntry), allowedDirections: directionsFromMask(r.allowedDirections as number) };
}
