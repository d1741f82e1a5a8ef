import { afterEach, describe, expect, it } from 'vitest';
import { RunnerLaneControl } from '../../../../src/lane/runner/lane-control-impl.js';
import type { FacePort } from '../../../../src/lane/runner/ports.js';
import { CREDENTIAL, RunnerRig, VEHICLE_WIRING, goodFacts } from './runner-rig.js';

let rigs: RunnerRig[] = [];
afterEach(async () => {
  for (const r of rigs) await r.runner.stop();
  rigs = [];
});

async function peopleLane(opts: ConstructorParameters<typeof RunnerRig>[0] = {}, autoPosition = true): Promise<RunnerRig> {
  const rig = new RunnerRig(opts);
  // Doors report where they are (the exit opens only once the entry door is confirmed closed).
  rig.autoPosition = autoPosition;
  rigs.push(rig);
  await rig.start();
  // Inputs start unknown (= occupied for the interlocks); the sensors report them on connect.
  rig.inputs.presence('entry-beam', false, 0);
  rig.inputs.presence('exit-beam', false, 0);
  await rig.settle();
  return rig;
}

async function walkThrough(rig: RunnerRig): Promise<void> {
  rig.inputs.present({ kind: 'qr', text: 'GOOD-TOKEN-0123456789', reader: 'qr-entry' });
  await rig.settle();
  rig.inputs.presence('entry-beam', true, 0);
  await rig.settle();
  rig.inputs.presence('entry-beam', false, 0);
  await rig.settle();
}

