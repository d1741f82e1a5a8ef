import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LaneRig } from '../../../bench/lane/rig.js';
import { LANE_IDS } from '../../../src/demo/orchestrator.js';
import { SCENARIO_RUNNERS } from '../../../src/demo/scenarios.js';
import { ROOT } from '../../helpers/daemon-process.js';
import { trackHandles, type HandleTracker } from '../../helpers/leaks.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { socatMissing } from '../../helpers/pty.js';
import { isOpenOrOpening, lastPassages, peopleDenyAtReader, peopleGrant, plcPosition, presentValidQr, vehicleArrives, vehicleLeaves, waitDoorsClosed, waitScreen } from './support.js';

/**
 * Both lanes end to end, each a separate daemon process (dist/src/main.js), through the real
 * protocols: the QR scanner and the passport reader simulators on socat ptys, the LLRP reader
 * simulator over TCP for the vehicle lane's RFID, the simulated OPC UA PLC for the boom and its loop,
 * the rendered plate pictures replayed as the front camera, a real Mosquitto, and the central
 * simulator (CentralSim) whose event ledger de-duplicates and checks every lane's sequence. Beams and
 * the emergency button are the lanes' fake io inputs, set through the control socket as lanectl does.
 * Assertions read the journal (`passages last`, `journal verify`), the flow snapshot of `status`
 * (doors and phase), the PLC's own state, the display's /state and the central ledger.
 */
const missing = socatMissing() ?? (mosquittoAvailable() ? null : 'mosquitto is not installed (apt-get install mosquitto)');
if (missing) console.warn(`skipping the lane e2e tests: ${missing}`);

const OFFICER = 'e2e-officer-7';

