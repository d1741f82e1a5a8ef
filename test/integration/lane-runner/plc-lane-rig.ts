/**
 * A vehicle lane runner on a real link to the simulated gate PLC: the BarrierPlcModel behind a real
 * OPC UA server (drivers/sim/plc), the real OpcuaBarrier driver under a DeviceSupervisor, wired into
 * the LaneRunner by the same attachDevices / barrierActuators the daemon uses. Only the store is a
 * small in-memory stand-in (the PLC link is what is under test). The PLC server can be stopped and
 * started again on the same port while the model (the boom and the loop) goes on, as in the chaos
 * run's `plc-restart`. Every lane event goes through the chaos run's own SafetyTracker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { OpcuaBarrier } from '../../../drivers/barrier/opcua-barrier.js';
import { opcuaBarrierConfigSchema } from '../../../drivers/barrier/opcua-barrier.config.js';
import { BarrierPlcModel, type PlcCommand, type PlcPosition } from '../../../drivers/sim/plc/barrier-plc-model.js';
import { BarrierPlcServer, simulatorBarrierNodes } from '../../../drivers/sim/plc/barrier-plc-server.js';
import { DeviceSupervisor, type DeviceStateChange } from '../../../drivers/supervisor.js';
import { SafetyTracker } from '../../../src/chaos/safety-tracker.js';
import type { LaneEvent } from '../../../src/control/lane-control.js';
import { DEFAULT_VEHICLE_POLICY } from '../../../src/decision/index.js';
import type { Facts } from '../../../src/decision/types.js';
import { DEFAULT_VEHICLE_TIMEOUTS } from '../../../src/lane/vehicle/index.js';
import { attachDevices, barrierActuators, type LaneDevice } from '../../../src/lane/runner/device-adapters.js';
import { LaneRunner } from '../../../src/lane/runner/lane-runner.js';
import type { RunnerWiring } from '../../../src/lane/runner/runner-config.js';
import { systemClock } from '../../../src/util/clock.js';
import { freePort } from '../../../src/util/tcp-port.js';

const WIRING: RunnerWiring = {
  kind: 'vehicle',
  targets: { barrier: 'boom' },
  interlock: { barriers: [{ id: 'boom', role: 'vehicle-barrier', presence: ['loop-1'] }] },
  neededDevices: ['boom'],
  loop: 'loop-1',
  timeouts: { ...DEFAULT_VEHICLE_TIMEOUTS, readWindowMs: 2_000, passMs: 60_000 },
  rearCamera: false,
};

const VEHICLE = { vehicleId: 'v1', validFrom: null, validUntil: null, allowedDirections: ['entry' as const], matchDistance: 0 };

function clearedVehicle(): Facts {
  return {
    storeHealthy: true,
    listAgesMs: { credentials: 1_000, subjects: 1_000, watchlist: 1_000, vehicles: 1_000, cargo: 1_000 },
    credential: null,
    subject: null,
    vehicleByPlate: VEHICLE,
    vehicleByEpc: VEHICLE,
    cargo: { status: 'cleared', cargoClass: 'general', labTestRequired: false, labTestStatus: null, validFrom: null, validUntil: null },
    watchlistHits: [],
  };
}

export interface PlcLaneRigOptions {
  /** Boom travel time of the simulated PLC (each way). */
  travelMs?: number;
  /** The PLC faults (and stops the boom) when the heartbeat is not written for this long; 0: not watched. */
  plcHeartbeatTimeoutMs?: number;
}