describe('lane runner: people lane', () => {
  it('grants without a face check: journal first, then entry opens, closes behind, exit opens, closes after', async () => {
    const rig = await peopleLane();
    await walkThrough(rig);
    expect(rig.records).toHaveLength(1);
    expect(rig.records[0]).toMatchObject({ kind: 'people', outcome: 'grant', officerId: null });
    expect(rig.runner.flowState.phase).toBe('exiting');
    expect(rig.moves()).toEqual(['move:entry-door:open', 'move:entry-door:close', 'move:exit-door:open']);
    expect(rig.indexOf('journal:grant')).toBeLessThan(rig.indexOf('move:entry-door:open'));
    expect(rig.runner.interlockState.signal).toBe('green');
    expect(rig.redeemed).toEqual([CREDENTIAL.idHash]); // a single-use token is used up once the grant is durable

    rig.inputs.presence('exit-beam', true, 0);
    await rig.settle();
    rig.inputs.presence('exit-beam', false, 0);
    await rig.settle();
    expect(rig.moves().at(-1)).toBe('move:exit-door:close');
    expect(rig.runner.flowState.phase).toBe('idle');
    expect(rig.log.at(-1)).toBe('screen:scan-credential');
  });

  it('catches a tailgater without a face check: counted until the entry door reports closed, alarm, exit stays shut', async () => {
    const rig = await peopleLane({}, false);
    await walkThrough(rig);
    expect(rig.moves()).toEqual(['move:entry-door:open', 'move:entry-door:close']);
    expect(rig.runner.flowState.phase).toBe('closing-entry');
    // A second person slips in while the door closes (the interlocks reopen it: an obstruction).
    rig.inputs.presence('entry-beam', true, 0);
    await rig.settle();
    rig.inputs.position('entry-door', 'closed', 0);
    await rig.settle();
    expect(rig.records.map((r) => r.outcome)).toEqual(['grant', 'alarm']);
    expect(rig.records[1]!.reasons).toContain('TAILGATING');
    expect(rig.log).toContain('alarm:verdict');
    expect(rig.moves()).not.toContain('move:exit-door:open');
    expect(rig.runner.flowState.phase).toBe('held');
  });

  it('opens the exit only once the entry door reports closed', async () => {
    const rig = await peopleLane({}, false);
    await walkThrough(rig);
    expect(rig.moves()).not.toContain('move:exit-door:open');
    rig.inputs.position('entry-door', 'closed', 0);
    await rig.settle();
    expect(rig.moves().at(-1)).toBe('move:exit-door:open');
    expect(rig.runner.flowState.phase).toBe('exiting');
  });

  it('moves nothing when the journal refuses the verdict, and raises journal-failed', async () => {
    const rig = await peopleLane();
    rig.journalFails = true;
    await walkThrough(rig);
    expect(rig.moves()).toEqual([]);
    expect(rig.runner.flowState.phase).toBe('held');
    expect(rig.log).toContain('alarm:journal-failed');
    expect(rig.redeemed).toEqual([]);
  });

  it('never closes a door on a person: the close waits until the beam clears', async () => {
    const rig = await peopleLane();
    await walkThrough(rig);
    // Traveller stands in the exit beam; the exit timer runs out and the flow asks to close.
    rig.inputs.presence('exit-beam', true, 0);
    await rig.settle();
    const before = rig.moves().length;
    await rig.advance(11_000);
    expect(rig.runner.flowState.phase).toBe('idle');
    expect(rig.moves().slice(before)).toEqual([]); // deferred, not issued
    rig.inputs.presence('exit-beam', false, 0);
    await rig.settle();
    expect(rig.moves().slice(before)).toEqual(['move:exit-door:close']);
  });

  it('turns an unreadable code into a try-again screen, no passage', async () => {
    const rig = await peopleLane();
    rig.inputs.present({ kind: 'qr', text: 'short', reader: 'qr-entry' });
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('idle');
    expect(rig.log.at(-1)).toBe('screen:try-again');
    expect(rig.records).toEqual([]);
  });

  it('survives a store adapter that throws: refers (STORE_UNAVAILABLE), journals, alarms, keeps running', async () => {
    const rig = await peopleLane();
    rig.factsThrow = true;
    rig.inputs.present({ kind: 'qr', text: 'GOOD-TOKEN-0123456789', reader: 'qr-entry' });
    await rig.settle();
    expect(rig.log).toContain('alarm:adapter-error');
    expect(rig.records[0]).toMatchObject({ outcome: 'refer', reasons: expect.arrayContaining(['STORE_UNAVAILABLE']) });
    expect(rig.moves()).toEqual([]);
    expect(rig.runner.flowState.phase).toBe('held');
    expect(rig.runner.health().state).toBe('ok');
  });

  it('runs the face check through the face port: capture, 1:1 compare, grant', async () => {
    const calls: string[] = [];
    const faces: FacePort = {
      capture: async (frames) => {
        calls.push(`capture:${frames}`);
        return {
          face: { matchScore: null, modelId: 'face-m1', quality: 0.9, presentationAttackScore: 0.01, presentationAttackReasons: [], faceCount: 1 },
          template: { modelId: 'face-m1', vector: new Float32Array(4) },
        };
      },
      compare: async (subjectId) => {
        calls.push(`compare:${subjectId}`);
        return 0.93;
      },
    };
    const rig = await peopleLane({ policy: { requireFace: true }, faces });
    await walkThrough(rig);
    expect(calls).toEqual(['capture:3', 'compare:s1']);
    expect(rig.records[0]).toMatchObject({ outcome: 'grant', evidence: expect.objectContaining({ face: expect.objectContaining({ matchScore: 0.93 }) }) });
    expect(rig.moves()).toEqual(['move:entry-door:open', 'move:entry-door:close', 'move:exit-door:open']);
  });

  it('a face camera that fails is an alarm; the passage is decided without a face (no grant)', async () => {
    const faces: FacePort = {
      capture: async () => {
        throw new Error('camera face-cam: no frame within 2000 ms');
      },
      compare: async () => null,
    };
    const rig = await peopleLane({ policy: { requireFace: true }, faces });
    await walkThrough(rig);
    await rig.settle();
    expect(rig.log).toContain('alarm:adapter-error');
    expect(rig.records).toHaveLength(1);
    expect(rig.records[0]!.outcome).not.toBe('grant');
    expect(rig.moves()).not.toContain('move:exit-door:open');
  });

  it('officer override of a held passage is journaled with the officer id before the exit opens', async () => {
    const rig = await peopleLane({ facts: () => goodFacts({ watchlistHits: [{ kind: 'person', action: 'refer', listId: 'l1', score: null }] }) });
    await walkThrough(rig);
    expect(rig.runner.flowState.phase).toBe('held');
    const control = new RunnerLaneControl(rig.runner, () => false);
    const r = await control.override('grant', 'checked the passport by hand', { source: 'lanectl', id: 'officer-17' });
    expect(r.accepted).toBe(true);
    await rig.settle();
    const override = rig.records.at(-1)!;
    expect(override).toMatchObject({ outcome: 'grant', officerId: 'officer-17' });
    expect(override.evidence).toMatchObject({ overrideSource: 'lanectl' });
    expect(rig.published.some((p) => p.topic === 'event/lane-action' && (p.payload as { actorId?: string }).actorId === 'officer-17')).toBe(true);
    const journalAt = rig.log.lastIndexOf('journal:grant');
    expect(journalAt).toBeGreaterThan(-1);
    expect(rig.log.slice(journalAt).some((l) => l.startsWith('move:'))).toBe(true);
    expect(rig.log.slice(0, journalAt).filter((l) => l === 'move:exit-door:open')).toEqual([]);
  });

  it('a lost reader suspends the flow (lane closed) and its return resumes it', async () => {
    const rig = await peopleLane();
    rig.inputs.deviceFault('qr-entry', 'ENOENT: serial device not found');
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('suspended');
    expect(rig.log.at(-1)).toBe('screen:lane-closed');
    rig.inputs.deviceOk('qr-entry');
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('idle');
  });

  it('emergency: both doors held open at once, passages refused, reset needs a person', async () => {
    const rig = await peopleLane();
    rig.inputs.emergency('fire', true, 0);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:entry-door:hold-open', 'move:exit-door:hold-open']);
    expect(rig.runner.flowState.phase).toBe('suspended');
    const control = new RunnerLaneControl(rig.runner, () => false);
    const close = await control.command('exit-door', 'close', { source: 'lanectl', id: 'tech-1' });
    expect(close).toMatchObject({ accepted: false, reason: 'emergency' });
    rig.inputs.emergency('fire', false, 0);
    await rig.settle();
    expect((await control.reset({ source: 'mqtt', id: 'central-1' })).accepted).toBe(false);
    expect((await control.reset({ source: 'lanectl', id: 'tech-1' })).accepted).toBe(true);
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('idle');
  });

  it('modes: closed suspends passages, free-pass holds the doors open, normal restores', async () => {
    const rig = await peopleLane();
    const control = new RunnerLaneControl(rig.runner, () => false);
    const actor = { source: 'lanectl' as const, id: 'tech-1' };
    expect((await control.setMode('closed', actor)).accepted).toBe(true);
    expect(control.snapshot()).toMatchObject({ mode: 'closed', phase: 'suspended', suspended: ['mode: closed'], faceCheck: 'off' });
    expect(rig.log.filter((l) => l.startsWith('alarm:'))).toEqual([]); // a mode is an action, not a device fault
    expect((await control.setMode('free-pass', actor)).accepted).toBe(true);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:entry-door:hold-open', 'move:exit-door:hold-open']);
    expect((await control.setMode('normal', actor)).accepted).toBe(true);
    await rig.settle();
    expect(control.snapshot()).toMatchObject({ mode: 'normal', phase: 'idle', suspended: [] });
    expect(rig.moves().slice(2)).toEqual(['move:entry-door:release-hold', 'move:exit-door:release-hold']);
  });

  it('refuses a command for a barrier it does not know and an actor id it cannot journal', async () => {
    const rig = await peopleLane();
    const control = new RunnerLaneControl(rig.runner, () => false);
    expect(await control.command('boom', 'open', { source: 'lanectl', id: 'tech-1' })).toMatchObject({ accepted: false, reason: 'unknown-barrier' });
    expect(await control.command('exit-door', 'open', { source: 'lanectl', id: 'bad id!' })).toMatchObject({ accepted: false, reason: 'bad-actor' });
    expect(control.recentEvents(5).length).toBeGreaterThan(0);
  });
});

