import { describe, expect, it } from 'vitest';
import type { VehicleFlowEvent } from '../../../../src/lane/flow-types.js';
import { initialVehicleState, stepVehicle } from '../../../../src/lane/vehicle/index.js';
import { CONFIG, DRIVER, EPC, PLATE, VehicleLane, facts, of, vehicle } from './fixtures.js';

describe('vehicle lane: grant', () => {
  it('loop, plate + tag, lookup, journal, and only then the barrier; it closes when the loop clears', () => {
    const lane = new VehicleLane();
    const start = lane.send({ type: 'loop', occupied: true });
    expect(of(start, 'open-read-window')).toEqual([{ type: 'open-read-window', passage: 'v1', ms: CONFIG.timeouts.readWindowMs }]);
    lane.send({ type: 'plate-read', camera: 'front', plate: PLATE });
    const read = lane.send({ type: 'rfid-read', rfid: { epc: EPC, tid: null } });
    expect(of(read, 'close-read-window')).toHaveLength(1);
    expect(of(read, 'lookup-vehicle')[0]).toMatchObject({ passage: 'v1', vehicle: { plate: PLATE, rfid: { epc: EPC } } });
    const d = lane.send({ type: 'facts', passage: 'v1', facts: facts() });
    expect(of(d, 'journal')[0]?.record).toMatchObject({ kind: 'vehicle', outcome: 'grant', evidence: { plateFront: { text: '29A12345' }, epc: EPC } });
    expect(of(d, 'actuate')).toEqual([]);
    const j = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([{ type: 'actuate', passage: 'v1', target: 'barrier', action: 'open', purpose: 'grant' }]);
    expect(of(j, 'display')[0]?.screen).toBe('vehicle-proceed');
    const out = lane.send({ type: 'loop', occupied: false });
    expect(of(out, 'actuate')).toEqual([{ type: 'actuate', passage: 'v1', target: 'barrier', action: 'close', purpose: 'close-after' }]);
    expect(lane.state.phase).toBe('idle');
  });

  it('one OCR confusion in the plate is accepted when the store matched it within the policy distance', () => {
    const lane = new VehicleLane();
    lane.arrive();
    const d = lane.send({ type: 'facts', passage: 'v1', facts: facts({ vehicleByPlate: vehicle({ matchDistance: 1 }) }) });
    expect(of(d, 'journal')[0]?.record.outcome).toBe('grant');
  });

  it('keeps the most confident read per camera and waits for the rear plate when configured', () => {
    const lane = new VehicleLane({ ...CONFIG, rearCamera: true });
    lane.send({ type: 'loop', occupied: true });
    lane.send({ type: 'plate-read', camera: 'front', plate: { ...PLATE, confidence: 0.5 } });
    lane.send({ type: 'plate-read', camera: 'front', plate: PLATE });
    const r = lane.send({ type: 'rfid-read', rfid: { epc: EPC, tid: null } });
    expect(of(r, 'lookup-vehicle')).toEqual([]); // rear not read yet
    const rear = lane.send({ type: 'plate-read', camera: 'rear', plate: { ...PLATE, confidence: 0.9 } });
    expect(of(rear, 'lookup-vehicle')[0]?.vehicle.plate).toEqual(PLATE);
  });
});

