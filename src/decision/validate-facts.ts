import {
  isArrayOf,
  isFiniteNumber,
  isNonEmptyString,
  isNonNegative,
  isObject,
  isOneOf,
  isString,
  isTimeOrNull,
  isUnitScore,
} from './guards.js';
import type { Finding } from './reason-effects.js';
import {
  CARGO_STATUSES,
  CREDENTIAL_STATUSES,
  LAB_TEST_STATUSES,
  STORE_PROBLEMS,
  WATCHLIST_ACTIONS,
  WATCHLIST_KINDS,
  type Direction,
} from './types.js';

export interface FactsCheck {
  /** STORE_UNAVAILABLE or FACTS_INVALID findings. */
  findings: Finding[];
  /** True when the cache answered and its answer is well-formed. */
  usable: boolean;
}

type Report = (path: string) => void;

const isDirection = (v: unknown): v is Direction => v === 'entry' || v === 'exit';

function checkWindow(o: Record<string, unknown>, path: string, bad: Report): void {
  const { validFrom, validUntil } = o;
  if (!isTimeOrNull(validFrom) || !isTimeOrNull(validUntil)) return bad(`${path}.validity`);
  if (validFrom !== null && validUntil !== null && validFrom >= validUntil) bad(`${path}.validity`);
}

function checkVehicle(v: unknown, path: string, bad: Report): void {
  if (v === null) return;
  if (!isObject(v)) return bad(path);
  if (!isNonEmptyString(v.vehicleId)) bad(`${path}.vehicleId`);
  checkWindow(v, path, bad);
  if (!isArrayOf(v.allowedDirections, isDirection)) bad(`${path}.allowedDirections`);
  if (!isNonNegative(v.matchDistance)) bad(`${path}.matchDistance`);
}

function checkRecords(f: Record<string, unknown>, bad: Report): void {
  const { credential, subject, cargo } = f;
  if (credential !== null) {
    if (!isObject(credential)) bad('facts.credential');
    else {
      if (!isOneOf(CREDENTIAL_STATUSES, credential.status)) bad('facts.credential.status');
      if (!isNonEmptyString(credential.subjectId)) bad('facts.credential.subjectId');
      checkWindow(credential, 'facts.credential', bad);
    }
  }
  if (subject !== null) {
    if (!isObject(subject)) bad('facts.subject');
    else {
      if (!isNonEmptyString(subject.subjectId)) bad('facts.subject.subjectId');
      if (!isString(subject.category)) bad('facts.subject.category');
      checkWindow(subject, 'facts.subject', bad);
      if (!isArrayOf(subject.allowedDirections, isDirection)) bad('facts.subject.allowedDirections');
      const model = subject.enrolledTemplateModelId;
      if (!(model === null || isNonEmptyString(model))) bad('facts.subject.enrolledTemplateModelId');
      // The store looked the subject up through the credential: a different id means a broken join.
      if (isObject(credential) && credential.subjectId !== subject.subjectId) bad('facts.subject.subjectId');
    }
  }
  checkVehicle(f.vehicleByPlate, 'facts.vehicleByPlate', bad);
  checkVehicle(f.vehicleByEpc, 'facts.vehicleByEpc', bad);
  if (cargo !== null) {
    if (!isObject(cargo)) bad('facts.cargo');
    else {
      if (!isOneOf(CARGO_STATUSES, cargo.status)) bad('facts.cargo.status');
      if (!isString(cargo.cargoClass)) bad('facts.cargo.cargoClass');
      if (typeof cargo.labTestRequired !== 'boolean') bad('facts.cargo.labTestRequired');
      if (!(cargo.labTestStatus === null || isOneOf(LAB_TEST_STATUSES, cargo.labTestStatus))) bad('facts.cargo.labTestStatus');
      checkWindow(cargo, 'facts.cargo', bad);
    }
  }
}

function checkWatchlistHits(hits: unknown, bad: Report): void {
  if (!Array.isArray(hits)) return bad('facts.watchlistHits');
  hits.forEach((h: unknown, i) => {
    const ok =
      isObject(h) &&
      isOneOf(WATCHLIST_KINDS, h.kind) &&
      isOneOf(WATCHLIST_ACTIONS, h.action) &&
      isNonEmptyString(h.listId, 128) &&
      (h.score === null || isUnitScore(h.score));
    if (!ok) bad(`facts.watchlistHits.${i}`);
  });
}

function checkListAges(ages: unknown, bad: Report): void {
  if (!isObject(ages)) return bad('facts.listAgesMs');
  for (const [name, age] of Object.entries(ages)) {
    // +Infinity means "never received" and is legitimate; NaN or a negative age is a broken clock or row.
    const ok = age === Number.POSITIVE_INFINITY || (isFiniteNumber(age) && age >= 0);
    if (!ok) bad(`facts.listAgesMs.${name}`);
  }
}

/** Store health first (fail secure), then the shape of everything the store assembled. */
export function validateFacts(facts: unknown): FactsCheck {
  if (!isObject(facts)) return { findings: [{ code: 'FACTS_INVALID', detail: 'facts' }], usable: false };
  if (facts.storeHealthy === false) {
    const problem = isOneOf(STORE_PROBLEMS, facts.storeProblem) ? facts.storeProblem : 'unavailable';
    return { findings: [{ code: 'STORE_UNAVAILABLE', detail: `store:${problem}` }], usable: false };
  }
  const findings: Finding[] = [];
  const bad: Report = (path) => findings.push({ code: 'FACTS_INVALID', detail: path });
  if (facts.storeHealthy !== true) bad('facts.storeHealthy');
  checkListAges(facts.listAgesMs, bad);
  checkRecords(facts, bad);
  checkWatchlistHits(facts.watchlistHits, bad);
  return { findings, usable: findings.length === 0 };
}
