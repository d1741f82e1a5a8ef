/**
 * Public surface of the store. The lane, the MQTT link and the control socket use these; the
 * files behind them are free to change.
 */
export { Store, type StoreOptions, type StoreEvents } from './store.js';
export { keyedHash, bindKeyedHash, parseHashHex, KEYED_HASH_BYTES, SITE_KEY_MIN_BYTES, type BoundKeyedHash } from './keyed-hash.js';
export { canonicalJson, type JsonValue } from './canonical-json.js';
export { StoreUnavailableError, StoreInputError, classifyStorageError, type StoreFailure } from './store-failure.js';
export type { PassageInput, PassageRecord } from './journal/passage-input.js';
export type { AppendResult, JournaledPassage } from './journal/journal.js';
export type { GroupCommitOptions } from './journal/group-commit.js';
export type { JournalVerifyReport, JournalProblem, JournalProblemKind } from './journal/journal-verify.js';
export type { OutboxMessage, OutboxStats } from './outbox.js';
export type { DeltaOutcome, SnapshotOutcome, ListVersion, ListChange } from './lists/list-store.js';
export { LIST_NAMES, type ListName } from './lists/list-codes.js';
export type { FactsOptions } from './facts.js';
export type { CredentialEntry, SubjectEntry, VehicleEntry, VehicleMatch, CargoEntry, WatchlistEntryHit } from './cache-lookups.js';
export type { FaceCandidate, FaceSearchOptions } from './face/face-gallery.js';
export type { EnrolledMeta, WatchlistFaceMeta, FaceGalleryStats } from './face/face-index.js';
export type { SavedEvidence, EvidenceFileInput, EvidenceSweep, EvidenceStats, EvidenceFileStatus } from './evidence.js';
export type { RedeemOutcome } from './token-redemption.js';
export { cacheStats, lookupPlate, lookupToken, lookupEpc, passagesLast, passageDetail } from './store-queries.js';
export type { CacheStats, PlateLookup, TokenLookup, EpcLookup, PassageDetail } from './store-queries.js';
