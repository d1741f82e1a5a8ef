/**
 * Device inputs translated into flow and interlock events: presence sensors and photo beams, barrier
 * positions, emergency inputs, device faults, plates and RFID tags. Each method is one task of the
 * serial queue (the runner posts it); the flow and the interlocks each hear what concerns them.
 */
import type { BarrierPosition, InterlockEvent } from '../interlocks/types.js';
import type { FirstPositionWatch } from './first-position.js';
import type { FlowStepper } from './flow-stepper.js';
import type { Presentation } from './ports.js';
import type { RecentTags } from './recent-tags.js';
import type { RunnerWiring } from './runner-config.js';
import type { RunnerCore } from './runner-core.js';
import type { StepReport } from './step-report.js';

export interface DeviceParts {
  wiring: RunnerWiring;
  flow: FlowStepper;
  firstPosition: FirstPositionWatch;
  /** Tags read while the vehicle lane was idle, replayed into the next read window (recent-tags.ts). */
  recentTags: RecentTags;
  stepInterlock(e: InterlockEvent): StepReport;
}

export class DeviceEvents {
  private readonly emergencyInputs = new Set<string>();
  private entryCount = 0;

  constructor(
    private readonly core: RunnerCore,
    private readonly parts: DeviceParts,
  ) {}

  /** The entry door opens to admit: the entry beam counts persons into the mantrap anew. */
  admitting(): void {
    this.entryCount = 0;
  }

  present(p: Presentation): void {
    const { core, parts } = this;
    const at = core.now();
    const r = core.guard('credentials', () => core.ports.credentials.evidenceOf(p), { ok: false as const, problem: 'credential-adapter-error' });
    core.note('credential', r.ok ? { reader: p.reader, kind: r.credential.kind, valid: r.credential.verification.valid } : { reader: p.reader, problem: r.problem });
    if (parts.wiring.kind === 'vehicle' && parts.flow.state.phase !== 'awaiting-driver') return; // a driver's pass only when asked
    parts.flow.step(r.ok ? { type: 'credential-presented', at, credential: r.credential } : { type: 'credential-presented', at, credential: null, problem: r.problem });
  }

  presence(input: string, active: boolean, at: number): void {
    const { core, parts } = this;
    core.note('presence', { input, active });
    parts.stepInterlock({ type: 'presence', at: core.now(at), input, active });
    const w = parts.wiring;
    if (w.kind === 'people' && input === w.entryBeam) {
      if (active) this.entryCount += 1;
      parts.flow.step({ type: 'entry-beam', at: core.now(at), count: this.entryCount, clear: !active });
    } else if (w.kind === 'people' && input === w.exitBeam) {
      parts.flow.step({ type: 'exit-beam', at: core.now(at), clear: !active });
    } else if (w.kind === 'vehicle' && input === w.loop) {
      parts.flow.step({ type: 'loop', at: core.now(at), occupied: active });
    }
  }

  position(barrier: string, position: BarrierPosition, at: number): void {
    const { core, parts } = this;
    core.note('position', { barrier, position });
    parts.stepInterlock({ type: 'position', at: core.now(at), barrier, position });
    // The people flow counts the entry beam until the entry door is confirmed closed behind the traveller.
    const w = parts.wiring;
    if (w.kind === 'people' && barrier === w.targets['entry-door']) parts.flow.step({ type: 'entry-door', at: core.now(at), closed: position === 'closed' });
    // A flow target first seen open since start (or since its link came back) has no passage of ours behind it.
    const target = parts.firstPosition.foundOpen(barrier, position);
    if (target === null) return;
    core.note('found-open', { barrier, position });
    parts.flow.step({ type: 'found-open', at: core.now(at), target });
  }

  emergency(input: string, active: boolean, at: number): void {
    const { core, parts } = this;
    const before = this.emergencyInputs.size > 0;
    if (active) this.emergencyInputs.add(input);
    else this.emergencyInputs.delete(input);
    core.note('emergency', { input, active });
    parts.stepInterlock({ type: 'emergency', at: core.now(at), input, active });
    const after = this.emergencyInputs.size > 0;
    if (before !== after || active) parts.flow.step({ type: 'emergency', at: core.now(at), active: after });
  }

  deviceFault(device: string, reason: string, opts: { interlock?: boolean }): void {
    const { core, parts } = this;
    core.note('device', { device, state: 'fault', reason: reason.slice(0, 120) });
    parts.firstPosition.rearm(device);
    if (opts.interlock) parts.stepInterlock({ type: 'device-fault', at: core.now(), device, reason });
    if (parts.wiring.neededDevices.includes(device.split(':')[0]!)) parts.flow.step({ type: 'device-fault', at: core.now(), device, reason });
  }

  deviceOk(device: string, opts: { interlock?: boolean }): void {
    const { core, parts } = this;
    core.note('device', { device, state: 'ok' });
    if (opts.interlock) parts.stepInterlock({ type: 'device-ok', at: core.now(), device });
    parts.flow.step({ type: 'device-ok', at: core.now(), device });
  }

  plate(camera: 'front' | 'rear', read: { text: string; country: string; confidence: number }): void {
    const { core, parts } = this;
    core.note('plate', { camera, country: read.country, confidence: Math.round(read.confidence * 1000) / 1000 });
    parts.flow.step({ type: 'plate-read', at: core.now(), camera, plate: read });
  }

  rfid(read: { epc: string; tid: string | null }): void {
    const { core, parts } = this;
    core.note('rfid', { tag: true });
    // Readers report upper-case hex; the decision engine takes lower-case (the store accepts either).
    const rfid = { epc: read.epc.toLowerCase(), tid: read.tid === null ? null : read.tid.toLowerCase() };
    // A tag seen before the loop reports the vehicle is kept for the read window (recent-tags.ts).
    if (parts.wiring.kind === 'vehicle' && parts.flow.state.phase === 'idle') parts.recentTags.add({ at: core.now(), ...rfid });
    parts.flow.step({ type: 'rfid-read', at: core.now(), rfid });
  }
}
