import type { CacheStats, EpcLookup, JournalVerifyReport, JournaledPassage, PassageDetail, PlateLookup, TokenLookup } from '../store/index.js';

/**
 * What the journal and cache commands of lanectl may ask of the lane's store. The daemon
 * implements it over the open Store (src/app/store-control.ts); commands see only this.
 */
export interface StoreQueries {
  verifyJournal(): JournalVerifyReport;
  passagesLast(n: number): JournaledPassage[];
  passage(id: string): PassageDetail | null;
  cacheStats(): CacheStats;
  /** Vehicles (and plate watchlist entries) matching an OCR reading, fuzzy up to maxDistance. */
  lookupPlate(text: string, maxDistance: number): PlateLookup;
  /** An opaque QR token, hashed with the site key; the result never holds the token. Read-only: nothing is consumed. */
  lookupToken(token: string): TokenLookup;
  lookupEpc(epc: string): EpcLookup;
}
