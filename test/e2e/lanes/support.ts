import type { LaneRig } from '../../../bench/lane/rig.js';
import type { SeenPassage } from '../../../src/demo/scenario-context.js';

/** What a person at the lane does, step by step, so a test can look at the lane between the steps. */

export interface JournalRow {
  record: SeenPassage & { stages?: Record<string, number>; evidence?: Record<string, unknown> };
}

export async function lastPassages(rig: LaneRig, lane: 'people' | 'vehicle', n = 20): Promise<JournalRow['record'][]> {
  const r = (await rig.lane(lane, 'passages last', { n })) as { passages: JournalRow[] };
  return r.passages.map((p) => p.record).sort((a, b) => a.seq - b.seq);
}

/** Polls the people lane's display until it shows `screen`; returns the whole state. */
export function waitScreen(rig: LaneRig, lane: 'people' | 'vehicle', screens: string[], timeoutMs = 30_000): Promise<{ screen: string; detail?: string }> {
  return rig.ctx.poll(async () => {
    const { state } = await rig.displayState(lane);
    return screens.includes(state.screen) ? state : undefined;
  }, timeoutMs, `the ${lane} display to show ${screens.join(' or ')}`);
}

/**
 * Once the people lane is idle, presents a valid QR code and waits until the flow lets the traveller in
 * (entering, entry door opened). Returns the journal's last seq before the code was shown, so the caller
 * can tell the new passages from the old.
 */
export async function presentValidQr(rig: LaneRig): Promise<number> {
  const c = rig.ctx;
  await c.waitPhase('people', ['idle'], 60_000);
  const before = await c.lastSeq('people');
  await c.demo('present-qr', { credential: 'valid' });
  await c.poll(async () => {
    const f = await c.flow('people');
    return f.phase === 'entering' && f.barriers['entry-door'] === 'opened' ? true : undefined;
  }, 30_000, 'the entry door to open');
  return before;
}

/**
 * One traveller through the mantrap with a valid QR code: present, walk in once the entry door is
 * open, walk out once the exit door is open. Checks the display on the way. Returns the passage.
 */
export async function peopleGrant(rig: LaneRig, opts: { checkDisplay?: boolean; waitCentral?: boolean } = {}): Promise<SeenPassage> {
  const c = rig.ctx;
  const before = await presentValidQr(rig);
  if (opts.checkDisplay) await waitScreen(rig, 'people', ['enter']);
  await c.walk('people', 'entry-beam', 1);
  const passage = await c.waitPassage('people', before);
  if (passage.outcome !== 'grant') return passage;
  await c.poll(async () => {
    const f = await c.flow('people');
    return f.phase === 'exiting' && f.barriers['exit-door'] === 'opened' ? true : undefined;
  }, 30_000, 'the exit door to open');
  if (opts.checkDisplay) await waitScreen(rig, 'people', ['proceed']);
  await c.walk('people', 'exit-beam', 1);
  await c.waitPhase('people', ['idle'], 30_000);
  return passage;
}

/** A revoked QR code: refused at the reader, nobody enters. */
export async function peopleDenyAtReader(rig: LaneRig): Promise<SeenPassage> {
  const c = rig.ctx;
  await c.waitPhase('people', ['idle'], 60_000);
  const before = await c.lastSeq('people');
  await c.demo('present-qr', { credential: 'revoked' });
  const passage = await c.waitPassage('people', before);
  await c.waitPhase('people', ['idle'], 30_000);
  return passage;
}

export async function plcPosition(rig: LaneRig): Promise<string> {
  return rig.plc.snapshot().position;
}

/**
 * Both mantrap doors at rest and shut (a door still closing after the previous passage is not "moved
 * by this one"). A relay door without limit switches reports `unknown` until its first command.
 */
export function waitDoorsClosed(rig: LaneRig): Promise<true> {
  return rig.ctx.poll(async () => {
    const f = await rig.ctx.flow('people');
    return isShut(f.barriers['entry-door']) && isShut(f.barriers['exit-door']) ? true : undefined;
  }, 30_000, 'both mantrap doors to be closed');
}

export function isShut(position: string | undefined): boolean {
  return position === 'closed' || position === 'unknown';
}

export function isOpenOrOpening(position: string | undefined): boolean {
  return position === 'opened' || position === 'opening';
}

/** Puts a vehicle on the loop: its plate in front of the camera, and its tag (or another's) in the
 * RFID field once the lane's read window is open (see the RFID-before-loop case for why "once"). */
export async function vehicleArrives(rig: LaneRig, plate: string, tag: string): Promise<void> {
  const c = rig.ctx;
  await c.demo('camera-show', { vehicle: plate });
  await c.demo('loop', { occupied: true });
  await c.waitPhase('vehicle', ['reading'], 20_000);
  await c.demo('rfid-field', { vehicle: tag });
}

export async function vehicleLeaves(rig: LaneRig): Promise<void> {
  await rig.ctx.demo('rfid-field', { vehicle: 'none' });
  await rig.ctx.demo('loop', { occupied: false });
  await rig.ctx.demo('camera-show', { vehicle: 'none' });
}
