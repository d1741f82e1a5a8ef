import { LANE_IDS, type LaneName } from '../demo/orchestrator.js';
import type { ScenarioName } from '../demo/scenario-names.js';
import type { PassageUse } from './chaos-central.js';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SERIAL_LINKS, sleep, type ChaosRig, type SerialLink } from './chaos-rig.js';
import type { Rng } from './rng.js';

export const FAULT_KINDS = ['kill-daemon', 'broker-restart', 'serial-unplug', 'camera-freeze', 'camera-death', 'plc-restart', 'disk-quota'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  /** Seconds after the load started (a lower bound: faults run one at a time, each waits for the previous to recover). */
  atS: number;
  kind: FaultKind;
  /** The lane it hits (broker restart: both). */
  lanes: LaneName[];
  link?: SerialLink;
}

export interface FaultResult extends PlannedFault {
  injectedAt: number;
  restoredAt: number;
  /** First passage journaled after the restore that reached the central system, per lane. */
  recoveredAt: number | null;
  /** recoveredAt - injectedAt, ms. */
  ttrMs: number | null;
  /** What the recovering passage had to rest on (the part that was broken), if anything in particular. */
  needs: PassageUse | null;
  /** Disk quota: bytes in the evidence folder right after the fill and when recovered. */
  evidenceBytes?: { filled: number; atRecovery: number };
  error?: string;
}

/** Which passage proves the broken part works again, and which scenario makes one. */
function proof(f: PlannedFault): { needs: PassageUse | null; scenario: ScenarioName | null } {
  switch (f.kind) {
    case 'serial-unplug':
      return f.link === 'qr-entry' ? { needs: 'qr', scenario: 'traveller-qr' } : f.link === 'passport' ? { needs: 'document', scenario: 'traveller-passport' } : { needs: 'epc', scenario: 'vehicle' };
    case 'camera-freeze':
    case 'camera-death':
      return { needs: 'plate', scenario: 'vehicle' };
    case 'plc-restart':
      return { needs: null, scenario: 'vehicle' };
    default:
      return { needs: null, scenario: null };
  }
}

/**
 * The fault schedule, from the seed alone (so a run can be replayed): every kind at least once, then
 * random kinds, at random times spread over the run, leaving the last `tailS` seconds for recovery.
 */
export function planFaults(rng: Rng, durationS: number, tailS = 45): PlannedFault[] {
  const count = Math.max(FAULT_KINDS.length, Math.round(durationS / 40));
  const kinds: FaultKind[] = rng.shuffle(FAULT_KINDS);
  while (kinds.length < count) kinds.push(rng.pick(FAULT_KINDS));
  const from = 15;
  const to = Math.max(from + 1, durationS - tailS);
  const times = kinds.map(() => Math.round(rng.between(from, to))).sort((a, b) => a - b);
  return kinds.map((kind, i) => {
    const lane: LaneName = rng.next() < 0.5 ? 'people' : 'vehicle';
    switch (kind) {
      case 'broker-restart':
        return { atS: times[i]!, kind, lanes: ['people', 'vehicle'] };
      case 'serial-unplug': {
        const link = rng.pick(SERIAL_LINKS);
        return { atS: times[i]!, kind, lanes: [link === 'rfid-gate' ? 'vehicle' : 'people'], link };
      }
      case 'camera-freeze':
      case 'camera-death':
      case 'plc-restart':
        return { atS: times[i]!, kind, lanes: ['vehicle'] };
      default:
        return { atS: times[i]!, kind, lanes: [lane] };
    }
  });
}

/**
 * Runs the planned faults one at a time. Recovery of a fault = every lane it hit has journaled a new
 * passage after the part came back, and the central system has received that passage over MQTT: the
 * lane works end to end again. Time to recover is counted from the injection.
 */
export class FaultRunner {
  readonly results: FaultResult[] = [];

  constructor(
    private readonly rig: ChaosRig,
    /** Asks the load for this scenario next on the lane (so the repaired part is used soon). */
    private readonly prefer: (lane: LaneName, scenario: ScenarioName) => void,
    private readonly print: (line: string) => void,
    private readonly recoveryTimeoutMs = 150_000,
  ) {}