describe('vehicle lane: refer and deny', () => {
  it('plate and tag naming different vehicles: refer, reason hidden on screen, barrier shut', () => {
    const lane = new VehicleLane();
    lane.arrive();
    const d = lane.send({ type: 'facts', passage: 'v1', facts: facts({ vehicleByEpc: vehicle({ vehicleId: 'veh-2' }) }) });
    expect(of(d, 'journal')[0]?.record).toMatchObject({ outcome: 'refer', reasons: ['PLATE_RFID_MISMATCH'] });
    const j = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([]);
    expect(of(j, 'display')[0]).toEqual({ type: 'display', screen: 'vehicle-stop' });
    expect(lane.state.phase).toBe('held');
  });

  it('cargo on hold: refer with the reason on the display', () => {
    const lane = new VehicleLane();
    lane.arrive();
    const cargo = { status: 'hold' as const, cargoClass: 'machinery', labTestRequired: false, labTestStatus: null, validFrom: null, validUntil: null };
    lane.send({ type: 'facts', passage: 'v1', facts: facts({ cargo }) });
    const j = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'vehicle-stop', reason: 'cargo-not-cleared' });
  });

  it('a failed lab test denies; the barrier stays shut', () => {
    const lane = new VehicleLane();
    lane.arrive();
    const cargo = { status: 'cleared' as const, cargoClass: 'fresh-produce', labTestRequired: true, labTestStatus: 'failed' as const, validFrom: null, validUntil: null };
    const d = lane.send({ type: 'facts', passage: 'v1', facts: facts({ cargo }) });
    expect(of(d, 'journal')[0]?.record).toMatchObject({ outcome: 'deny', reasons: ['LAB_TEST_FAILED'] });
    expect(of(lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 }), 'actuate')).toEqual([]);
  });

  it('nothing read in the window: the window closes, the lookup runs, the verdict refers (missing plate and tag)', () => {
    const lane = new VehicleLane();
    lane.send({ type: 'loop', occupied: true });
    const t = lane.timeout();
    expect(of(t, 'close-read-window')).toHaveLength(1);
    const d = lane.send({ type: 'facts', passage: 'v1', facts: facts({ vehicleByPlate: null, vehicleByEpc: null }) });
    expect(of(d, 'journal')[0]?.record).toMatchObject({ outcome: 'refer', reasons: ['PLATE_MISSING', 'RFID_MISSING'] });
    const j = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'vehicle-stop', reason: 'plate-unread' });
  });
});

describe('vehicle lane: driver credential', () => {
  const policy = { ...CONFIG.policy, requireCredential: true };
  const withDriver = { credential: { status: 'active' as const, subjectId: 'd1', validFrom: null, validUntil: null }, subject: { subjectId: 'd1', category: 'driver', validFrom: null, validUntil: null, allowedDirections: ['entry' as const], enrolledTemplateModelId: null } };

  it('asks the driver for a pass, looks it up, then grants', () => {
    const lane = new VehicleLane({ ...CONFIG, policy });
    lane.arrive();
    const ask = lane.send({ type: 'facts', passage: 'v1', facts: facts() });
    expect(of(ask, 'display')[0]).toMatchObject({ screen: 'vehicle-stop', reason: 'driver-pass-needed' });
    expect(lane.state.phase).toBe('awaiting-driver');
    const look = lane.send({ type: 'credential-presented', credential: DRIVER });
    expect(of(look, 'lookup-credential')[0]).toMatchObject({ passage: 'v1', credential: DRIVER });
    const d = lane.send({ type: 'facts', passage: 'v1', facts: facts(withDriver) });
    expect(of(d, 'journal')[0]?.record.outcome).toBe('grant');
  });

  it('no pass in time: refer (the policy outcome for a missing factor)', () => {
    const lane = new VehicleLane({ ...CONFIG, policy });
    lane.arrive();
    lane.send({ type: 'facts', passage: 'v1', facts: facts() });
    const t = lane.timeout();
    expect(of(t, 'journal')[0]?.record).toMatchObject({ outcome: 'refer', reasons: ['DRIVER_CREDENTIAL_MISSING'] });
  });
});

