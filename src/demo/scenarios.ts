import type { CentralEvent } from './demo-central.js';
import type { LaneName } from './orchestrator.js';
import { sleep, type ScenarioContext, type SeenPassage } from './scenario-context.js';
import type { ScenarioName } from './scenario-names.js';

export interface ScenarioResult {
  lane: LaneName;
  /** Every passage the scenario caused, in order (an override adds a second record). */
  passages: SeenPassage[];
  /** The last passage as the central system received it. */
  central: CentralEvent | null;
}

type Scenario = (c: ScenarioContext) => Promise<ScenarioResult>;
const OFFICER = 'demo-officer';

/** Reports one verdict and waits until the central system has it too. */
async function verdict(c: ScenarioContext, lane: LaneName, passage: SeenPassage): Promise<CentralEvent> {
  const reasons = passage.reasons.length > 0 ? ` (${passage.reasons.join(', ')})` : '';
  c.say(`verdict: ${passage.outcome.toUpperCase()}${reasons}${passage.alarm ? ' ALARM' : ''}${passage.officerId ? ` by officer ${passage.officerId}` : ''} — journal seq ${passage.seq}`);
  const central = await c.waitCentral(passage.id);
  c.say(`central system received it over MQTT (${lane} lane event seq ${central.seq})`);
  return central;
}

/**
 * Entry: credential presented; once the entry door is open, `people` walk in. A credential refused
 * at the reader opens nothing: its verdict is the passage. Returns the first passage journaled.
 */
async function mantrap(c: ScenarioContext, present: () => Promise<void>, people: number): Promise<{ before: number; passage: SeenPassage }> {
  await c.waitPhase('people', ['idle'], 60_000);
  const before = await c.lastSeq('people');
  await present();
  const next = await c.poll(async () => {
    const f = await c.flow('people');
    if (f.phase === 'entering' && f.barriers['entry-door'] === 'opened') return 'walk-in' as const;
    if (['showing-result', 'sending-back', 'held'].includes(f.phase) && (await c.lastSeq('people')) > before) return 'refused' as const;
    return undefined;
  }, 30_000, 'the entry door to open (or the lane to refuse the credential)');
  if (next === 'walk-in') {
    c.say(`entry door open; ${people === 1 ? 'the traveller walks in' : `${people} people walk in together`} (entry beam)`);
    await c.walk('people', 'entry-beam', people);
  }
  return { before, passage: await c.waitPassage('people', before) };
}

/** The traveller(s) leave through the exit door once it is open. */
async function leave(c: ScenarioContext, people = 1): Promise<void> {
  await c.poll(async () => {
    const f = await c.flow('people');
    return f.phase === 'exiting' && f.barriers['exit-door'] === 'opened' ? true : undefined;
  }, 30_000, 'the exit door to open');
  c.say(`exit door open; ${people === 1 ? 'the traveller walks' : 'they walk'} out (exit beam)`);
  await c.walk('people', 'exit-beam', people);
  await c.waitPhase('people', ['idle'], 30_000);
}

async function traveller(c: ScenarioContext, present: () => Promise<void>): Promise<ScenarioResult> {
  const { passage } = await mantrap(c, present, 1);
  const central = await verdict(c, 'people', passage);
  if (passage.outcome === 'grant') await leave(c);
  else await sentBack(c);
  return { lane: 'people', passages: [passage], central };
}

/** Refused inside the mantrap: the entry door reopens and the traveller walks back out. */
async function sentBack(c: ScenarioContext): Promise<void> {
  const f = await c.poll(async () => {
    const x = await c.flow('people');
    return ['looking-up', 'journaling'].includes(x.phase) ? undefined : x;
  }, 20_000, 'the lane to act on the verdict');
  if (f.phase === 'held') {
    c.say('the lane holds the traveller for an officer');
    return;
  }
  if (f.phase !== 'sending-back') return; // refused at the reader: nobody went in
  await c.poll(async () => ((await c.flow('people')).barriers['entry-door'] === 'opened' ? true : undefined), 20_000, 'the entry door to reopen');
  c.say('entry door open; the traveller walks back out (entry beam)');
  await c.walk('people', 'entry-beam');
  await c.waitPhase('people', ['idle'], 60_000);
}

/** A vehicle onto the loop with `plate`'s plate in front of the camera and `tag`'s tag in the field. */
async function arrive(c: ScenarioContext, plate: string, tag: string): Promise<{ before: number; passage: SeenPassage }> {
  await c.waitPhase('vehicle', ['idle'], 60_000);
  const before = await c.lastSeq('vehicle');
  const shown = (await c.demo('camera-show', { vehicle: plate })) as { plate: string };
  c.say(`a vehicle with plate ${shown.plate} drives up to the barrier (front camera)`);
  await c.demo('loop', { occupied: true });
  c.say('it stops on the induction loop (PLC)');
  await sleep(300);
  await c.demo('rfid-field', { vehicle: tag });
  c.say(`its windscreen tag answers the RFID reader${tag === plate ? '' : ' (the tag of ANOTHER vehicle)'}`);
  return { before, passage: await c.waitPassage('vehicle', before, 60_000) };
}

async function plcPosition(c: ScenarioContext): Promise<string> {
  return ((await c.demo('plc')) as { position: string }).position;
}

/** Through the open barrier; it closes behind once the loop is clear. */
async function driveThrough(c: ScenarioContext): Promise<void> {
  await c.poll(async () => ((await plcPosition(c)) === 'opened' ? true : undefined), 20_000, 'the barrier to open');
  c.say('barrier open; the vehicle drives through');
  await leaveLoop(c);
  await c.poll(async () => ((await plcPosition(c)) === 'closed' ? true : undefined), 30_000, 'the barrier to close');
  c.say('loop clear: barrier closed behind it');
  await c.waitPhase('vehicle', ['idle'], 30_000);
}

