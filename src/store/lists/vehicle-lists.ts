import { CARGO_STATUSES, LAB_TEST_STATUSES } from '../../decision/types.js';
import { normaliseEpcHex } from '../../credentials/identifiers.js';
import { plateQueryKey } from '../../credentials/plates/plate-text.js';
import type { ListDefinition, SqlValue } from './list-definition.js';
import { parseDirections } from './people-lists.js';
import {
  asFields,
  type Fields,
  Issues,
  onlyKeys,
  optBool,
  optEnum,
  optString,
  optTime,
  reqEnum,
  reqString,
  windowOrder,
} from './row-fields.js';

const COUNTRY = /^[A-Z]{2,3}$/;
const HEX = /^[0-9A-F]{4,128}$/;

/** Compact plate text as the plate index and lookups use it (letters, digits, CJK province). */
export function compactPlate(text: string): string {
  return plateQueryKey(text);
}

/** Upper-case hex of an EPC/TID, or null when it is not hex. */
export function compactTagHex(text: string): string | null {
  const hex = normaliseEpcHex(text);
  return HEX.test(hex) ? hex : null;
}

function optTag(o: Fields, key: string, path: string, issues: Issues): string | null {
  const raw = optString(o, key, path, issues, 160);
  if (raw === null) return null;
  const hex = compactTagHex(raw);
  if (hex === null) issues.add(`${path}.${key}`, 'must be 4-128 hex digits');
  return hex;
}

const VEHICLE_KEYS = new Set([
  'vehicleId',
  'plate',
  'plateCountry',
  'epc',
  'tid',
  'vehicleClass',
  'ownerSubjectId',
  'companyId',
  'validFrom',
  'validUntil',
  'allowedDirections',
]);

export const vehiclesList: ListDefinition = {
  list: 'vehicles',
  table: 'vehicles',
  key: 'vehicle_id',
  columns: [
    'vehicle_id',
    'plate',
    'plate_country',
    'epc',
    'tid',
    'vehicle_class',
    'owner_subject_id',
    'company_id',
    'valid_from',
    'valid_until',
    'allowed_directions',
  ],
  parseUpsert(value, path, issues): SqlValue[] {
    const o = asFields(value, path, issues);
    if (o === null) return [];
    onlyKeys(o, VEHICLE_KEYS, path, issues);
    const plate = compactPlate(reqString(o, 'plate', path, issues, 32));
    if (plate.length === 0) issues.add(`${path}.plate`, 'has no plate characters');
    const country = reqString(o, 'plateCountry', path, issues, 3);
    if (!COUNTRY.test(country)) issues.add(`${path}.plateCountry`, 'must be an upper-case ISO 3166 code');
    const from = optTime(o, 'validFrom', path, issues);
    const until = optTime(o, 'validUntil', path, issues);
    windowOrder(from, until, path, issues);
    return [
      reqString(o, 'vehicleId', path, issues),
      plate,
      country,
      optTag(o, 'epc', path, issues),
      optTag(o, 'tid', path, issues),
      reqString(o, 'vehicleClass', path, issues, 64),
      optString(o, 'ownerSubjectId', path, issues),
      optString(o, 'companyId', path, issues),
      from,
      until,
      parseDirections(o, path, issues),
    ];
  },
  parseDelete(value, path, issues): SqlValue {
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) issues.add(path, 'must be a vehicleId string');
    return value as string;
  },
};

const CARGO_KEYS = new Set([
  'declarationId',
  'vehicleId',
  'status',
  'cargoClass',
  'labTestRequired',
  'labTestStatus',
  'validFrom',
  'validUntil',
]);

export const cargoList: ListDefinition = {
  list: 'cargo',
  table: 'cargo_clearances',
  key: 'declaration_id',
  columns: [
    'declaration_id',
    'vehicle_id',
    'status',
    'cargo_class',
    'lab_test_required',
    'lab_test_status',
    'valid_from',
    'valid_until',
  ],
  parseUpsert(value, path, issues): SqlValue[] {
    const o = asFields(value, path, issues);
    if (o === null) return [];
    onlyKeys(o, CARGO_KEYS, path, issues);
    const from = optTime(o, 'validFrom', path, issues);
    const until = optTime(o, 'validUntil', path, issues);
    windowOrder(from, until, path, issues);
    const labTestRequired = optBool(o, 'labTestRequired', path, issues);
    if (labTestRequired === null) issues.add(`${path}.labTestRequired`, 'required true or false');
    return [
      reqString(o, 'declarationId', path, issues),
      reqString(o, 'vehicleId', path, issues),
      reqEnum(o, 'status', CARGO_STATUSES, path, issues),
      reqString(o, 'cargoClass', path, issues, 64),
      labTestRequired === true ? 1 : 0,
      optEnum(o, 'labTestStatus', LAB_TEST_STATUSES, path, issues),
      from,
      until,
    ];
  },
  parseDelete(value, path, issues): SqlValue {
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) issues.add(path, 'must be a declarationId string');
    return value as string;
  },
};