describe('lane runner: vehicle lane', () => {
  it('loop -> read window -> plate + tag -> lookup -> journal -> barrier opens -> loop clears -> barrier closes', async () => {
    const rig = new RunnerRig({
      wiring: VEHICLE_WIRING,
      facts: () =>
        goodFacts({
          credential: null,
          subject: null,
          vehicleByPlate: { vehicleId: 'v1', validFrom: null, validUntil: null, allowedDirections: ['entry'], matchDistance: 0 },
          vehicleByEpc: { vehicleId: 'v1', validFrom: null, validUntil: null, allowedDirections: ['entry'], matchDistance: 0 },
          cargo: { status: 'cleared', cargoClass: 'general', labTestRequired: false, labTestStatus: null, validFrom: null, validUntil: null },
        }),
    });
    rigs.push(rig);
    await rig.start();
    rig.inputs.presence('loop-1', false, 0);
    await rig.settle();
    rig.inputs.presence('loop-1', true, 0);
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('reading');
    rig.inputs.plate('front', { text: '29A12345', country: 'VN', confidence: 0.95 });
    rig.inputs.rfid({ epc: 'E2000017221101441890ABCD', tid: null });
    await rig.settle();
    expect(rig.records[0]).toMatchObject({ kind: 'vehicle', reasons: [], outcome: 'grant' });
    expect(rig.moves()).toEqual(['move:boom:open']);
    expect(rig.indexOf('journal:grant')).toBeLessThan(rig.indexOf('move:boom:open'));
    rig.inputs.presence('loop-1', false, 0);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:open', 'move:boom:close']);
    expect(rig.runner.flowState.phase).toBe('idle');
  });

  it('a tag read just before the loop reports the vehicle still counts (the reader reports it only once)', async () => {
    const rig = new RunnerRig({
      wiring: VEHICLE_WIRING,
      facts: (evidence) =>
        goodFacts({
          credential: null,
          subject: null,
          vehicleByPlate: { vehicleId: 'v1', validFrom: null, validUntil: null, allowedDirections: ['entry'], matchDistance: 0 },
          // Only a tag that reached the decision names the vehicle: without it this is RFID_MISSING.
          vehicleByEpc: evidence.vehicle?.rfid ? { vehicleId: 'v1', validFrom: null, validUntil: null, allowedDirections: ['entry'], matchDistance: 0 } : null,
          cargo: { status: 'cleared', cargoClass: 'general', labTestRequired: false, labTestStatus: null, validFrom: null, validUntil: null },
        }),
    });
    rigs.push(rig);
    await rig.start();
    rig.inputs.presence('loop-1', false, 0);
    await rig.settle();
    rig.inputs.rfid({ epc: 'E2000017221101441890ABCD', tid: null });
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('idle');
    rig.inputs.presence('loop-1', true, 0);
    await rig.settle();
    rig.inputs.plate('front', { text: '29A12345', country: 'VN', confidence: 0.95 });
    await rig.settle();
    expect(rig.records[0]).toMatchObject({ kind: 'vehicle', reasons: [], outcome: 'grant' });
    expect(rig.moves()).toEqual(['move:boom:open']);
  });
});
