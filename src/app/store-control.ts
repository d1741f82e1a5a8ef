import type { StoreQueries } from '../control/store-queries.js';
import { cacheStats, lookupEpc, lookupPlate, lookupToken, passageDetail, passagesLast, type Store } from '../store/index.js';
import type { Clock } from '../util/clock.js';

/** The daemon's answer to journal and cache commands, over the running store. */
export function storeQueriesOf(store: Store, clock: Clock): StoreQueries | null {
  // A failed store (disk full, read-only) can still be read: that is when a technician needs it.
  const state = store.health().state;
  if (state === 'stopped' || state === 'starting') return null;
  return {
    verifyJournal: () => store.verifyJournal(),
    passagesLast: (n) => passagesLast(store, n),
    passage: (id) => passageDetail(store, id),
    cacheStats: () => cacheStats(store, clock.now()),
    lookupPlate: (text, maxDistance) => lookupPlate(store, text, null, clock.now(), maxDistance),
    lookupToken: (token) => lookupToken(store, token, clock.now()),
    lookupEpc: (epc) => lookupEpc(store, epc, clock.now()),
  };
}
