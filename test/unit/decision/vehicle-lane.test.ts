import { describe, expect, it } from 'vitest';
import { EPC, NOW, TEMPLATE_MODEL, run, truck, type Passage } from './builders.js';

const must = <T>(v: T | null | undefined): T => {
  if (v === null || v === undefined) throw new Error('builder part missing');
  return v;
};
const vehicle = (p: Passage) => must(p.evidence.vehicle);

describe('vehicle lane: plate and RFID identify one vehicle', () => {
  it('accepts a fuzzy plate match within the allowed distance when the tag agrees', () => {
    const p = truck();
    must(p.facts.vehicleByPlate).matchDistance = p.policy.maxPlateMatchDistance;
    expect(run(p).outcome).toBe('grant');
  });

  it('calls a registered tag with an unregistered plate a mismatch, not a missing vehicle', () => {
    const p = truck();
    p.facts.vehicleByPlate = null;
    expect(run(p).reasons).toEqual(['PLATE_RFID_MISMATCH']);
    // Cargo belongs to a vehicle: with the identity in doubt it is not evaluated.
    p.facts.cargo = null;
    expect(run(p).reasons).toEqual(['PLATE_RFID_MISMATCH']);
  });

  it('grants an RFID-only lane without a plate, and ignores a doubtful plate read there', () => {
    const p = truck({ requirePlate: false });
    delete vehicle(p).plate;
    expect(run(p).outcome).toBe('grant');
    vehicle(p).plate = { text: '29C12845', country: 'VN', confidence: 0.3 };
    p.facts.vehicleByPlate = null;
    expect(run(p).outcome).toBe('grant');
  });

  it('asks for both identifiers when neither was read, without judging cargo yet', () => {
    const p = truck();
    p.evidence.vehicle = {};
    Object.assign(p.facts, { vehicleByPlate: null, vehicleByEpc: null, cargo: null });
    expect(run(p)).toMatchObject({ outcome: 'refer', missing: ['plate', 'rfid'], reasons: ['PLATE_MISSING', 'RFID_MISSING'] });
  });

  it('denies a vehicle not allowed in the lane direction', () => {
    const p = truck({ direction: 'exit' });
    p.evidence.observedDirection = 'exit';
    must(p.facts.vehicleByPlate).allowedDirections = ['entry'];
    must(p.facts.vehicleByEpc).allowedDirections = ['entry'];
    expect(run(p)).toMatchObject({ outcome: 'deny', reasons: ['DIRECTION_NOT_ALLOWED'] });
  });
});

describe('vehicle lane: cargo', () => {
  it('grants a lab-test cargo class once the test passed', () => {
    const p = truck();
    Object.assign(must(p.facts.cargo), { cargoClass: 'fresh-produce', labTestStatus: 'passed' });
    expect(run(p).outcome).toBe('grant');
  });

  it('treats a required lab test with no record as pending', () => {
    const p = truck();
    Object.assign(must(p.facts.cargo), { labTestRequired: true, labTestStatus: null });
    expect(run(p).reasons).toEqual(['LAB_TEST_PENDING']);
  });

  it('evaluates a clearance on file even where the lane does not require one', () => {
    const p = truck({ requireCargoClearance: false });
    must(p.facts.cargo).status = 'hold';
    expect(run(p).reasons).toEqual(['CARGO_ON_HOLD']);
    p.facts.cargo = null;
    expect(run(p).outcome).toBe('grant');
  });
});

describe('vehicle lane: driver and occupancy', () => {
  const driverFacts = (p: Passage) => {
    p.facts.credential = { status: 'active', subjectId: 'drv-1', validFrom: null, validUntil: null };
    p.facts.subject = {
      subjectId: 'drv-1',
      category: 'driver',
      validFrom: null,
      validUntil: null,
      allowedDirections: ['entry'],
      enrolledTemplateModelId: TEMPLATE_MODEL,
    };
  };
  const driverCredential = (p: Passage) => {
    p.evidence.credential = {
      kind: 'border-pass',
      idHash: 'be'.repeat(32),
      verification: { valid: true },
      validFrom: null,
      validUntil: NOW + 1000,
      nationality: 'CHN',
      issuingState: 'CHN',
    };
  };

  it('grants with a configured driver credential and asks for the driver face when required', () => {
    const p = truck({ requireCredential: true, requireFace: true });
    driverCredential(p);
    driverFacts(p);
    expect(run(p)).toMatchObject({ outcome: 'refer', missing: ['face'], reasons: ['FACE_MISSING'] });
    p.evidence.face = {
      matchScore: 0.9,
      modelId: TEMPLATE_MODEL,
      quality: 0.8,
      presentationAttackScore: 0,
      presentationAttackReasons: [],
      faceCount: 2, // driver and passenger in the cab: not tailgating on a vehicle lane
    };
    expect(run(p).outcome).toBe('grant');
  });

  it('judges a driver credential that was presented even where none is required', () => {
    const p = truck();
    driverCredential(p);
    driverFacts(p);
    must(p.facts.credential).status = 'revoked';
    expect(run(p)).toMatchObject({ outcome: 'deny', reasons: ['CREDENTIAL_REVOKED'] });
  });

  it('raises tailgating when two vehicles are counted in the lane', () => {
    const p = truck();
    must(p.evidence.occupancy).vehicleCount = 2;
    expect(run(p)).toMatchObject({ outcome: 'alarm', reasons: ['TAILGATING'] });
  });

  it('rejects a malformed EPC with a field path instead of looking it up', () => {
    const p = truck();
    must(vehicle(p).rfid).epc = EPC.toUpperCase();
    expect(run(p)).toMatchObject({ outcome: 'refer', reasons: ['EVIDENCE_OUT_OF_RANGE'], details: ['vehicle.rfid.epc'] });
  });
});