  async run(plan: readonly PlannedFault[], loadStartedAt: number, shouldStop: () => boolean): Promise<void> {
    for (const fault of plan) {
      const due = loadStartedAt + fault.atS * 1000;
      while (Date.now() < due && !shouldStop()) await sleep(200);
      if (shouldStop()) return;
      this.results.push(await this.one(fault, loadStartedAt, shouldStop));
    }
  }

  private async one(fault: PlannedFault, t0: number, shouldStop: () => boolean): Promise<FaultResult> {
    const injectedAt = Date.now();
    const what = `${fault.kind}${fault.link ? ` ${fault.link}` : ''} (${fault.lanes.join('+')})`;
    this.print(`  +${Math.round((injectedAt - t0) / 1000)} s  fault: ${what}`);
    let error: string | undefined;
    try {
      await this.inject(fault);
    } catch (err) {
      error = (err as Error).message.slice(0, 200);
      this.print(`    injecting ${what} failed: ${error}`);
    }
    const restoredAt = Date.now();
    const { needs, scenario } = proof(fault);
    if (scenario !== null) for (const lane of fault.lanes) this.prefer(lane, scenario);
    const filled = fault.kind === 'disk-quota' ? dirBytes(this.rig.evidenceDir(fault.lanes[0]!)) : 0;
    const recoveredAt = await this.recovery(fault.lanes, restoredAt, needs, shouldStop);
    const ttrMs = recoveredAt === null ? null : recoveredAt - injectedAt;
    this.print(`    ${recoveredAt === null ? `NOT recovered within ${this.recoveryTimeoutMs / 1000} s` : `recovered in ${(ttrMs! / 1000).toFixed(1)} s`}`);
    const evidence = fault.kind === 'disk-quota' ? { evidenceBytes: { filled, atRecovery: dirBytes(this.rig.evidenceDir(fault.lanes[0]!)) } } : {};
    return { ...fault, injectedAt, restoredAt, recoveredAt, ttrMs, needs, ...evidence, ...(error ? { error } : {}) };
  }

  private async inject(f: PlannedFault): Promise<void> {
    const rig = this.rig;
    switch (f.kind) {
      case 'kill-daemon':
        await rig.killDaemon(f.lanes[0]!, 1_000);
        return;
      case 'broker-restart':
        await rig.brokerDown();
        await sleep(3_000);
        await rig.brokerUp();
        return;
      case 'serial-unplug':
        await rig.unplug(f.link!);
        await sleep(3_000);
        await rig.replug(f.link!);
        return;
      case 'camera-freeze':
        rig.cameraFreeze();
        await sleep(8_000);
        rig.cameraBack();
        return;
      case 'camera-death':
        rig.cameraDeath();
        await sleep(5_000);
        rig.cameraBack();
        return;
      case 'plc-restart':
        await rig.plcDown();
        await sleep(3_000);
        await rig.plcUp();
        return;
      case 'disk-quota':
        // The files stay for the rest of the run: the lane has to live with a full evidence quota.
        rig.fillEvidence(f.lanes[0]!);
        return;
    }
  }

  private async recovery(lanes: readonly LaneName[], restoredAt: number, needs: PassageUse | null, shouldStop: () => boolean): Promise<number | null> {
    const deadline = Date.now() + this.recoveryTimeoutMs;
    for (;;) {
      const times = lanes.map(
        (lane) => (this.rig.central.passages.get(LANE_IDS[lane]) ?? []).find((p) => p.recordedAt >= restoredAt && (needs === null || p.uses.includes(needs)))?.at ?? null,
      );
      if (times.every((t) => t !== null)) return Math.max(...(times as number[]));
      if (Date.now() > deadline || shouldStop()) return null;
      await sleep(250);
    }
  }
}

function dirBytes(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true })
      .map((name) => {
        try {
          const s = statSync(join(dir, String(name)));
          return s.isFile() ? s.size : 0;
        } catch {
          return 0;
        }
      })
      .reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}
