import { afterEach, describe, expect, it } from 'vitest';
import { PlcLaneRig } from './plc-lane-rig.js';

/**
 * The vehicle lane's boom across a restart of its gate PLC's communication (the chaos run's
 * `plc-restart`: the OPC UA server stops, the boom and the loop go on, a new server comes up on the
 * same port), at the moments that matter. After each, the lane must come back idle with the boom
 * closed, and must never have asked for a close while the loop was occupied (judged by the chaos
 * run's own SafetyTracker on the lane's event stream, and by the PLC's own record of commands).
 */
let rig: PlcLaneRig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

async function started(opts: Parameters<typeof PlcLaneRig.start>[0] = {}): Promise<PlcLaneRig> {
  rig = await PlcLaneRig.start(opts);
  return rig;
}

/** A granted vehicle: onto the loop, plate and tag read; resolves once the PLC moves the boom up. */
async function granted(r: PlcLaneRig): Promise<void> {
  r.arrive();
  await r.readsWhenReading();
  await r.until('the boom opening', () => r.plcPosition() === 'opening' || r.plcPosition() === 'opened');
}

/** The end state every case must reach: idle, boom closed at the PLC, and it stays so. */
async function securedAndSafe(r: PlcLaneRig, within = 10_000): Promise<void> {
  await r.until('the boom closed on an idle lane', () => r.laneIdle() && r.plcPosition() === 'closed' && r.lanePosition() === 'closed', within);
  await r.holds('the boom closed on an idle lane', () => r.laneIdle() && r.plcPosition() === 'closed', 1_000);
  r.safety.finish(Date.now());
  expect(r.safety.violations).toEqual([]);
  expect(r.plcCommands.filter((c) => c.command === 'close' && c.loopOccupied)).toEqual([]);
  expect(r.safety.leftOpen.map((o) => `${o.barrier} open ${o.until - o.from} ms on the idle lane\n${o.trail.join('\n')}`)).toEqual([]);
}

describe('vehicle lane: the boom across a PLC restart', () => {
  it('restart while the boom is opening, vehicle still on the loop: closes once the vehicle has gone, not before', { timeout: 60_000 }, async () => {
    const r = await started();
    await granted(r);
    await r.plcDown();
    await r.linkDown();
    await r.plcUp();
    await r.linkUp();
    // The vehicle is still there: nothing may close on it, however long it stays.
    await r.holds('the boom up while the vehicle is on the loop', () => r.plcPosition() !== 'closing' && r.plcPosition() !== 'closed', 1_500);
    r.leave();
    await securedAndSafe(r);
  });

  it('restart while open with the passage under way; the vehicle leaves during the outage', { timeout: 60_000 }, async () => {
    const r = await started();
    await granted(r);
    await r.until('the boom opened', () => r.plcPosition() === 'opened' && r.lanePosition() === 'opened');
    await r.plcDown();
    await r.linkDown();
    r.leave(); // unseen by the lane: its link is down
    await r.plcUp();
    await r.linkUp();
    await securedAndSafe(r);
  });

  it('restart right after the passage ended: the close was sent, the boom closes during the outage', { timeout: 60_000 }, async () => {
    const r = await started();
    await granted(r);
    await r.until('the boom opened', () => r.plcPosition() === 'opened' && r.lanePosition() === 'opened');
    r.leave();
    await r.until('the boom closing', () => r.plcPosition() === 'closing');
    await r.plcDown();
    await r.linkDown();
    await r.plcUp();
    await r.linkUp();
    await securedAndSafe(r);
  });

  it('the loop clears just as the link drops: the lane\'s close races the server going down', { timeout: 60_000 }, async () => {
    const r = await started();
    await granted(r);
    await r.until('the boom opened', () => r.plcPosition() === 'opened' && r.lanePosition() === 'opened');
    r.leave();
    // The lane hears the loop clear and asks to close while the server is going down: the call may reach
    // the PLC, fail on the link (command-failed, cleared by the new session) or be refused (NOT_CONNECTED).
    await r.until('the lane to hear the loop clear', () => r.runner.interlockState.presence['loop-1'] === false, 5_000);
    await r.plcDown();
    await r.linkDown();
    await r.plcUp();
    await r.linkUp();
    await securedAndSafe(r);
  });

  it('a restart long enough for the PLC to fault on its heartbeat stops the boom halfway; it is closed once the link is back', { timeout: 60_000 }, async () => {
    const r = await started({ plcHeartbeatTimeoutMs: 600, travelMs: 3_000 });
    await granted(r);
    await r.until('the boom opened', () => r.plcPosition() === 'opened' && r.lanePosition() === 'opened', 8_000);
    r.leave();
    await r.until('the boom closing', () => r.plcPosition() === 'closing');
    await r.plcDown();
    await r.until('the PLC to stop the boom on its lost heartbeat', () => r.plcPosition() === 'stopped', 5_000);
    await r.plcUp();
    await r.linkUp();
    await securedAndSafe(r, 15_000);
  });

  it('the chaos case: the vehicle leaves during a restart long enough for the PLC to fault on its heartbeat', { timeout: 60_000 }, async () => {
    const r = await started({ plcHeartbeatTimeoutMs: 600 });
    await granted(r);
    await r.plcDown();
    await r.linkDown();
    r.leave(); // unseen: the lane still believes the vehicle is on the loop
    await r.until('the PLC to fault on its lost heartbeat', () => r.model.snapshot().fault !== 0, 5_000);
    await r.plcUp();
    await r.linkUp();
    await securedAndSafe(r);
    // The link came up with the PLC's fresh loop state: no passage was started for a vehicle that had gone.
    expect(r.events.filter((e) => e.type === 'phase' && e.detail.from === 'suspended' && e.detail.to === 'reading')).toEqual([]);
  });

  it('the PLC refuses the close (lane suspended, boom as it is); the next vehicle drives on while the PLC restarts: never closed on it', { timeout: 60_000 }, async () => {
    const r = await started();
    await granted(r);
    await r.until('the boom opened', () => r.plcPosition() === 'opened' && r.lanePosition() === 'opened');
    r.model.failNextCommands(1);
    r.leave();
    await r.until('the lane suspended on the failed close', () => r.runner.flowState.phase === 'suspended');
    // A refused command is a device fault: the boom stays as it is, whatever else happens, until the PLC is back.
    await r.holds('the boom as it is while the PLC refuses', () => r.plcPosition() === 'opened' && r.runner.flowState.phase === 'suspended', 1_000);
    // A technician restarts the PLC; meanwhile the next vehicle drives onto the loop (unseen by the lane).
    await r.plcDown();
    await r.linkDown();
    r.arrive();
    await r.plcUp();
    await r.linkUp();
    // Back in service with the vehicle on the loop: it is served (its plate and tag read, granted).
    await r.readsWhenReading();
    await r.holds('the boom up over the vehicle', () => r.plcPosition() !== 'closing' && r.plcPosition() !== 'closed', 1_500);
    r.leave();
    await securedAndSafe(r);
    expect(r.plcCommands.filter((c) => c.command === 'close').map((c) => `${c.accepted ? 'ok' : c.reason}${c.loopOccupied ? ' ON THE LOOP' : ''}`)).toEqual(['injected-failure', 'ok']);
  });
});
