import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from '../control/client.js';
import { CommandError } from '../control/protocol.js';
import { systemClock } from '../util/clock.js';
import { BarrierPlcModel } from '../../drivers/sim/plc/barrier-plc-model.js';
import { BarrierPlcServer } from '../../drivers/sim/plc/barrier-plc-server.js';
import { laneDaemonChild } from '../demo/lane-daemon-child.js';
import { ManagedChild } from '../demo/child-process.js';
import { renderDemoConfigs } from '../demo/demo-configs.js';
import { demoLists, loadOrCreateDemoData, type DemoData } from '../demo/demo-data.js';
import { ensureDemoKeys, writeLaneSecrets, type DemoKeys } from '../demo/demo-keys.js';
import { demoPaths, type DemoPaths } from '../demo/demo-paths.js';
import { DemoSocket } from '../demo/demo-socket.js';
import { pickPort } from '../demo/free-port.js';
import { LANE_IDS, type LaneName } from '../demo/orchestrator.js';
import { renderEmptyLane, renderVehicleFrame, showFrame } from '../demo/plate-image.js';
import { closePtyPair, startPtyPair, type DemoPtyPair } from '../demo/pty-pair.js';
import { SimProcess } from '../demo/sim-process.js';
import { ensureQrSigner, issueSignedQr } from '../demo/signed-qr.js';
import { ChaosCentral } from './chaos-central.js';
import { MosquittoProcess } from './mosquitto-process.js';

export const LANES: readonly LaneName[] = ['people', 'vehicle'];
export type SerialLink = 'qr-entry' | 'passport' | 'rfid-gate';
export const SERIAL_LINKS: readonly SerialLink[] = ['qr-entry', 'passport', 'rfid-gate'];
/** The evidence quota the chaos run gives each lane (MB): small, so filling it is quick. */
export const EVIDENCE_QUOTA_MB = 8;
/**
 * Simulated actuator travel, each way. The demo's (a 1.5 s boom, doors assumed moved after 0.8 s) made a
 * vehicle passage take ~6.5 s and a mantrap ~4 s, most of it waiting for movements: the load tested the
 * simulators' clocks, not the lanes. Short but plausible for fast gates: the boom 0.5 s; the doors 0.5 s,
 * the least the relay-barrier schema accepts for a door without limit switches (travelTimeoutMs).
 */
export const BOOM_TRAVEL_MS = 500;
export const DOOR_TRAVEL_MS = 500;
/**
 * How long the vehicle lane holds a refused vehicle for an officer, who never comes in the chaos run
 * (the demo's 20 s): each refer then blocked the lane for 20 s, half of its time in a 5-minute run.
 * The alarm (officer-not-attended) and the journal record are the same either way.
 */
export const OFFICER_WAIT_MS = 5_000;
const MARKER = '.chaos-run';
type VehicleKey = keyof DemoData['vehicles'];
const VEHICLE_KEYS: readonly VehicleKey[] = ['cleared', 'onHold', 'other'];

export interface RigOptions {
  projectRoot: string;
  dir: string;
  print: (line: string) => void;
}

/**
 * The two demo lanes, assembled from the demo's own parts (src/demo) but with every part reachable, so
 * the chaos run can break it: a real Mosquitto (stopped and started), socat pty pairs and simulators
 * (killed and restarted on the same link paths), the OPC UA PLC server (restarted), the camera picture
 * (frozen, removed), the lane daemons (kill -9, restarted after ~1 s like systemd's Restart=always).
 * It serves the demo socket protocol, so the demo's scenario runners (src/demo/scenarios.ts) drive it.
 */
