import type { CacheStats, JournalVerifyReport, JournaledPassage, PassageDetail } from '../store/index.js';

/**
 * What the journal and cache commands of lanectl may ask of the lane's store. The daemon
 * implements it over the open Store (src/app/store-control.ts); commands see only this.
 */
export interface StoreQueries {
  verifyJournal(): JournalVerifyReport;
  passagesLast(n: number): JournaledPassage[];
  passage(id: string): PassageDetail | null;
  cacheStats(): CacheStats;
}
