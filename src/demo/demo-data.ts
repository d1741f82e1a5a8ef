import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { randomPlate, type PlateSpec } from '../vision/scenes/random-plates.js';
import { SeededRandom } from '../vision/scenes/seeded-random.js';
import { demoPassport, type DemoPassport } from './demo-mrz.js';

/**
 * The demo's people and vehicles, made once at first start and kept in <demo>/demo-data.json (0600):
 * fictional subjects, random QR tokens, a fictional passport, random plates and RFID tags. The central
 * simulator publishes them to the lanes as signed list snapshots; the scenarios present them.
 */
export interface DemoVehicle {
  vehicleId: string;
  plate: PlateSpec;
  epc: string;
  declarationId: string;
  cargo: 'cleared' | 'hold';
}

export interface DemoData {
  /** List version of every list (seconds at creation: a re-created demo folder gets a newer one). */
  version: number;
  qr: { valid: string; revoked: string };
  /** Certificate identifier of the demo's signed QR credential (the lane looks signed QRs up by it). */
  signedQr: { ci: string };
  passport: DemoPassport;
  vehicles: { cleared: DemoVehicle; onHold: DemoVehicle; other: DemoVehicle };
}

const SUBJECT_QR = 'demo-traveller-qr';
const SUBJECT_REVOKED = 'demo-traveller-revoked';
const SUBJECT_PASSPORT = 'demo-traveller-passport';
const SUBJECT_SIGNED = 'demo-traveller-signed-qr';

export function loadOrCreateDemoData(file: string, now = new Date()): DemoData {
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoData>;
    if (kept.signedQr !== undefined) return kept as DemoData;
    // Written by an older demo: add what is missing and publish it as a newer list version.
    const upgraded = { ...kept, signedQr: newSignedQr(), version: Math.floor(now.getTime() / 1000) } as DemoData;
    save(file, upgraded);
    return upgraded;
  }
  const rng = new SeededRandom(randomInt(1, 2 ** 31));
  const vehicle = (n: number, cargo: DemoVehicle['cargo']): DemoVehicle => ({
    vehicleId: `demo-veh-${n}`,
    // One-row Vietnamese plates: the reader handles every style, but these need no CJK font installed.
    plate: randomPlate(rng, 'vn-car-long'),
    epc: `E2801160${randomBytes(8).toString('hex').toUpperCase()}`,
    declarationId: `demo-decl-${n}`,
    cargo,
  });
  const docNumber = `D${randomInt(10_000_000, 100_000_000)}`;
  const data: DemoData = {
    version: Math.floor(now.getTime() / 1000),
    qr: { valid: `DEMO-${randomBytes(18).toString('base64url')}`, revoked: `DEMO-${randomBytes(18).toString('base64url')}` },
    signedQr: newSignedQr(),
    passport: demoPassport(docNumber, now),
    vehicles: { cleared: vehicle(1, 'cleared'), onHold: vehicle(2, 'hold'), other: vehicle(3, 'cleared') },
  };
  save(file, data);
  return data;
}

function newSignedQr(): DemoData['signedQr'] {
  return { ci: `URN:UVCI:01:VN:DEMO${randomBytes(6).toString('hex').toUpperCase()}` };
}

function save(file: string, data: DemoData): void {
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Every list the lanes cache, with the demo's rows (row formats: docs/store.md). */
export function demoLists(data: DemoData): Record<string, { version: number; rows: unknown[] }> {
  const v = data.version;
  const subject = (subjectId: string, nationality: string) => ({ subjectId, category: 'visitor', nationality, allowedDirections: ['entry', 'exit'] });
  const vehicles = Object.values(data.vehicles);
  return {
    subjects: {
      version: v,
      rows: [subject(SUBJECT_QR, 'VNM'), subject(SUBJECT_REVOKED, 'VNM'), subject(SUBJECT_PASSPORT, data.passport.nationality), subject(SUBJECT_SIGNED, 'VNM')],
    },
    credentials: {
      version: v,
      rows: [
        { kind: 'qr-token', value: data.qr.valid, subjectId: SUBJECT_QR, status: 'active', singleUse: false },
        { kind: 'qr-token', value: data.qr.revoked, subjectId: SUBJECT_REVOKED, status: 'revoked', singleUse: false },
        { kind: 'travel-document', value: data.passport.documentNumber, subjectId: SUBJECT_PASSPORT, status: 'active' },
        { kind: 'signed-qr', value: data.signedQr.ci, subjectId: SUBJECT_SIGNED, status: 'active' },
      ],
    },
    'face-templates': { version: v, rows: [] },
    vehicles: {
      version: v,
      rows: vehicles.map((x) => ({ vehicleId: x.vehicleId, plate: x.plate.compact, plateCountry: x.plate.country, epc: x.epc, vehicleClass: 'truck', companyId: 'demo-co-1' })),
    },
    cargo: {
      version: v,
      rows: vehicles.map((x) => ({ declarationId: x.declarationId, vehicleId: x.vehicleId, status: x.cargo, cargoClass: 'general', labTestRequired: false })),
    },
    watchlist: { version: v, rows: [] },
  };
}