export class ChaosRig {
  readonly paths: DemoPaths;
  keys!: DemoKeys;
  data!: DemoData;
  signedQr = '';
  broker!: MosquittoProcess;
  central!: ChaosCentral;
  plc!: BarrierPlcModel;
  private plcServer: BarrierPlcServer | null = null;
  private readonly pairs = new Map<SerialLink, DemoPtyPair>();
  private readonly sims = new Map<SerialLink, SimProcess>();
  private readonly daemons = new Map<LaneName, ManagedChild>();
  private socket: DemoSocket | null = null;
  private readonly frames = new Map<string, Buffer>();
  private emptyFrame: Buffer = Buffer.alloc(0);
  private shownFrame: Buffer = Buffer.alloc(0);
  /** 'frozen': the picture no longer changes; 'dead': the file is gone. */
  camera: 'ok' | 'frozen' | 'dead' = 'ok';
  stopping = false;
  /** Daemon exits the chaos run did not cause (each is restarted, and reported). */
  readonly unplannedExits: Array<{ lane: LaneName; at: number; how: string }> = [];
  readonly deaths: Array<{ what: string; at: number; how: string }> = [];
  private readonly plannedKill = new Set<LaneName>();
  ports = { peopleDisplay: 0, vehicleDisplay: 0, plc: 0, broker: 0 };

  constructor(private readonly opts: RigOptions) {
    this.paths = demoPaths(opts.dir);
  }

  get cameraFile(): string {
    return join(this.paths.cameraDir, 'plate-front.jpg');
  }

  evidenceDir(lane: LaneName): string {
    return join(this.paths.lane(lane).dataDir, 'evidence');
  }