describe('vehicle lane: override, durability, timeouts', () => {
  it('an officer override (MQTT) is journaled with the officer id before the barrier opens', () => {
    const lane = new VehicleLane();
    lane.arrive();
    lane.send({ type: 'facts', passage: 'v1', facts: facts({ vehicleByEpc: null }) });
    lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
    const o = lane.send({ type: 'officer-override', officerId: 'officer-3', outcome: 'grant', reason: 'tag damaged, papers checked', source: 'mqtt' });
    expect(of(o, 'journal')[0]?.record).toMatchObject({ outcome: 'grant', officerId: 'officer-3', evidence: { overrideSource: 'mqtt', supersedes: 'j-1' } });
    expect(of(o, 'actuate')).toEqual([]);
    const j = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-2', seq: 2 });
    expect(of(j, 'actuate')[0]).toMatchObject({ target: 'barrier', action: 'open', purpose: 'grant' });
  });

  it('journal-failed: alarm, no barrier movement, lane closed if nobody comes', () => {
    const lane = new VehicleLane();
    lane.arrive();
    lane.send({ type: 'facts', passage: 'v1', facts: facts() });
    const f = lane.send({ type: 'journal-failed', passage: 'v1', error: 'read-only' });
    expect(of(f, 'alarm')[0]).toMatchObject({ kind: 'journal-failed' });
    lane.timeout();
    expect(lane.state.phase).toBe('suspended');
    expect(lane.all.filter((e) => e.type === 'actuate')).toEqual([]);
  });

  it('lookup timeout: STORE_UNAVAILABLE refer + alarm', () => {
    const lane = new VehicleLane();
    lane.arrive();
    const t = lane.timeout();
    expect(of(t, 'journal')[0]?.record).toMatchObject({ outcome: 'refer', alarm: true, reasons: ['STORE_UNAVAILABLE'] });
  });

  it('journal timeout counts as failed', () => {
    const lane = new VehicleLane();
    lane.arrive();
    lane.send({ type: 'facts', passage: 'v1', facts: facts() });
    expect(of(lane.timeout(), 'alarm')[0]).toMatchObject({ kind: 'journal-failed' });
  });

  it('passing timeout: the close is requested anyway (the interlocks hold it while the loop is occupied)', () => {
    const lane = new VehicleLane();
    lane.arrive();
    lane.send({ type: 'facts', passage: 'v1', facts: facts() });
    lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
    expect(of(lane.timeout(), 'actuate')[0]).toMatchObject({ action: 'close', purpose: 'close-after' });
    expect(lane.state.phase).toBe('idle');
  });

  it('held timeout: alarm, passage over; a new passage needs the loop to clear first', () => {
    const lane = new VehicleLane();
    lane.arrive();
    lane.send({ type: 'facts', passage: 'v1', facts: facts({ vehicleByEpc: null }) });
    lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
    const t = lane.timeout();
    expect(of(t, 'alarm')[0]).toMatchObject({ kind: 'officer-not-attended' });
    expect(of(t, 'display')[0]?.screen).toBe('vehicle-stop');
    expect(lane.state.phase).toBe('idle');
    lane.send({ type: 'loop', occupied: false });
    expect(of(lane.send({ type: 'loop', occupied: true }), 'open-read-window')[0]?.passage).toBe('v2');
  });
});

describe('vehicle lane: emergency and bad input', () => {
  it('emergency suspends, reads are ignored, a local reset after the emergency resumes with the waiting vehicle', () => {
    const lane = new VehicleLane();
    lane.send({ type: 'loop', occupied: true });
    const e = lane.send({ type: 'emergency', active: true });
    expect(of(e, 'close-read-window')).toHaveLength(1);
    expect(lane.state.phase).toBe('suspended');
    expect(of(lane.send({ type: 'plate-read', camera: 'front', plate: PLATE }), 'ignored')).toHaveLength(1);
    lane.send({ type: 'emergency', active: false });
    const r = lane.send({ type: 'reset', source: 'local' });
    expect(of(r, 'open-read-window')[0]?.passage).toBe('v2');
  });

  it('malformed events are refused with a reason', () => {
    const state = initialVehicleState();
    const step = stepVehicle(CONFIG, state, { type: 'loop', at: -1, occupied: true } as VehicleFlowEvent);
    expect(step.effects[0]).toMatchObject({ type: 'ignored', reason: expect.stringMatching(/epoch/) });
    const lane = new VehicleLane();
    lane.send({ type: 'loop', occupied: true });
    const bad = lane.send({ type: 'plate-read', camera: 'side' as 'front', plate: PLATE });
    expect(of(bad, 'ignored')[0]?.reason).toMatch(/camera/);
  });
});
