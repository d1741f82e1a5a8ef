import fc from 'fast-check';

/**
 * Rows for the signed-list campaigns (mqtt-lists.fuzz.test.ts): a valid row of each list, then 0-2
 * field edits (a field dropped, set to an odd value, or an unknown field added). Starting from valid
 * rows is what lets a correctly signed message get past the row parser into the store's transaction;
 * the edits make the parser refuse a share of them, each with a reason. Keys come from a small pool,
 * so upserts mostly update and the store's tables and in-memory indexes stay bounded over 100,000 cases.
 */

export const LIST_NAMES = ['subjects', 'credentials', 'face-templates', 'vehicles', 'cargo', 'watchlist'] as const;
export type FuzzListName = (typeof LIST_NAMES)[number];

const KEYS = ['k-1', 'k-2', 'k-3', 'k-4', 'k-5', 'k-6', 'k-7', 'k-8'];
const HASH = 'ab'.repeat(32);
const VECTOR = [0.12, -0.4, 0.33, 0.8];

type Row = Record<string, unknown>;

/** One valid row of `list` keyed by `key`; `variant` picks among the shapes a list accepts. */
function validRow(list: FuzzListName, key: string, variant: number): Row {
  switch (list) {
    case 'subjects':
      return { subjectId: key, category: 'resident', nationality: 'VNM', validFrom: 1_700_000_000_000, validUntil: 1_900_000_000_000, allowedDirections: ['entry', 'exit'] };
    case 'credentials':
      return variant % 2 === 0
        ? { kind: 'qr-token', value: `tok-${key}`, subjectId: 'sub-1', status: 'active', singleUse: variant % 4 === 0 }
        : { kind: 'travel-document', hash: HASH, subjectId: 'sub-2', validUntil: 1_900_000_000_000 };
    case 'face-templates':
      return { templateId: key, subjectId: 'sub-1', modelId: 'arcface-r100', vector: VECTOR, quality: 0.9, enrolledAt: 1_700_000_000_000 };
    case 'vehicles':
      return { vehicleId: key, plate: '29A-123.45', plateCountry: 'VN', vehicleClass: 'truck', companyId: 'co-1', epc: 'E28011606000020', allowedDirections: ['entry'] };
    case 'cargo':
      return { declarationId: key, vehicleId: 'veh-1', status: 'cleared', cargoClass: 'general', labTestRequired: variant % 2 === 0, labTestStatus: 'passed' };
    case 'watchlist':
      switch (variant % 3) {
        case 0:
          return { entryId: key, listId: 'wl-1', kind: 'plate', key: '30B67890', action: 'deny' };
        case 1:
          return { entryId: key, listId: 'wl-1', kind: 'document', value: 'C1234567', action: 'refer', validFrom: 1_700_000_000_000 };
        default:
          return { entryId: key, listId: 'wl-2', kind: 'face', modelId: 'arcface-r100', vector: VECTOR, action: 'alert' };
      }
  }
}

/** The values parsers branch on: wrong types, empty, out of range, oversized, beyond 2^53 (finite: JSON has no infinities to sign). */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, '', ' ', 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, true, false, [], {}, 'entry', ['entry', 'sideways'], [0, 0, 0], ['1', 2], 'ZZZZ', 'vn', '<<<'),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 120, maxLength: 300 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Edit = (row: Row) => Row;

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.nat().map((at): Edit => (row) => {
    const keys = Object.keys(row);
    const out = { ...row };
    delete out[keys[at % keys.length]!];
    return out;
  }),
  fc.tuple(fc.nat(), oddValue).map(([at, value]): Edit => (row) => {
    const keys = Object.keys(row);
    return { ...row, [keys[at % keys.length]!]: value };
  }),
  fc.tuple(fc.constantFrom('x', 'id', 'Plate', '__proto__', 'hash', 'value', 'key', 'vector'), oddValue).map(([name, value]): Edit => (row) => {
    const out = { ...row };
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    return out;
  }),
);

/** A row for `list`: valid three times in four, otherwise one or two edits away from valid. */
export function listRow(list: FuzzListName): fc.Arbitrary<Row> {
  return fc
    .tuple(fc.constantFrom(...KEYS), fc.nat(11), fc.oneof({ weight: 3, arbitrary: fc.constant([] as Edit[]) }, { weight: 1, arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }) }))
    .map(([key, variant, edits]) => edits.reduce((row, e) => e(row), validRow(list, key, variant)));
}

/** A delete entry for `list`: a pooled key (credentials: kind + value), or an odd value. */
export function listDelete(list: FuzzListName): fc.Arbitrary<unknown> {
  const valid = list === 'credentials' ? fc.constantFrom(...KEYS).map((k) => ({ kind: 'qr-token', value: `tok-${k}` })) : fc.constantFrom(...KEYS);
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: oddValue });
}
