import { OUTCOMES, type Direction, type LaneKind, type Outcome } from '../../decision/types.js';
import { PERSONAL_DATA_KEYS } from '../../util/logger.js';
import type { JsonValue } from '../canonical-json.js';
import { StoreInputError } from '../store-failure.js';

/** What the lane hands to Journal.append for one passage. */
export interface PassageInput {
  /** UUIDv7; generated when absent. */
  id?: string;
  kind: LaneKind;
  direction: Direction;
  /** Epoch ms per stage, e.g. { presented, identified, decided }. The store adds recordedAt. */
  stages: Readonly<Record<string, number>>;
  /**
   * What was presented: keyed hashes of identifiers, plate text, scores, model ids. Never document
   * numbers, QR payloads or templates; keys that name personal data are refused.
   */
  evidence: Readonly<Record<string, JsonValue>>;
  outcome: Outcome;
  reasons: readonly string[];
  alarm?: boolean;
  /** Officer who overrode the automatic verdict, if any. */
  officerId?: string | null;
  /** Refs returned by EvidenceStore.save (relative paths in the evidence folder). */
  evidenceFiles?: readonly string[];
  /** More outbox messages committed in the same transaction (e.g. an event/alarm). */
  extraMessages?: readonly { topic: string; payload: JsonValue }[];
}

/** The journaled content: exactly what the hash chain covers. */
export interface PassageRecord {
  id: string;
  lane: string;
  seq: number;
  kind: LaneKind;
  direction: Direction;
  stages: Record<string, number>;
  evidence: Record<string, JsonValue>;
  outcome: Outcome;
  reasons: string[];
  alarm: boolean;
  officerId: string | null;
  evidenceFiles: string[];
  recordedAt: number;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STAGE = /^[a-z][A-Za-z0-9-]{0,31}$/;
const REASON = /^[A-Z][A-Z0-9_]{0,63}$/;
const OFFICER = /^[A-Za-z0-9._@-]{1,64}$/;
const EVIDENCE_REF = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
export const TOPIC = /^[a-z][a-z0-9-]*(\/[A-Za-z0-9._-]+)*$/;
const FORBIDDEN_KEYS = new Set(PERSONAL_DATA_KEYS.map((k) => k.toLowerCase()));

function fail(path: string, message: string): never {
  throw new StoreInputError(`passage ${path}: ${message}`);
}

/** Refuses keys that name personal data anywhere in the evidence tree (the journal is kept for years). */
function checkNoPersonalData(value: unknown, path: string, depth = 0): void {
  if (depth > 8) fail(path, 'nested deeper than 8 levels');
  if (Array.isArray(value)) value.forEach((v, i) => checkNoPersonalData(v, `${path}[${i}]`, depth + 1));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key.toLowerCase())) fail(`${path}.${key}`, 'names personal data; journal hashed identifiers and scores only');
      checkNoPersonalData(v, `${path}.${key}`, depth + 1);
    }
  }
}

/** Checks a PassageInput and returns the parts of the record the lane provides. */
export function checkPassageInput(input: PassageInput): Omit<PassageRecord, 'id' | 'lane' | 'seq' | 'recordedAt'> {
  if (typeof input !== 'object' || input === null) fail('', 'must be an object');
  if (input.id !== undefined && !UUID_V7.test(input.id)) fail('id', 'must be a lowercase UUIDv7');
  if (input.kind !== 'people' && input.kind !== 'vehicle') fail('kind', 'must be people or vehicle');
  if (input.direction !== 'entry' && input.direction !== 'exit') fail('direction', 'must be entry or exit');
  if (!OUTCOMES.includes(input.outcome)) fail('outcome', `must be one of ${OUTCOMES.join(', ')}`);
  if (typeof input.stages !== 'object' || input.stages === null) fail('stages', 'must be an object of epoch ms');
  for (const [stage, at] of Object.entries(input.stages)) {
    if (!STAGE.test(stage)) fail(`stages.${stage}`, 'stage names are camelCase/kebab-case, up to 32 characters');
    if (!Number.isInteger(at) || at < 0) fail(`stages.${stage}`, 'must be epoch milliseconds');
  }
  if (!Array.isArray(input.reasons) || input.reasons.some((r) => typeof r !== 'string' || !REASON.test(r))) {
    fail('reasons', 'must be reason codes like CREDENTIAL_EXPIRED');
  }
  if (input.officerId != null && !OFFICER.test(input.officerId)) fail('officerId', 'must be 1-64 characters of letters, digits and ._@-');
  const files = input.evidenceFiles ?? [];
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string' || !EVIDENCE_REF.test(f) || f.split('/').includes('..'))) {
    fail('evidenceFiles', 'must be relative refs returned by the evidence store');
  }
  if (typeof input.evidence !== 'object' || input.evidence === null || Array.isArray(input.evidence)) fail('evidence', 'must be an object');
  checkNoPersonalData(input.evidence, 'evidence');
  for (const [i, m] of (input.extraMessages ?? []).entries()) {
    if (!TOPIC.test(m.topic)) fail(`extraMessages[${i}].topic`, 'must be a relative topic like event/alarm');
  }
  return {
    kind: input.kind,
    direction: input.direction,
    stages: { ...input.stages },
    evidence: { ...input.evidence },
    outcome: input.outcome,
    reasons: [...input.reasons],
    alarm: input.alarm === true,
    officerId: input.officerId ?? null,
    evidenceFiles: [...files],
  };
}