describe.skipIf(missing !== null)('both lanes end to end (daemons, ptys, LLRP, OPC UA, Mosquitto, central)', () => {
  let mosq: Mosquitto;
  let rig: LaneRig;
  let leaks: HandleTracker;

  beforeAll(async () => {
    leaks = trackHandles();
    mosq = await startMosquitto();
    // enterMs short, so the timeout case does not wait the production 10 s.
    rig = new LaneRig({ root: ROOT, brokerUrl: mosq.url, flowExtra: { people: 'timeouts: { enterMs: 4000 }' } });
    await rig.start();
  }, 240_000);

  afterAll(async () => {
    await rig?.stop();
    await mosq?.close();
    // Daemons, simulators, socat, PLC server, central client and broker: nothing left open.
    await leaks?.assertNoneLeft({ settleMs: 10_000 });
  }, 90_000);

  it('grant: a valid QR code opens the entry door, then the exit door; journaled, displayed and received centrally', async () => {
    const passage = await peopleGrant(rig, { checkDisplay: true });
    expect(passage).toMatchObject({ outcome: 'grant', alarm: false, officerId: null });
    const central = await rig.ctx.waitCentral(passage.id);
    expect(central).toMatchObject({ lane: LANE_IDS.people, outcome: 'grant' });
    const f = await rig.ctx.flow('people');
    expect(f.phase).toBe('idle');
  }, 120_000);

  it('grant by passport: the MRZ reader simulator (3M RTE framing on a pty) presents the fictional passport; the demo scenario runs unchanged here', async () => {
    const r = await SCENARIO_RUNNERS['traveller-passport'](rig.ctx);
    expect(r.passages).toHaveLength(1);
    expect(r.passages[0]).toMatchObject({ outcome: 'grant', alarm: false });
    expect(r.central).toMatchObject({ lane: LANE_IDS.people, passageId: r.passages[0]!.id, outcome: 'grant' });
  }, 150_000);

  it('deny: a revoked QR code is refused at the reader; no door moves; the display says denied', async () => {
    const c = rig.ctx;
    await c.waitPhase('people', ['idle'], 60_000);
    await waitDoorsClosed(rig);
    const before = await c.lastSeq('people');
    await c.demo('present-qr', { credential: 'revoked' });
    let moved = false;
    const watch = setInterval(() => {
      void c.flow('people').then((f) => {
        if (isOpenOrOpening(f.barriers['entry-door']) || isOpenOrOpening(f.barriers['exit-door'])) moved = true;
      }, () => undefined);
    }, 150);
    const shown = await waitScreen(rig, 'people', ['denied'], 20_000);
    expect(shown.detail).toBe('credential-not-valid');
    const passage = await c.waitPassage('people', before);
    expect(passage.outcome).toBe('deny');
    await c.waitPhase('people', ['idle'], 30_000);
    clearInterval(watch);
    expect(moved).toBe(false);
    expect(await c.waitCentral(passage.id)).toMatchObject({ outcome: 'deny' });
    await c.waitPhase('people', ['idle'], 30_000);
  }, 120_000);

  it('vehicle grant: plate (replayed frame) + LLRP tag + cleared cargo open the boom on the OPC UA PLC; it closes after the loop clears', async () => {
    const c = rig.ctx;
    await c.waitPhase('vehicle', ['idle'], 60_000);
    const before = await c.lastSeq('vehicle');
    await vehicleArrives(rig, 'cleared', 'cleared');
    const passage = await c.waitPassage('vehicle', before, 60_000);
    expect(passage, JSON.stringify(passage)).toMatchObject({ outcome: 'grant', alarm: false });
    await c.poll(async () => ((await plcPosition(rig)) === 'opened' ? true : undefined), 20_000, 'the PLC boom to open');
    await waitScreen(rig, 'vehicle', ['vehicle-proceed'], 20_000);
    await vehicleLeaves(rig);
    await c.poll(async () => ((await plcPosition(rig)) === 'closed' ? true : undefined), 30_000, 'the PLC boom to close');
    await c.waitPhase('vehicle', ['idle'], 30_000);
    expect(await c.waitCentral(passage.id)).toMatchObject({ lane: LANE_IDS.vehicle, outcome: 'grant' });
  }, 150_000);

  it('refer + officer override: cargo on hold is referred (boom closed, display says stop), then an officer grants it; journaled with the officer id and the boom opens', async () => {
    const c = rig.ctx;
    await c.waitPhase('vehicle', ['idle'], 60_000);
    const before = await c.lastSeq('vehicle');
    await vehicleArrives(rig, 'onHold', 'onHold');
    const refer = await c.waitPassage('vehicle', before, 60_000);
    expect(refer, JSON.stringify(refer)).toMatchObject({ outcome: 'refer', officerId: null });
    expect(refer.reasons.join(','), JSON.stringify(refer)).toMatch(/CARGO/);
    const stop = await waitScreen(rig, 'vehicle', ['vehicle-stop'], 20_000);
    expect(['cargo-not-cleared', 'cargo-inspection'], JSON.stringify(refer)).toContain(stop.detail);
    expect(await plcPosition(rig)).toBe('closed');

    const r = (await rig.lane('vehicle', 'override', { outcome: 'grant', as: OFFICER, reason: 'cargo inspected at the gate' })) as { accepted: boolean; detail?: string };
    expect(r.accepted, r.detail).toBe(true);
    const granted = await c.waitPassage('vehicle', refer.seq);
    expect(granted).toMatchObject({ outcome: 'grant', officerId: OFFICER });
    await c.poll(async () => ((await plcPosition(rig)) === 'opened' ? true : undefined), 20_000, 'the PLC boom to open after the override');
    await vehicleLeaves(rig);
    await c.poll(async () => ((await plcPosition(rig)) === 'closed' ? true : undefined), 30_000, 'the PLC boom to close');
    await c.waitPhase('vehicle', ['idle'], 30_000);
    expect(await c.waitCentral(refer.id)).toMatchObject({ outcome: 'refer' });
    expect(await c.waitCentral(granted.id)).toMatchObject({ outcome: 'grant' });
  }, 150_000);

  it('vehicle: a tag the reader sees just before the loop reports occupied still counts for the passage', async () => {
    // The LLRP reader answers faster than the loop's OPC UA subscription, and the reader reports a tag
    // again only after it left the field for dedupeWindowMs: a tag read before the read window opens
    // must not be lost, or every such truck is referred with RFID_MISSING.
    const c = rig.ctx;
    await c.waitPhase('vehicle', ['idle'], 60_000);
    const before = await c.lastSeq('vehicle');
    await c.demo('camera-show', { vehicle: 'cleared' });
    await c.demo('rfid-field', { vehicle: 'cleared' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await c.demo('loop', { occupied: true });
    try {
      const passage = await c.waitPassage('vehicle', before, 60_000);
      expect(passage.reasons, JSON.stringify(passage)).not.toContain('RFID_MISSING');
      expect(passage.outcome).toBe('grant');
    } finally {
      await vehicleLeaves(rig);
      await c.waitPhase('vehicle', ['idle'], 90_000);
    }
  }, 150_000);

  it('timeout: the traveller never enters: the entry door closes again, the exit never opens, the passage is journaled as the flow decides', async () => {
    const c = rig.ctx;
    await c.waitPhase('people', ['idle'], 60_000);
    const before = await c.lastSeq('people');
    await c.demo('present-qr', { credential: 'valid' });
    await c.poll(async () => ((await c.flow('people')).barriers['entry-door'] === 'opened' ? true : undefined), 30_000, 'the entry door to open');
    let exitOpened = false;
    const passage = await c.poll(async () => {
      const f = await c.flow('people');
      if (isOpenOrOpening(f.barriers['exit-door'])) exitOpened = true;
      const rows = (await lastPassages(rig, 'people', 5)).filter((p) => p.seq > before);
      return rows.length > 0 && f.phase === 'idle' && f.barriers['entry-door'] === 'closed' ? rows[0] : undefined;
    }, 60_000, 'the lane to give up on the traveller and close the entry door');
    expect(exitOpened).toBe(false);
    // With the face check off the verdict is journaled at the reader (stages presented/identified/
    // decided), before anyone enters; the timeout then only closes the door: nobody entered.
    expect(passage.stages?.entered).toBeUndefined();
    expect((await lastPassages(rig, 'people', 5)).filter((p) => p.seq > before)).toHaveLength(1);
    expect((await rig.displayState('people')).state.screen).not.toBe('proceed');
    expect(await c.waitCentral(passage.id)).toMatchObject({ outcome: passage.outcome });
  }, 120_000);

  it('tailgating: two persons through the entry beam on one credential give a TAILGATING alarm (refer), and the exit does not open', async () => {
    const c = rig.ctx;
    const before = await presentValidQr(rig);
    let exitOpened = false;
    await c.walk('people', 'entry-beam', 2);
    // With the face check off the grant is journaled at the reader; the second person counted before the
    // entry door is confirmed closed turns it into a NEW record (TAILGATING) that supersedes the grant.
    const rows = await c
      .poll(async () => {
        if (isOpenOrOpening((await c.flow('people')).barriers['exit-door'])) exitOpened = true;
        const after = (await lastPassages(rig, 'people', 5)).filter((p) => p.seq > before);
        return after.some((p) => p.reasons.includes('TAILGATING')) ? after : undefined;
      }, 30_000, 'a TAILGATING record')
      .catch(async () => (await lastPassages(rig, 'people', 5)).filter((p) => p.seq > before));
    // Whatever the lane did, leave it clean for the next case before asserting.
    const verdict = rows.find((p) => p.reasons.includes('TAILGATING')) ?? rows[0];
    try {
      expect(verdict?.reasons, JSON.stringify(rows)).toContain('TAILGATING');
      expect(verdict!.alarm).toBe(true);
      expect(verdict!.outcome).not.toBe('grant');
      expect(exitOpened).toBe(false);
      const first = rows.find((p) => p.seq === before + 1);
      if (first && first.id !== verdict!.id) expect(verdict!.evidence?.supersedes).toBe(first.id);
    } finally {
      const f = await c.flow('people');
      if (f.phase === 'held') await rig.lane('people', 'override', { outcome: 'deny', as: OFFICER, reason: 'tailgating: sent back' });
      if (f.phase === 'exiting' || (await c.flow('people')).phase === 'exiting') {
        await c.poll(async () => ((await c.flow('people')).barriers['exit-door'] === 'opened' ? true : undefined), 20_000, 'exit door');
        await c.walk('people', 'exit-beam', 2);
      } else {
        await c.poll(async () => ((await c.flow('people')).barriers['entry-door'] === 'opened' ? true : undefined), 30_000, 'the entry door to reopen').catch(() => undefined);
        await c.walk('people', 'entry-beam', 2);
      }
      await c.waitPhase('people', ['idle'], 60_000);
    }
  }, 180_000);

  it('emergency: doors held open, a central (MQTT) set-mode normal does not end it, a local reset does', async () => {
    const c = rig.ctx;
    await c.waitPhase('people', ['idle'], 60_000);
    await c.input('people', 'emergency', true);
    const f = await c.poll(async () => {
      const x = await c.flow('people');
      return x.phase === 'suspended' && x.barriers['exit-door'] === 'opened' ? x : undefined;
    }, 30_000, 'the lane to suspend with the exit door held open');
    expect(f.suspended.join(' ')).toMatch(/emergency/);
    await waitScreen(rig, 'people', ['emergency-exit'], 20_000);
    await c.input('people', 'emergency', false);

    // The central system cannot end an emergency: only a person on site (docs/lanes.md, Suspension).
    // There is no MQTT reset command; the nearest a central system can send is set-mode normal.
    try {
      await rig.central.sim.command(LANE_IDS.people, 'set-mode', { mode: 'normal' }, { timeoutMs: 15_000 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await c.flow('people')).phase).toBe('suspended');
    } catch (err) {
      await rig.lane('people', 'reset', { as: OFFICER }).catch(() => undefined);
      throw err;
    }

    const reset = (await rig.lane('people', 'reset', { as: OFFICER })) as { accepted: boolean; detail?: string };
    expect(reset.accepted, reset.detail).toBe(true);
    await c.waitPhase('people', ['idle'], 30_000);
    try {
      // Back in service, the mantrap must be shut again: an idle lane with its exit door open lets
      // anyone walk in the wrong way.
      await c.poll(async () => ((await c.flow('people')).barriers['exit-door'] === 'closed' ? true : undefined), 20_000, 'the exit door to close after the reset');
    } finally {
      if ((await c.flow('people')).barriers['exit-door'] !== 'closed') {
        await rig.lane('people', 'close', { barrier: 'exit-door', as: OFFICER });
        await c.poll(async () => ((await c.flow('people')).barriers['exit-door'] === 'closed' ? true : undefined), 20_000, 'the exit door to close on lanectl close');
      }
    }
  }, 120_000);

  it('broker down during passages: 3 passages while Mosquitto is stopped reach the central ledger after the restart, once each, in lane order, no gap', async () => {
    const c = rig.ctx;
    await mosq.stop();
    const passages = [await peopleGrant(rig), await peopleDenyAtReader(rig), await peopleGrant(rig)];
    expect(passages.map((p) => p.outcome)).toEqual(['grant', 'deny', 'grant']);
    await mosq.start();
    for (const p of passages) await c.waitCentral(p.id, 90_000);
    const events = rig.central.events.filter((e) => e.lane === LANE_IDS.people && e.type === 'event/passage' && passages.some((p) => p.id === e.passageId));
    // Once each (the demo central de-duplicates by message id; the ledger counts the duplicates it saw).
    expect(events.map((e) => e.passageId)).toEqual(passages.map((p) => p.id));
    // In lane-sequence order: event seqs increase with the journal's order.
    const seqs = events.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const ledger = await c.poll(async () => {
      const rep = rig.central.sim.ledger.report(LANE_IDS.people);
      return rep.missing.length === 0 ? rep : undefined;
    }, 60_000, 'the central ledger to have no gap');
    expect(ledger.seqConflicts).toBe(0);
    expect(ledger.highestSeq).toBeGreaterThanOrEqual(Math.max(...seqs));
    const verify = (await rig.lane('people', 'journal verify')) as { ok: boolean; checked: number };
    expect(verify.ok).toBe(true);
    const vverify = (await rig.lane('vehicle', 'journal verify')) as { ok: boolean };
    expect(vverify.ok).toBe(true);
  }, 240_000);
});