export class PlcLaneRig {
  readonly model: BarrierPlcModel;
  readonly safety = new SafetyTracker(1_000);
  /** Every lane event, in the runner's order (for failure messages). */
  readonly events: LaneEvent[] = [];
  /** Every command that reached the PLC, with the loop state at that moment. */
  readonly plcCommands: Array<{ command: PlcCommand; accepted: boolean; reason: string | null; loopOccupied: boolean }> = [];
  readonly runner: LaneRunner;
  readonly supervisor: DeviceSupervisor<OpcuaBarrier>;
  private server: BarrierPlcServer | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'lane-plc-restart-'));
  private journaled = 0;

  /** Starts the PLC, the supervised driver and the runner; resolves once the lane is idle with the boom closed. */
  static async start(opts: PlcLaneRigOptions = {}): Promise<PlcLaneRig> {
    const rig = new PlcLaneRig(await freePort(), opts);
    await rig.plcUp();
    await rig.supervisor.start();
    await rig.runner.start();
    await rig.until('the lane idle with the loop clear and the boom closed', () => rig.laneIdle() && rig.lanePosition() === 'closed' && rig.runner.interlockState.presence['loop-1'] === false);
    return rig;
  }

  private constructor(
    private readonly port: number,
    opts: PlcLaneRigOptions,
  ) {
    this.model = new BarrierPlcModel({ clock: systemClock, travelMs: opts.travelMs ?? 400, loops: ['loop-1'], heartbeatTimeoutMs: opts.plcHeartbeatTimeoutMs ?? 0, initial: 'closed' });
    this.model.on('command', (c) => this.plcCommands.push({ command: c.command, accepted: c.accepted, reason: c.reason, loopOccupied: this.model.snapshot().loops['loop-1'] === true }));
    const log = pino({ level: 'silent' });
    const driver = new OpcuaBarrier(
      opcuaBarrierConfigSchema.parse({
        type: 'opcua-barrier',
        name: 'boom',
        role: 'vehicle-barrier',
        endpoint: `opc.tcp://127.0.0.1:${port}`,
        security: { mode: 'None', pkiDir: join(this.dir, 'client-pki') },
        ...simulatorBarrierNodes(['loop-1']),
        publishingIntervalMs: 50,
        heartbeatMs: 200,
        livenessTimeoutMs: 2_000,
      }),
      { clock: systemClock, log },
    );
    this.supervisor = new DeviceSupervisor(driver, { clock: systemClock, log, backoff: { initialMs: 200, maxMs: 800, jitter: 0 } });
    const supervisor = this.supervisor;
    const device: LaneDevice = {
      name: 'boom',
      kind: 'barrier',
      driver,
      health: () => supervisor.health(),
      onState: (listener: (c: DeviceStateChange) => void) => {
        supervisor.on('state', listener);
        return () => void supervisor.off('state', listener);
      },
    };
    this.runner = new LaneRunner({
      wiring: WIRING,
      ports: {
        clock: systemClock,
        log,
        credentials: { evidenceOf: () => ({ ok: false, problem: 'NO_READER' }) },
        facts: { factsFor: () => clearedVehicle() },
        journal: {
          append: () => {
            this.journaled += 1;
            return { passageId: `0190a0b0-0000-7000-8000-${String(this.journaled).padStart(12, '0')}`, seq: this.journaled };
          },
          publish: () => undefined,
        },
        actuators: barrierActuators([device]),
        faces: null,
        display: null,
        policy: () => DEFAULT_VEHICLE_POLICY,
      },
      attach: (inputs) => attachDevices([device], { readers: [], rfidReaders: [], neededDevices: ['boom'] }, inputs),
    });
    this.runner.events.on('event', (e) => {
      this.events.push(e);
      this.safety.apply('vehicle', e);
    });
  }

  async stop(): Promise<void> {
    await this.runner.stop();
    await this.supervisor.stop();
    await this.plcDown();
    this.model.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The PLC's communication stops (the boom and the loop go on in the model). */
  async plcDown(): Promise<void> {
    const s = this.server;
    this.server = null;
    await s?.stop();
  }

  async plcUp(): Promise<void> {
    const server = new BarrierPlcServer({ model: this.model, port: this.port, pkiDir: join(this.dir, 'server-pki') });
    await server.start();
    this.server = server;
  }

  /** The link is reported lost (the supervisor's state), as the lane sees it. */
  async linkDown(): Promise<void> {
    await this.until('the lane to see the PLC link down', () => this.supervisor.health().state !== 'ok');
  }

  async linkUp(): Promise<void> {
    await this.until('the PLC link back', () => this.supervisor.health().state === 'ok', 20_000);
  }

  /** A vehicle drives onto the loop; its plate and tag are read (the lane's reads, no camera here). */
  arrive(): void {
    this.model.setLoop('loop-1', true);
  }

  async readsWhenReading(): Promise<void> {
    await this.until('the read window', () => this.runner.flowState.phase === 'reading');
    this.runner.plate('front', { text: '29A12345', country: 'VN', confidence: 0.95 });
    this.runner.rfid({ epc: 'E2000017221101441890ABCD', tid: null });
  }

  leave(): void {
    this.model.setLoop('loop-1', false);
  }

  plcPosition(): PlcPosition {
    return this.model.snapshot().position;
  }

  lanePosition(): string {
    return this.runner.interlockState.barriers['boom']?.position ?? 'unknown';
  }

  laneIdle(): boolean {
    return this.runner.flowState.phase === 'idle';
  }

  /** Polls `test` every 20 ms; a timeout names what was awaited and shows the lane's recent events. */
  async until(what: string, test: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; PLC ${this.plcPosition()}, lane ${this.runner.flowState.phase}\n${this.trail()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Holds `test` true for `ms`; fails at the first moment it is not. */
  async holds(what: string, test: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (!test()) throw new Error(`${what} stopped holding; PLC ${this.plcPosition()}, lane ${this.runner.flowState.phase}\n${this.trail()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  trail(n = 40): string {
    const t0 = this.events[0]?.at ?? 0;
    return this.events
      .slice(-n)
      .map((e) => `  +${e.at - t0} ${e.type} ${JSON.stringify(e.detail)}`)
      .join('\n');
  }
}