  async start(): Promise<void> {
    const p = this.paths;
    // The folder is emptied at start: only one a previous chaos run made (its marker file), or a new one.
    const marker = join(p.root, MARKER);
    if (existsSync(p.root) && readdirSync(p.root).length > 0 && !existsSync(marker)) {
      throw new Error(`${p.root} is not empty and was not made by a chaos run (no ${MARKER}); give --dir a new or former chaos folder`);
    }
    rmSync(p.root, { recursive: true, force: true });
    mkdirSync(p.root, { recursive: true, mode: 0o750 });
    writeFileSync(marker, 'made by npm run chaos; emptied at the next run\n');
    for (const dir of [p.root, p.ptyDir, p.cameraDir, p.lane('people').dataDir, p.lane('vehicle').dataDir]) mkdirSync(dir, { recursive: true, mode: 0o750 });
    this.socket = new DemoSocket(p.orchestratorSocket, this.handlers());
    await this.socket.start();
    this.keys = ensureDemoKeys(p);
    this.data = loadOrCreateDemoData(p.dataFile);
    this.signedQr = issueSignedQr(ensureQrSigner(p.keysDir), this.data.signedQr.ci, Date.now());
    this.emptyFrame = await renderEmptyLane();
    this.show(this.emptyFrame);
    this.ports = { peopleDisplay: await pickPort(0), vehicleDisplay: await pickPort(0), plc: await pickPort(0), broker: await pickPort(0) };

    for (const link of SERIAL_LINKS) await this.startSerial(link);
    this.plc = new BarrierPlcModel({ clock: systemClock, travelMs: BOOM_TRAVEL_MS, loops: ['loop-1'], heartbeatTimeoutMs: 5_000, initial: 'closed' });
    await this.startPlcServer();

    this.broker = new MosquittoProcess(join(p.root, 'mosquitto'), this.ports.broker, join(p.root, 'mosquitto.log'));
    await this.broker.start();
    this.central = new ChaosCentral(this.broker.url, 'mongcai', this.keys.central, demoLists(this.data), this.opts.print);
    await this.central.start();

    this.writeLaneFiles();
    for (const lane of LANES) this.startDaemon(lane);
    await Promise.all(LANES.map((lane) => this.waitForLane(lane, 90_000)));
    const deadline = Date.now() + 60_000;
    while (!LANES.every((lane) => this.central.seeded(LANE_IDS[lane]))) {
      if (Date.now() > deadline) throw new Error('the lanes did not load the signed lists from the central simulator within 60 s');
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const step = async (what: string, fn: () => Promise<void> | void): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        this.opts.print(`stopping ${what}: ${(err as Error).message}`);
      }
    };
    for (const lane of LANES) await step(`${lane} lane`, () => this.daemons.get(lane)?.stop(15_000));
    for (const link of SERIAL_LINKS) {
      await step(`${link} simulator`, () => this.sims.get(link)?.stop());
      const pair = this.pairs.get(link);
      if (pair) await step(`${link} pty pair`, () => closePtyPair(pair));
    }
    await step('PLC', async () => {
      await this.plcServer?.stop();
      this.plcServer = null;
      this.plc?.dispose();
    });
    await step('central', () => this.central?.stop());
    await step('broker', () => this.broker?.stop());
    await step('demo socket', () => this.socket?.stop());
  }

  /** Synchronous last resort when the process exits without stop(). */
  killNow(): void {
    for (const d of this.daemons.values()) d.killNow();
    for (const s of this.sims.values()) s.child.killNow();
    for (const p of this.pairs.values()) p.socat.killNow();
  }

  // ---- faults -------------------------------------------------------------------------------------

  /** kill -9 of the daemon's process group; it is started again after `restartAfterMs` (systemd RestartSec=1). */
  async killDaemon(lane: LaneName, restartAfterMs = 1_000): Promise<void> {
    this.plannedKill.add(lane);
    const child = this.daemons.get(lane)!;
    child.killNow();
    await exited(child);
    await sleep(restartAfterMs);
    this.startDaemon(lane);
  }

  async brokerDown(): Promise<void> {
    await this.broker.stop();
  }

  async brokerUp(): Promise<void> {
    await this.broker.start();
  }

  /** The cable pulled: socat (both pty ends) killed; the simulator loses its end too. */
  async unplug(link: SerialLink): Promise<void> {
    const pair = this.pairs.get(link)!;
    pair.socat.killNow();
    await exited(pair.socat);
    await this.sims.get(link)?.stop();
  }

  /** Plugged back: socat on the same link paths, the device simulator on its end again. */
  async replug(link: SerialLink): Promise<void> {
    await this.startSerial(link);
  }

  async plcDown(): Promise<void> {
    await this.plcServer?.stop();
    this.plcServer = null;
  }

  async plcUp(): Promise<void> {
    await this.startPlcServer();
  }

  cameraFreeze(): void {
    this.camera = 'frozen';
  }

  cameraDeath(): void {
    this.camera = 'dead';
    rmSync(this.cameraFile, { force: true });
  }

  cameraBack(): void {
    this.camera = 'ok';
    this.show(this.shownFrame.length > 0 ? this.shownFrame : this.emptyFrame, true);
  }

  /** Fills the lane's evidence folder up to its configured quota; returns the files written. */
  fillEvidence(lane: LaneName): string[] {
    const dir = this.evidenceDir(lane);
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    const chunk = Buffer.alloc(1024 * 1024, 0x5a);
    for (let i = 0; i < EVIDENCE_QUOTA_MB; i++) {
      const file = join(dir, `chaos-fill-${Date.now()}-${i}.bin`);
      writeFileSync(file, chunk);
      files.push(file);
    }
    return files;
  }

  async laneAnswers(lane: LaneName): Promise<boolean> {
    try {
      await request(this.paths.lane(lane).socket, 'status', {}, { timeoutMs: 3_000 });
      return true;
    } catch {
      return false;
    }
  }

  daemonPid(lane: LaneName): number | undefined {
    return this.daemons.get(lane)?.pid;
  }

  // ---- parts --------------------------------------------------------------------------------------

  private async startSerial(link: SerialLink): Promise<void> {
    const pair = await startPtyPair(this.paths.ptyDir, link);
    this.pairs.set(link, pair);
    this.watch(pair.socat, `socat ${link}`);
    const dist = join(this.opts.projectRoot, 'dist');
    const logFile = join(this.paths.root, 'simulators.log');
    const sim =
      link === 'qr-entry'
        ? await SimProcess.start({ name: 'QR scanner simulator', distRoot: dist, script: 'line-scanner', args: ['--path', pair.simEnd, '--suffix', 'cr'], logFile })
        : link === 'passport'
          ? await SimProcess.start({ name: 'passport reader simulator', distRoot: dist, script: 'serial', args: ['--device', 'mrz', '--path', pair.simEnd, '--options', '{"framing":"rte"}'], logFile })
          : await SimProcess.start({ name: 'RFID reader simulator', distRoot: dist, script: 'serial', args: ['--device', 'uhfreader18', '--path', pair.simEnd, '--options', '{"tags":[]}'], logFile });
    this.sims.set(link, sim);
    this.watch(sim.child, `${link} simulator`);
  }

  private watch(child: ManagedChild, what: string): void {
    child.on('exit', () => {
      if (!this.stopping) this.deaths.push({ what, at: Date.now(), how: child.exitDescription() });
    });
  }

  private async startPlcServer(): Promise<void> {
    const server = new BarrierPlcServer({ model: this.plc, port: this.ports.plc, pkiDir: this.paths.plcPki });
    await server.start();
    this.plcServer = server;
  }

  private writeLaneFiles(): void {
    const texts = renderDemoConfigs(this.opts.projectRoot, {
      demoDir: this.paths.root,
      site: 'mongcai',
      logLevel: 'info',
      brokerUrl: this.broker.url,
      peopleDisplayPort: this.ports.peopleDisplay,
      vehicleDisplayPort: this.ports.vehicleDisplay,
      plcPort: this.ports.plc,
      faces: null,
    });
    for (const lane of LANES) {
      // A small evidence quota, so the disk-quota fault fills it in a moment rather than 2 GB.
      let text = texts[lane].replace(/^(storage:\n  dataDir: .*)$/m, `$1\n  evidenceQuotaMb: ${EVIDENCE_QUOTA_MB}`);
      if (!text.includes('evidenceQuotaMb')) throw new Error(`config template for ${lane}: no storage.dataDir line to add the evidence quota after`);
      if (lane === 'vehicle') {
        if (!/^  timeouts: \{ officerMs: \d+ \}$/m.test(text)) throw new Error('config template for vehicle: no flow timeouts line with officerMs to shorten');
        text = text.replace(/^  timeouts: \{ officerMs: \d+ \}$/m, `  timeouts: { officerMs: ${OFFICER_WAIT_MS} }`);
      }
      if (lane === 'people') {
        // Both mantrap doors (relay barriers without limit switches): their assumed travel time.
        const doors = text.match(/^ {4}travelTimeoutMs: \d+$/gm)?.length ?? 0;
        if (doors !== 2) throw new Error(`config template for people: expected 2 door travelTimeoutMs lines to shorten, found ${doors}`);
        text = text.replace(/^ {4}travelTimeoutMs: \d+$/gm, `    travelTimeoutMs: ${DOOR_TRAVEL_MS}`);
      }
      writeFileSync(this.paths.lane(lane).config, text, { mode: 0o640 });
      writeLaneSecrets(this.paths.lane(lane).secrets, this.keys);
    }
  }

  private startDaemon(lane: LaneName): void {
    const lp = this.paths.lane(lane);
    const child = laneDaemonChild(this.opts.projectRoot, lane, lp);
    this.daemons.set(lane, child);
    child.on('exit', () => {
      if (this.stopping) return;
      if (this.plannedKill.delete(lane)) return;
      // Restart=always: whatever made it exit, it comes back after a second; the exit is reported.
      this.unplannedExits.push({ lane, at: Date.now(), how: `${child.exitDescription()}: ${child.lastLines().slice(-3).join(' | ')}` });
      setTimeout(() => {
        if (!this.stopping && this.daemons.get(lane) === child) this.startDaemon(lane);
      }, 1_000);
    });
  }

  async waitForLane(lane: LaneName, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.laneAnswers(lane))) {
      if (Date.now() > deadline) throw new Error(`the ${lane} lane did not answer on its control socket within ${Math.round(timeoutMs / 1000)} s (log ${this.paths.lane(lane).log})`);
      await sleep(250);
    }
  }

  private show(jpeg: Buffer, force = false): void {
    this.shownFrame = jpeg;
    if (this.camera !== 'ok' && !force) return;
    showFrame(this.cameraFile, jpeg);
  }

  private vehicle(args: Record<string, unknown>): DemoData['vehicles'][VehicleKey] | null {
    const key = args.vehicle;
    if (key === null || key === undefined || key === 'none') return null;
    if (typeof key !== 'string' || !VEHICLE_KEYS.includes(key as VehicleKey)) throw new CommandError('bad_args', `vehicle must be one of ${VEHICLE_KEYS.join(', ')} or none`);
    return this.data.vehicles[key as VehicleKey];
  }

  private sim(link: SerialLink): SimProcess {
    const sim = this.sims.get(link);
    if (sim === undefined || !sim.child.running) throw new CommandError('failed', `${link} is unplugged`);
    return sim;
  }

  /** The demo socket's commands (src/demo/orchestrator.ts), on the rig's replaceable parts. */
  private handlers(): Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown> {
    return {
      info: () => ({
        lanes: Object.fromEntries(LANES.map((lane) => [lane, { id: LANE_IDS[lane], socket: this.paths.lane(lane).socket, display: '' }])),
        broker: this.broker?.url ?? '',
        seeded: { people: true, vehicle: true },
      }),
      'present-qr': async (args) => {
        const which = args.credential;
        if (which !== 'valid' && which !== 'revoked' && which !== 'signed') throw new CommandError('bad_args', 'credential must be valid, revoked or signed');
        await this.sim('qr-entry').step({ op: 'code', text: which === 'signed' ? this.signedQr : this.data.qr[which] });
        return { presented: `${which} QR code` };
      },
      'present-passport': async () => {
        await this.sim('passport').step({ op: 'document', lines: this.data.passport.lines });
        return { presented: 'passport' };
      },
      'rfid-field': async (args) => {
        const v = this.vehicle(args);
        await this.sim('rfid-gate').step({ op: 'tags', tags: v === null ? [] : [{ epc: v.epc, rssi: -48 }] });
        return { tag: v === null ? null : v.vehicleId };
      },
      'camera-show': async (args) => {
        const v = this.vehicle(args);
        if (v === null) {
          this.show(this.emptyFrame);
          return { showing: 'empty lane' };
        }
        let jpeg = this.frames.get(v.vehicleId);
        if (jpeg === undefined) {
          jpeg = await renderVehicleFrame(v.plate, Number.parseInt(v.vehicleId.replace(/\D/g, ''), 10) || 1);
          this.frames.set(v.vehicleId, jpeg);
        }
        this.show(jpeg);
        return { showing: v.vehicleId, plate: v.plate.rows.join(' ') };
      },
      loop: (args) => {
        if (typeof args.occupied !== 'boolean') throw new CommandError('bad_args', 'occupied must be true or false');
        this.plc.setLoop('loop-1', args.occupied);
        return this.plc.snapshot();
      },
      plc: () => this.plc.snapshot(),
      central: () => ({
        events: LANES.flatMap((lane) => (this.central.passages.get(LANE_IDS[lane]) ?? []).map((p) => ({ n: p.n, lane: LANE_IDS[lane], type: 'event/passage', seq: p.eventSeq, id: p.passageId, passageId: p.passageId, outcome: p.outcome }))),
      }),
    };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once the child has exited (ManagedChild.stop() would send SIGTERM first; a fault must not). */
export function exited(child: ManagedChild): Promise<void> {
  if (!child.running) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      child.off('exit', done);
      resolve();
    };
    child.on('exit', done);
  });
}
