import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from '../control/client.js';
import { CommandError } from '../control/protocol.js';
import { systemClock } from '../util/clock.js';
import { BarrierPlcModel } from '../../drivers/sim/plc/barrier-plc-model.js';
import { BarrierPlcServer } from '../../drivers/sim/plc/barrier-plc-server.js';
import { laneDaemonChild } from './lane-daemon-child.js';
import { ManagedChild } from './child-process.js';
import { DemoCentral } from './demo-central.js';
import { renderDemoConfigs, type DemoConfigValues } from './demo-configs.js';
import { demoLists, loadOrCreateDemoData, type DemoData } from './demo-data.js';
import { ensureDemoKeys, writeLaneSecrets } from './demo-keys.js';
import { demoPaths, type DemoPaths } from './demo-paths.js';
import { DemoSocket } from './demo-socket.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { pickPort } from './free-port.js';
import { PlateCamera } from './plate-image.js';
import { closePtyPair, startPtyPair, type DemoPtyPair } from './pty-pair.js';
import { killLeftovers, writePidFile } from './leftovers.js';
import { SimProcess } from './sim-process.js';
import { ensureQrSigner, issueSignedQr } from './signed-qr.js';

export interface DemoOptions {
  projectRoot: string;
  dir: string;
  site?: string;
  logLevel?: string;
  /** Preferred ports; 0 = any free port. A busy preferred port falls back to a free one. */
  ports?: { broker?: number; peopleDisplay?: number; vehicleDisplay?: number; plc?: number };
  faces?: DemoConfigValues['faces'];
  print?: (line: string) => void;
}

export type LaneName = 'people' | 'vehicle';
export const LANE_IDS: Record<LaneName, string> = { people: 'demo-people-1', vehicle: 'demo-vehicle-1' };
type VehicleKey = keyof DemoData['vehicles'];
const VEHICLE_KEYS: readonly VehicleKey[] = ['cleared', 'onHold', 'other'];

/**
 * Runs the two-lane demo: an embedded MQTT broker and the central simulator, device simulators on
 * socat pty pairs, the simulated OPC UA barrier PLC, the vehicle camera's picture, and two lane daemons
 * as child processes; plus the orchestrator's socket the scenario runner drives the simulators through.
 * stop() takes everything down in reverse order.
 */
export class DemoOrchestrator {
  readonly paths: DemoPaths;
  private readonly print: (line: string) => void;
  private readonly stack: Array<{ what: string; stop: () => Promise<void> | void }> = [];
  private readonly children: ManagedChild[] = [];
  private data!: DemoData;
  private signedQr = '';
  private central: DemoCentral | null = null;
  private plc: BarrierPlcModel | null = null;
  private scanner: SimProcess | null = null;
  private mrz: SimProcess | null = null;
  private rfid: SimProcess | null = null;
  private daemons = new Map<LaneName, ManagedChild>();
  private readonly camera: PlateCamera;
  private stopping: Promise<void> | null = null;
  private onFatal: ((reason: string) => void) | null = null;
  ports = { broker: 0, peopleDisplay: 0, vehicleDisplay: 0, plc: 0 };
  brokerUrl = '';

  constructor(private readonly opts: DemoOptions) {
    this.paths = demoPaths(opts.dir);
    this.camera = new PlateCamera(join(this.paths.cameraDir, 'plate-front.jpg'));
    this.print = opts.print ?? ((line) => process.stdout.write(`${line}\n`));
  }

  /** Called once when a lane daemon or simulator dies on its own (the demo cannot go on). */
  onUnexpectedExit(handler: (reason: string) => void): void {
    this.onFatal = handler;
  }

