import { statSync } from 'node:fs';
import type { CargoEntry, CredentialEntry, SubjectEntry, VehicleEntry, VehicleMatch, WatchlistEntryHit } from './cache-lookups.js';
import { databaseBytes } from './database.js';
import type { EvidenceFileStatus, EvidenceStats } from './evidence.js';
import type { FaceGalleryStats } from './face/face-index.js';
import type { JournaledPassage } from './journal/journal.js';
import { compactPlate, compactTagHex } from './lists/vehicle-lists.js';
import type { ListVersion } from './lists/list-store.js';
import { schemaVersion } from './migrate.js';
import type { OutboxStats } from './outbox.js';
import type { Store } from './store.js';
import type { StoreFailure } from './store-failure.js';

/**
 * Answers for the lanectl commands that read the store (`lookup plate|token|epc`, `cache stats`,
 * `passages last N`, `passage ID`, `outbox`, `journal verify` is Store.verifyJournal). Results are
 * safe to print: identifiers appear only as hash prefixes, plates as compact text.
 */
export interface CacheStats {
  schemaVersion: number;
  dbBytes: number;
  walBytes: number;
  lists: (ListVersion & { ageMs: number | null })[];
  faces: FaceGalleryStats[];
  plateIndex: { vehicles: number; watchlist: number };
  journal: { count: number; seq: number };
  outbox: OutboxStats;
  evidence: EvidenceStats;
  failure: StoreFailure | null;
}

export function cacheStats(store: Store, now: number): CacheStats {
  const db = store.database;
  let walBytes = 0;
  try {
    walBytes = statSync(`${store.dbPath}-wal`).size;
  } catch {
    // no -wal file: nothing pending
  }
  return {
    schemaVersion: schemaVersion(db),
    dbBytes: databaseBytes(db),
    walBytes,
    lists: store.lists.versions().map((v) => ({ ...v, ageMs: v.updatedAt > 0 ? Math.max(0, now - v.updatedAt) : null })),
    faces: store.faces.stats(),
    plateIndex: store.platesSizes(),
    journal: store.journal.head(),
    outbox: store.outbox.stats(),
    evidence: store.evidence.stats(),
    failure: store.failure,
  };
}

export interface PlateLookup {
  plate: string;
  vehicles: (VehicleMatch & { cargo: CargoEntry | null })[];
  watchlist: WatchlistEntryHit[];
}

export function lookupPlate(store: Store, text: string, country: string | null, now: number, maxDistance = 1): PlateLookup {
  const vehicles = store.lookups
    .vehiclesByPlate(text, country, maxDistance)
    .map((v) => ({ ...v, cargo: store.lookups.cargoForVehicle(v.vehicleId, now) }));
  return { plate: compactPlate(text), vehicles, watchlist: store.lookups.watchlistByPlate(text, now, maxDistance) };
}

export interface TokenLookup {
  /** First 12 hex digits of the keyed hash: enough to compare with the central system's records. */
  hashPrefix: string;
  credential: CredentialEntry | null;
  subject: SubjectEntry | null;
  watchlist: WatchlistEntryHit[];
}

/** Looks up an opaque QR token (hashed with the site key; the token is never echoed). */
export function lookupToken(store: Store, token: string, now: number): TokenLookup {
  const value = token.replace(/[\r\n]+$/u, '');
  const hash = store.keyedHash('qr-token', value);
  const credential = store.lookups.credential(hash);
  return {
    hashPrefix: hash.toString('hex').slice(0, 12),
    credential,
    subject: credential === null ? null : store.lookups.subject(credential.subjectId),
    watchlist: store.lookups.watchlistByHash(hash, now),
  };
}

export interface EpcLookup {
  epc: string | null;
  vehicle: VehicleEntry | null;
  cargo: CargoEntry | null;
  watchlist: WatchlistEntryHit[];
}

export function lookupEpc(store: Store, epc: string, now: number): EpcLookup {
  const vehicle = store.lookups.vehicleByEpc(epc);
  return {
    epc: compactTagHex(epc),
    vehicle,
    cargo: vehicle === null ? null : store.lookups.cargoForVehicle(vehicle.vehicleId, now),
    watchlist: store.lookups.watchlistByKey('epc', epc, now),
  };
}

export function passagesLast(store: Store, n: number): JournaledPassage[] {
  return store.journal.last(n);
}

export interface PassageDetail extends JournaledPassage {
  evidence: EvidenceFileStatus[];
}

export function passageDetail(store: Store, id: string): PassageDetail | null {
  const p = store.journal.get(id);
  return p === null ? null : { ...p, evidence: store.evidence.status(p.record.evidenceFiles) };
}
