import type { Evidence, Facts, SubjectFacts, VehicleFacts, WatchlistHit, WatchlistKind } from '../decision/types.js';
import type { CacheLookups, VehicleEntry, WatchlistEntryHit } from './cache-lookups.js';
import type { FaceIndex } from './face/face-index.js';
import { parseHashHex } from './keyed-hash.js';
import type { ListStore } from './lists/list-store.js';
import { StoreUnavailableError } from './store-failure.js';
import type { StoreHealth } from './store-health.js';

export interface FactsOptions {
  /** Epoch ms the facts are for (the lane's clock). */
  now: number;
  /** The lane's face embedding model: picks which enrolled template SubjectFacts names. */
  faceModelId?: string | null;
  /** Live template for the 1:N watchlist face search; omitted: no face search (the cost is in bench). */
  liveFace?: { modelId: string; vector: Float32Array } | null;
  /** Subject found by a 1:N search of enrolled templates, used when no credential was presented. */
  identifiedSubjectId?: string | null;
  /** Largest OCR distance for plate lookups (see Policy.maxPlateMatchDistance). Default 1. */
  maxPlateDistance?: number;
  /** How many watchlist face candidates to report. Default 3. */
  watchlistFaceCandidates?: number;
}

/**
 * Assembles the decision engine's Facts for the presented evidence, from the cache. Every field
 * is filled (null: looked up, nothing on file). When the store itself fails, the answer is facts
 * with storeHealthy false, which the engine turns into a fail-secure refusal.
 */
export class FactsAssembler {
  constructor(
    private readonly health: StoreHealth,
    private readonly lookups: CacheLookups,
    private readonly lists: ListStore,
    private readonly faces: FaceIndex,
  ) {}

  factsFor(evidence: Evidence, opts: FactsOptions): Facts {
    try {
      return this.assemble(evidence, opts);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      return unhealthyFacts(this.health);
    }
  }

  private assemble(evidence: Evidence, opts: FactsOptions): Facts {
    const { now } = opts;
    const hits: WatchlistHit[] = [];
    const addHits = (entries: WatchlistEntryHit[]): void => {
      for (const e of entries) hits.push({ kind: decisionKind(e.kind), action: e.action, listId: e.listId, score: null });
    };

    const idHash = evidence.credential ? parseHashHex(evidence.credential.idHash) : null;
    const credential = idHash === null ? null : this.lookups.credential(idHash);
    if (idHash !== null) addHits(this.lookups.watchlistByHash(idHash, now));

    const subjectId = credential?.subjectId ?? opts.identifiedSubjectId ?? null;
    const subject = subjectId === null ? null : this.subjectFacts(subjectId, opts.faceModelId ?? null);
    if (subjectId !== null) addHits(this.lookups.watchlistByKey('person', subjectId, now));

    const maxPlate = opts.maxPlateDistance ?? 1;
    const plate = evidence.vehicle?.plate ?? null;
    // Only the best match matters here; an exact match (home country first) skips the fuzzy search.
    const byPlate = plate === null ? null : (this.lookups.vehiclesByPlate(plate.text, plate.country, maxPlate, 1)[0] ?? null);
    if (plate !== null) addHits(this.lookups.watchlistByPlate(plate.text, now, maxPlate));
    const epc = evidence.vehicle?.rfid?.epc ?? null;
    const byEpc = epc === null ? null : this.lookups.vehicleByEpc(epc);
    if (epc !== null) addHits(this.lookups.watchlistByKey('epc', epc, now));

    const vehicleIds = new Set([byEpc?.vehicleId, byPlate?.vehicleId].filter((v): v is string => v !== undefined));
    for (const id of vehicleIds) addHits(this.lookups.watchlistByKey('vehicle', id, now));
    const vehicle = byEpc ?? byPlate;
    const cargo = vehicle === null ? null : this.lookups.cargoForVehicle(vehicle.vehicleId, now);

    if (opts.liveFace) {
      const k = opts.watchlistFaceCandidates ?? 3;
      for (const c of this.faces.searchWatchlist(opts.liveFace.modelId, opts.liveFace.vector, now, { k })) {
        hits.push({ kind: 'face', action: c.meta.action, listId: c.meta.listId, score: Math.min(1, Math.max(0, c.score)) });
      }
    }

    return {
      storeHealthy: this.health.ok,
      storeProblem: this.health.failure?.problem ?? null,
      listAgesMs: this.listAges(now),
      credential:
        credential === null
          ? null
          : { status: credential.status, subjectId: credential.subjectId, validFrom: credential.validFrom, validUntil: credential.validUntil },
      subject,
      vehicleByPlate: byPlate === null ? null : vehicleFacts(byPlate, byPlate.distance),
      vehicleByEpc: byEpc === null ? null : vehicleFacts(byEpc, 0),
      cargo:
        cargo === null
          ? null
          : {
              status: cargo.status,
              cargoClass: cargo.cargoClass,
              labTestRequired: cargo.labTestRequired,
              labTestStatus: cargo.labTestStatus,
              validFrom: cargo.validFrom,
              validUntil: cargo.validUntil,
            },
      watchlistHits: hits,
    };
  }

  /** Age of every list received at least once; lists never received are left out (the engine treats them as stale). */
  listAges(now: number): Record<string, number> {
    const ages: Record<string, number> = {};
    for (const v of this.lists.versions()) {
      if (v.updatedAt > 0) ages[v.list] = Math.max(0, now - v.updatedAt);
    }
    return ages;
  }

  private subjectFacts(subjectId: string, faceModelId: string | null): SubjectFacts | null {
    const s = this.lookups.subject(subjectId);
    if (s === null) return null;
    const models = this.lookups.templateModels(subjectId);
    const model = faceModelId !== null && models.includes(faceModelId) ? faceModelId : (models[0] ?? null);
    return {
      subjectId: s.subjectId,
      category: s.category,
      validFrom: s.validFrom,
      validUntil: s.validUntil,
      allowedDirections: s.allowedDirections,
      enrolledTemplateModelId: model,
    };
  }
}

/**
 * The engine's watchlist kinds have no 'token': a token entry matches the presented credential's
 * hash exactly like a document entry does, so it is reported as 'document'.
 */
function decisionKind(kind: WatchlistEntryHit['kind']): WatchlistKind {
  return kind === 'token' ? 'document' : kind;
}

function vehicleFacts(v: VehicleEntry, distance: number): VehicleFacts {
  return {
    vehicleId: v.vehicleId,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    allowedDirections: v.allowedDirections,
    matchDistance: distance,
  };
}

function unhealthyFacts(health: StoreHealth): Facts {
  return {
    storeHealthy: false,
    storeProblem: health.failure?.problem ?? 'unavailable',
    listAgesMs: {},
    credential: null,
    subject: null,
    vehicleByPlate: null,
    vehicleByEpc: null,
    cargo: null,
    watchlistHits: [],
  };
}