  async start(): Promise<void> {
    const p = this.paths;
    mkdirSync(p.root, { recursive: true, mode: 0o750 });
    for (const dir of [p.ptyDir, p.cameraDir, p.lane('people').dataDir, p.lane('vehicle').dataDir]) mkdirSync(dir, { recursive: true });
    // The socket first: a second demo on the same folder stops here, before touching anything.
    const socket = new DemoSocket(p.orchestratorSocket, this.handlers());
    await socket.start();
    this.push('demo socket', () => socket.stop());
    killLeftovers(p.pidFile, p.root, this.print);

    const keys = ensureDemoKeys(p);
    if (keys.created) this.print(`generated the demo's central signing key and site key under ${p.keysDir} (mode 0600)`);
    this.data = loadOrCreateDemoData(p.dataFile);
    this.signedQr = issueSignedQr(ensureQrSigner(p.keysDir), this.data.signedQr.ci, Date.now());
    const lists = demoLists(this.data);
    await this.camera.show(null);

    const wanted = this.opts.ports ?? {};
    this.ports = {
      broker: await pickPort(wanted.broker ?? 1883),
      peopleDisplay: await pickPort(wanted.peopleDisplay ?? 8090),
      vehicleDisplay: await pickPort(wanted.vehicleDisplay ?? 8091),
      plc: await pickPort(wanted.plc ?? 4841),
    };

    this.print('starting the device simulators (pty pairs, scanner, passport reader, RFID reader, barrier PLC)...');
    await this.startDevices();

    const broker = new EmbeddedBroker(this.ports.broker);
    await broker.start();
    this.brokerUrl = broker.url;
    this.push('MQTT broker', () => broker.stop());
    const central = new DemoCentral(broker.url, this.opts.site ?? 'mongcai', keys.central, lists, this.print);
    await central.start();
    this.central = central;
    this.push('central simulator', () => central.stop());

    this.writeLaneFiles(keys);
    this.print(`starting the lanes (logs: ${this.paths.lane('people').log}, ${this.paths.lane('vehicle').log})...`);
    for (const lane of ['people', 'vehicle'] as const) this.startDaemon(lane);
    writePidFile(p.pidFile, this.children);
    await Promise.all((['people', 'vehicle'] as const).map((lane) => this.waitForLane(lane)));
    this.print('lanes up; waiting for them to load the signed lists from the central simulator...');
    await this.waitForSeed();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const entry of this.stack.reverse()) {
        try {
          await entry.stop();
        } catch (err) {
          this.print(`stopping ${entry.what}: ${(err as Error).message}`);
        }
      }
      rmSync(this.paths.pidFile, { force: true });
    })();
    return this.stopping;
  }

  /** Synchronous last resort (the orchestrator is exiting without stop()): no child outlives it. */
  killChildrenNow(): void {
    for (const child of this.children) child.killNow();
  }

  displayUrl(lane: LaneName): string {
    return `http://127.0.0.1:${lane === 'people' ? this.ports.peopleDisplay : this.ports.vehicleDisplay}/`;
  }

  private push(what: string, stop: () => Promise<void> | void): void {
    this.stack.push({ what, stop });
  }

  private track(child: ManagedChild, what: string): void {
    this.children.push(child);
    child.on('exit', () => {
      if (this.stopping === null) this.onFatal?.(`${what} stopped unexpectedly (${child.exitDescription()}): ${child.lastLines().slice(-5).join(' | ')}`);
    });
  }

  private async startDevices(): Promise<void> {
    const p = this.paths;
    const dist = join(this.opts.projectRoot, 'dist');
    const pairs: Record<string, DemoPtyPair> = {};
    for (const name of ['qr-entry', 'passport', 'rfid-gate']) {
      const pair = await startPtyPair(p.ptyDir, name);
      pairs[name] = pair;
      this.track(pair.socat, `socat ${name}`);
      this.push(`pty pair ${name}`, () => closePtyPair(pair));
    }
    const simLog = join(p.root, 'simulators.log');
    this.scanner = await SimProcess.start({ name: 'QR scanner simulator', distRoot: dist, script: 'line-scanner', args: ['--path', pairs['qr-entry']!.simEnd, '--suffix', 'cr'], logFile: simLog });
    this.mrz = await SimProcess.start({ name: 'passport reader simulator', distRoot: dist, script: 'serial', args: ['--device', 'mrz', '--path', pairs.passport!.simEnd, '--options', '{"framing":"rte"}'], logFile: simLog });
    this.rfid = await SimProcess.start({ name: 'RFID reader simulator', distRoot: dist, script: 'serial', args: ['--device', 'uhfreader18', '--path', pairs['rfid-gate']!.simEnd, '--options', '{"tags":[]}'], logFile: simLog });
    for (const [sim, what] of [[this.scanner, 'QR scanner simulator'], [this.mrz, 'passport reader simulator'], [this.rfid, 'RFID reader simulator']] as const) {
      this.track(sim.child, what);
      this.push(what, () => sim.stop());
    }

    const plc = new BarrierPlcModel({ clock: systemClock, travelMs: 1_500, loops: ['loop-1'], heartbeatTimeoutMs: 5_000, initial: 'closed' });
    const server = new BarrierPlcServer({ model: plc, port: this.ports.plc, pkiDir: p.plcPki });
    await server.start();
    this.plc = plc;
    this.push('simulated barrier PLC', async () => {
      await server.stop();
      plc.dispose();
    });
  }

  private writeLaneFiles(keys: ReturnType<typeof ensureDemoKeys>): void {
    const texts = renderDemoConfigs(this.opts.projectRoot, {
      demoDir: this.paths.root,
      site: this.opts.site ?? 'mongcai',
      logLevel: this.opts.logLevel ?? 'info',
      brokerUrl: this.brokerUrl,
      peopleDisplayPort: this.ports.peopleDisplay,
      vehicleDisplayPort: this.ports.vehicleDisplay,
      plcPort: this.ports.plc,
      faces: this.opts.faces ?? null,
    });
    for (const lane of ['people', 'vehicle'] as const) {
      writeFileSync(this.paths.lane(lane).config, texts[lane], { mode: 0o640 });
      writeLaneSecrets(this.paths.lane(lane).secrets, keys);
    }
  }

  private startDaemon(lane: LaneName): void {
    const lp = this.paths.lane(lane);
    const child = laneDaemonChild(this.opts.projectRoot, lane, lp);
    this.daemons.set(lane, child);
    this.track(child, `the ${lane} lane daemon`);
    // SIGTERM: the daemon journals, says goodbye on MQTT (offline state) and closes its devices.
    this.push(`${lane} lane daemon`, () => child.stop(10_000));
  }

  private async waitForLane(lane: LaneName): Promise<void> {
    const socket = this.paths.lane(lane).socket;
    const child = this.daemons.get(lane)!;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (!child.running) throw new Error(`the ${lane} lane daemon exited (${child.exitDescription()}):\n  ${child.lastLines().slice(-8).join('\n  ')}`);
      try {
        await request(socket, 'status', {}, { timeoutMs: 2_000 });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`the ${lane} lane daemon did not answer on ${socket} within 60 s (log: ${this.paths.lane(lane).log})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private async waitForSeed(): Promise<void> {
    const central = this.central!;
    const deadline = Date.now() + 45_000;
    while (!(central.seeded(LANE_IDS.people) && central.seeded(LANE_IDS.vehicle))) {
      if (Date.now() > deadline) {
        this.print('warning: the lanes have not confirmed the demo lists yet (see var/demo/*.log); scenarios may be refused until they do');
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private vehicle(args: Record<string, unknown>): DemoData['vehicles'][VehicleKey] | null {
    const key = args.vehicle;
    if (key === null || key === undefined || key === 'none') return null;
    if (typeof key !== 'string' || !VEHICLE_KEYS.includes(key as VehicleKey)) throw new CommandError('bad_args', `vehicle must be one of ${VEHICLE_KEYS.join(', ')} or none`);
    return this.data.vehicles[key as VehicleKey];
  }

  /** What the scenario runner may ask; names mirror what a person does at the lane. */
  private handlers(): Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown> {
    return {
      info: () => ({
        lanes: Object.fromEntries(
          (['people', 'vehicle'] as const).map((lane) => [lane, { id: LANE_IDS[lane], socket: this.paths.lane(lane).socket, display: this.displayUrl(lane) }]),
        ),
        broker: this.brokerUrl,
        seeded: { people: this.central?.seeded(LANE_IDS.people) ?? false, vehicle: this.central?.seeded(LANE_IDS.vehicle) ?? false },
      }),
      'present-qr': async (args) => {
        const which = args.credential;
        if (which !== 'valid' && which !== 'revoked' && which !== 'signed') throw new CommandError('bad_args', 'credential must be valid, revoked or signed');
        await this.scanner!.step({ op: 'code', text: which === 'signed' ? this.signedQr : this.data.qr[which] });
        return { presented: `${which} QR code` };
      },
      'present-passport': async () => {
        await this.mrz!.step({ op: 'document', lines: this.data.passport.lines });
        return { presented: 'passport' };
      },
      'rfid-field': async (args) => {
        const v = this.vehicle(args);
        await this.rfid!.step({ op: 'tags', tags: v === null ? [] : [{ epc: v.epc, rssi: -48 }] });
        return { tag: v === null ? null : v.vehicleId };
      },
      'camera-show': async (args) => this.camera.show(this.vehicle(args)),
      loop: (args) => {
        if (typeof args.occupied !== 'boolean') throw new CommandError('bad_args', 'occupied must be true or false');
        this.plc!.setLoop('loop-1', args.occupied);
        return this.plc!.snapshot();
      },
      plc: () => this.plc!.snapshot(),
      central: (args) => {
        const since = typeof args.since === 'number' ? args.since : 0;
        return { events: this.central?.events.filter((e) => e.n > since) ?? [] };
      },
    };
  }
}