async function leaveLoop(c: ScenarioContext): Promise<void> {
  await c.demo('rfid-field', { vehicle: 'none' });
  await c.demo('loop', { occupied: false });
  await c.demo('camera-show', { vehicle: 'none' });
}

async function vehicle(c: ScenarioContext, plate: string, tag: string): Promise<ScenarioResult> {
  const { passage } = await arrive(c, plate, tag);
  const central = await verdict(c, 'vehicle', passage);
  if (passage.outcome === 'grant') {
    await driveThrough(c);
  } else {
    c.say('barrier stays closed; the display tells the driver to wait for an officer');
    await sleep(2_000);
    c.say('no officer comes in this scenario: the vehicle backs off the loop; the demo lane gives up waiting after 20 s (alarm officer-not-attended)');
    await leaveLoop(c);
    await c.waitPhase('vehicle', ['idle'], 90_000);
  }
  return { lane: 'vehicle', passages: [passage], central };
}

export const SCENARIO_RUNNERS: Record<ScenarioName, Scenario> = {
  'traveller-qr': (c) =>
    traveller(c, async () => {
      c.say('a traveller scans a valid QR code at the entry scanner');
      await c.demo('present-qr', { credential: 'valid' });
    }),
  'traveller-signed-qr': (c) =>
    traveller(c, async () => {
      c.say('a traveller scans a signed QR credential (HC1:, COSE ES256, signed by the demo issuer)');
      await c.demo('present-qr', { credential: 'signed' });
    }),
  'traveller-passport': (c) =>
    traveller(c, async () => {
      c.say('a traveller puts a passport on the entry reader (MRZ)');
      await c.demo('present-passport');
    }),
  'revoked-qr': (c) =>
    traveller(c, async () => {
      c.say('a traveller scans a QR code the central system has revoked');
      await c.demo('present-qr', { credential: 'revoked' });
    }),
  tailgater: async (c) => {
    const { before } = await mantrap(c, async () => {
      c.say('a traveller scans a valid QR code; a second person follows close behind');
      await c.demo('present-qr', { credential: 'valid' });
    }, 2);
    // The entry verdict may already be journaled (no face check): the tailgating decision, if any, comes after.
    await sleep(1_500);
    const passages = await c.passagesSince('people', before);
    const last = passages[passages.length - 1]!;
    for (const p of passages.slice(0, -1)) await verdict(c, 'people', p);
    const central = await verdict(c, 'people', last);
    if (last.outcome === 'grant') {
      c.say('no tailgating alarm: the lane let both through');
      await leave(c, 2);
    } else {
      c.say(`the lane holds them for an officer; the officer sends them back: lanectl override deny --as ${OFFICER}`);
      const r = (await c.lane('people', 'override', { outcome: 'deny', reason: 'tailgating: sent back', as: OFFICER })) as { accepted: boolean; detail?: string };
      if (!r.accepted) c.say(`(override not taken: ${r.detail ?? 'no reason'})`);
      else {
        const back = await c.waitPassage('people', last.seq);
        passages.push(back);
        await verdict(c, 'people', back);
      }
      await c.poll(async () => ((await c.flow('people')).barriers['entry-door'] === 'opened' ? true : undefined), 20_000, 'the entry door to reopen');
      c.say('entry door open; both walk back out (entry beam)');
      await c.walk('people', 'entry-beam', 2);
      await c.waitPhase('people', ['idle'], 60_000);
    }
    return { lane: 'people', passages, central };
  },
  'officer-override': async (c) => {
    const { passage } = await arrive(c, 'onHold', 'onHold');
    await verdict(c, 'vehicle', passage);
    c.say(`an officer inspects the cargo and lets the vehicle go: lanectl override grant --as ${OFFICER} --reason ...`);
    const r = (await c.lane('vehicle', 'override', { outcome: 'grant', reason: 'cargo inspected at the gate', as: OFFICER })) as { accepted: boolean; detail?: string };
    if (!r.accepted) throw new Error(`override refused: ${r.detail ?? 'no reason given'}`);
    const second = await c.waitPassage('vehicle', passage.seq);
    const central = await verdict(c, 'vehicle', second);
    if (second.outcome === 'grant') await driveThrough(c);
    else await leaveLoop(c);
    return { lane: 'vehicle', passages: [passage, second], central };
  },
  vehicle: (c) => vehicle(c, 'cleared', 'cleared'),
  'vehicle-mismatch': (c) => vehicle(c, 'cleared', 'other'),
  'vehicle-on-hold': (c) => vehicle(c, 'onHold', 'onHold'),
  emergency: async (c) => {
    c.say('someone presses the emergency button in the people lane');
    await c.input('people', 'emergency', true);
    const flow = await c.poll(async () => {
      const f = await c.flow('people');
      return f.phase === 'suspended' ? f : undefined;
    }, 20_000, 'the lane to suspend');
    c.say(`lane suspended: ${flow.suspended.join('; ') || 'emergency'}; doors: ${Object.entries(flow.barriers).map(([b, p]) => `${b} ${p}`).join(', ')}`);
    await sleep(1_500);
    c.say('the button is released; the lane stays suspended until someone on site resets it');
    await c.input('people', 'emergency', false);
    await sleep(1_000);
    const r = (await c.lane('people', 'reset', { as: OFFICER })) as { accepted: boolean; detail?: string };
    c.say(`lanectl reset --as ${OFFICER}: ${r.accepted ? 'accepted' : `refused (${r.detail ?? ''})`}`);
    await c.waitPhase('people', ['idle'], 30_000);
    c.say('lane back in service');
    return { lane: 'people', passages: [], central: null };
  },
};
