import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '../../src/control/client.js';
import { CommandError } from '../../src/control/protocol.js';
import { laneDaemonChild } from '../../src/demo/lane-daemon-child.js';
import { ManagedChild } from '../../src/demo/child-process.js';
import { DemoCentral } from '../../src/demo/demo-central.js';
import { renderDemoConfigs, type DemoConfigValues } from '../../src/demo/demo-configs.js';
import { demoLists, loadOrCreateDemoData, type DemoData } from '../../src/demo/demo-data.js';
import { ensureDemoKeys, writeLaneSecrets } from '../../src/demo/demo-keys.js';
import { demoPaths, type DemoPaths } from '../../src/demo/demo-paths.js';
import { DemoSocket } from '../../src/demo/demo-socket.js';
import { pickPort } from '../../src/demo/free-port.js';
import { LANE_IDS, type LaneName } from '../../src/demo/orchestrator.js';
import { PlateCamera } from '../../src/demo/plate-image.js';
import { closePtyPair, startPtyPair } from '../../src/demo/pty-pair.js';
import { ScenarioContext } from '../../src/demo/scenario-context.js';
import { SimProcess } from '../../src/demo/sim-process.js';
import { ensureQrSigner, issueSignedQr } from '../../src/demo/signed-qr.js';
import { systemClock } from '../../src/util/clock.js';
import { BarrierPlcModel } from '../../drivers/sim/plc/barrier-plc-model.js';
import { BarrierPlcServer } from '../../drivers/sim/plc/barrier-plc-server.js';

/**
 * Both lanes as separate daemon processes on real protocols, for the end-to-end tests (test/e2e) and
 * `npm run bench -- lane`. It is the two-lane demo (src/demo) with two changes the demo does not make:
 * the broker is whatever the caller gives (the e2e tests give a real Mosquitto they can stop), and the
 * vehicle lane's RFID reader is an `llrp-reader` talking to the LLRP simulator over TCP instead of the
 * demo's serial UHFReader18. Everything else is the demo's own parts: keys, fictional data and signed
 * lists, the pty scanner and MRZ simulators, the OPC UA PLC, the rendered plate pictures, the config
 * templates, and the demo socket so the demo's scenario runners (src/demo/scenarios.ts) drive it.
 */
export interface LaneRigOptions {
  /** Project root (dist/ must be built). */
  root: string;
  brokerUrl: string;
  /** Extra `flow:` keys per lane, YAML flow-mapping text, e.g. `timeouts: { enterMs: 3000 }`. */
  flowExtra?: Partial<Record<LaneName, string>>;
  faces?: DemoConfigValues['faces'];
  /** A face template to enrol for the traveller of the valid QR code (so the 1:1 match runs for real). */
  enrolFace?: { modelId: string; vector: number[]; quality: number };
  logLevel?: string;
}

/** The LLRP reader simulator process (drivers/sim/run-llrp-sim.js) on a free loopback port. */
class LlrpSimProcess {
  private seq = 0;
  private constructor(
    readonly child: ManagedChild,
    readonly port: number,
  ) {}

  static async start(root: string, logFile: string): Promise<LlrpSimProcess> {
    const child = new ManagedChild({
      name: 'LLRP reader simulator',
      command: process.execPath,
      args: [join(root, 'dist', 'drivers', 'sim', 'run-llrp-sim.js'), '--port', '0', '--options', '{"tags":[]}'],
      stdin: true,
      logFile,
    });
    const port = await child.waitForLine((line) => {
      const json = parse(line);
      return json?.event === 'ready' && typeof json.port === 'number' ? json.port : undefined;
    }, 15_000, 'LLRP simulator ready');
    return new LlrpSimProcess(child, port);
  }

  async step(step: Record<string, unknown>): Promise<void> {
    this.seq += 1;
    const seq = this.seq;
    const answer = this.child.waitForLine((line) => (parse(line)?.seq === seq ? parse(line) : undefined), 10_000, `LLRP step ${seq}`);
    this.child.writeLine(JSON.stringify(step));
    const reply = await answer;
    if (reply!.ok !== true) throw new Error(`LLRP simulator refused the step: ${String(reply!.error)}`);
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

type VehicleKey = keyof DemoData['vehicles'];

export class LaneRig {
  readonly dir: string;
  readonly paths: DemoPaths;
  data!: DemoData;
  signedQr = '';
  central!: DemoCentral;
  plc!: BarrierPlcModel;
  scanner!: SimProcess;
  mrz!: SimProcess;
  llrp!: LlrpSimProcess;
  ctx!: ScenarioContext;
  ports = { peopleDisplay: 0, vehicleDisplay: 0, plc: 0 };
  /** When the rig last set the loop occupied (wall clock, ms), for the vehicle cycle time. */
  readonly loopSetAt: number[] = [];
  private readonly stack: Array<() => Promise<void> | void> = [];
  private readonly daemons = new Map<LaneName, ManagedChild>();
  private readonly camera: PlateCamera;

  constructor(private readonly opts: LaneRigOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'lane-e2e-'));
    this.paths = demoPaths(this.dir);
    this.camera = new PlateCamera(join(this.paths.cameraDir, 'plate-front.jpg'));
  }

  async start(): Promise<void> {
    try {
      await this.startInner();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async startInner(): Promise<void> {
    const p = this.paths;
    for (const d of [p.ptyDir, p.cameraDir, p.lane('people').dataDir, p.lane('vehicle').dataDir]) mkdirSync(d, { recursive: true });
    const keys = ensureDemoKeys(p);
    this.data = loadOrCreateDemoData(p.dataFile);
    this.signedQr = issueSignedQr(ensureQrSigner(p.keysDir), this.data.signedQr.ci, Date.now());
    const lists = demoLists(this.data);
    const enrol = this.opts.enrolFace;
    if (enrol !== undefined) {
      const row = lists.credentials!.rows.find((r) => (r as { value?: string }).value === this.data.qr.valid) as { subjectId: string } | undefined;
      if (row === undefined) throw new Error('the demo lists have no row for the valid QR code');
      lists['face-templates']!.rows.push({ templateId: 'rig-face-1', subjectId: row.subjectId, ...enrol });
    }
    await this.camera.show(null);
    this.ports = { peopleDisplay: await pickPort(0), vehicleDisplay: await pickPort(0), plc: await pickPort(0) };
    const simLog = join(p.root, 'simulators.log');

    const pairs: Record<string, string> = {};
    for (const name of ['qr-entry', 'passport']) {
      const pair = await startPtyPair(p.ptyDir, name);
      this.stack.push(() => closePtyPair(pair));
      pairs[name] = pair.simEnd;
    }
    const dist = join(this.opts.root, 'dist');
    this.scanner = await SimProcess.start({ name: 'QR scanner simulator', distRoot: dist, script: 'line-scanner', args: ['--path', pairs['qr-entry']!, '--suffix', 'cr'], logFile: simLog });
    this.stack.push(() => this.scanner.stop());
    this.mrz = await SimProcess.start({ name: 'passport reader simulator', distRoot: dist, script: 'serial', args: ['--device', 'mrz', '--path', pairs.passport!, '--options', '{"framing":"rte"}'], logFile: simLog });
    this.stack.push(() => this.mrz.stop());
    this.llrp = await LlrpSimProcess.start(this.opts.root, simLog);
    this.stack.push(() => this.llrp.child.stop(3_000));

    const plc = new BarrierPlcModel({ clock: systemClock, travelMs: 1_500, loops: ['loop-1'], heartbeatTimeoutMs: 5_000, initial: 'closed' });
    const server = new BarrierPlcServer({ model: plc, port: this.ports.plc, pkiDir: p.plcPki });
    await server.start();
    this.plc = plc;
    this.stack.push(async () => {
      await server.stop();
      plc.dispose();
    });

    const central = new DemoCentral(this.opts.brokerUrl, 'mongcai', keys.central, lists, () => undefined);
    await central.start();
    this.central = central;
    this.stack.push(() => central.stop());

    this.writeConfigs(keys);
    for (const lane of ['people', 'vehicle'] as const) this.startDaemon(lane);
    await Promise.all((['people', 'vehicle'] as const).map((lane) => this.waitForLane(lane)));

    const socket = new DemoSocket(p.orchestratorSocket, this.handlers());
    await socket.start();
    this.stack.push(() => socket.stop());
    this.ctx = await ScenarioContext.connect(p.orchestratorSocket, () => undefined);
    const deadline = Date.now() + 60_000;
    while (!(central.seeded(LANE_IDS.people) && central.seeded(LANE_IDS.vehicle))) {
      if (Date.now() > deadline) throw new Error(`the lanes did not load the signed lists within 60 s; logs in ${p.root}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Stops the lane daemons only (their SQLite folders stay until stop()). */
  async stopLanes(): Promise<void> {
    const lanes = [...this.daemons.values()];
    this.daemons.clear();
    await Promise.all(lanes.map((d) => d.stop(10_000)));
  }

  /** The site key the lanes hash identifiers with (as the daemon takes it from the secrets file). */
  siteKey(): Buffer {
    return Buffer.from(ensureDemoKeys(this.paths).siteHmacKey, 'utf8');
  }

  /** Stops everything it started, lanes first (they journal and say goodbye), then simulators, then removes the folder. */
  async stop(): Promise<void> {
    await this.stopLanes();
    for (const stop of this.stack.reverse()) {
      try {
        await stop();
      } catch {
        /* best effort: the next part must still stop */
      }
    }
    this.stack.length = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }

  lane(lane: LaneName, cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return request(this.paths.lane(lane).socket, cmd, args, { timeoutMs: 15_000 });
  }

  displayState(lane: LaneName): Promise<{ state: { screen: string; detail?: string } }> {
    const port = lane === 'people' ? this.ports.peopleDisplay : this.ports.vehicleDisplay;
    return fetch(`http://127.0.0.1:${port}/state`).then((r) => r.json() as Promise<{ state: { screen: string; detail?: string } }>);
  }

  laneLog(lane: LaneName): string[] {
    return this.daemons.get(lane)?.lastLines() ?? [];
  }

  private writeConfigs(keys: ReturnType<typeof ensureDemoKeys>): void {
    const texts = renderDemoConfigs(this.opts.root, {
      demoDir: this.paths.root,
      site: 'mongcai',
      logLevel: this.opts.logLevel ?? 'warn',
      brokerUrl: this.opts.brokerUrl,
      peopleDisplayPort: this.ports.peopleDisplay,
      vehicleDisplayPort: this.ports.vehicleDisplay,
      plcPort: this.ports.plc,
      faces: this.opts.faces ?? null,
    });
    // The demo's serial RFID reader becomes an LLRP reader on the simulator's TCP port.
    const serialRfid = /  - type: serial-rfid-reader\n    name: rfid-gate\n(?:    .*\n)*?    dedupeWindowMs: 1000\n/;
    if (!serialRfid.test(texts.vehicle)) throw new Error('config/demo-vehicle.yaml changed: the rig cannot find its serial RFID reader to replace');
    texts.vehicle = texts.vehicle.replace(serialRfid, `  - type: llrp-reader\n    name: rfid-gate\n    host: 127.0.0.1\n    port: ${this.llrp.port}\n    dedupeWindowMs: 1000\n`);
    for (const lane of ['people', 'vehicle'] as const) {
      const extra = this.opts.flowExtra?.[lane];
      if (extra !== undefined) texts[lane] = texts[lane].replace(/^flow:\n/m, `flow:\n  ${extra}\n`);
      writeFileSync(this.paths.lane(lane).config, texts[lane], { mode: 0o640 });
      writeLaneSecrets(this.paths.lane(lane).secrets, keys);
    }
  }

  private startDaemon(lane: LaneName): void {
    const lp = this.paths.lane(lane);
    const child = laneDaemonChild(this.opts.root, lane, lp);
    this.daemons.set(lane, child);
  }

  private async waitForLane(lane: LaneName): Promise<void> {
    const child = this.daemons.get(lane)!;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (!child.running) throw new Error(`the ${lane} lane daemon exited (${child.exitDescription()}): ${child.lastLines().slice(-8).join(' | ')}`);
      try {
        await this.lane(lane, 'status');
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`the ${lane} lane did not answer within 90 s`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private vehicle(args: Record<string, unknown>): DemoData['vehicles'][VehicleKey] | null {
    const key = args.vehicle;
    if (key === null || key === undefined || key === 'none') return null;
    if (typeof key !== 'string' || !['cleared', 'onHold', 'other'].includes(key)) throw new CommandError('bad_args', 'vehicle must be cleared, onHold, other or none');
    return this.data.vehicles[key as VehicleKey];
  }

  /** The demo socket's commands (the same names the demo orchestrator answers), so src/demo/scenarios.ts runs here. */
  private handlers(): Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown> {
    const lanes = Object.fromEntries(
      (['people', 'vehicle'] as const).map((lane) => [lane, { id: LANE_IDS[lane], socket: this.paths.lane(lane).socket, display: `http://127.0.0.1:${lane === 'people' ? this.ports.peopleDisplay : this.ports.vehicleDisplay}/` }]),
    );
    return {
      info: () => ({ lanes, broker: this.opts.brokerUrl, seeded: { people: this.central.seeded(LANE_IDS.people), vehicle: this.central.seeded(LANE_IDS.vehicle) } }),
      'present-qr': async (args) => {
        const which = args.credential;
        if (which !== 'valid' && which !== 'revoked' && which !== 'signed') throw new CommandError('bad_args', 'credential must be valid, revoked or signed');
        await this.scanner.step({ op: 'code', text: which === 'signed' ? this.signedQr : this.data.qr[which] });
        return { presented: `${which} QR code`, at: Date.now() };
      },
      'present-passport': async () => {
        await this.mrz.step({ op: 'document', lines: this.data.passport.lines });
        return { presented: 'passport', at: Date.now() };
      },
      'rfid-field': async (args) => {
        const v = this.vehicle(args);
        await this.llrp.step({ op: 'tags', tags: v === null ? [] : [{ epc: v.epc, rssi: -48 }] });
        return { tag: v === null ? null : v.vehicleId };
      },
      'camera-show': async (args) => this.camera.show(this.vehicle(args)),
      loop: (args) => {
        if (typeof args.occupied !== 'boolean') throw new CommandError('bad_args', 'occupied must be true or false');
        if (args.occupied) this.loopSetAt.push(Date.now());
        this.plc.setLoop('loop-1', args.occupied);
        return this.plc.snapshot();
      },
      plc: () => this.plc.snapshot(),
      central: (args) => {
        const since = typeof args.since === 'number' ? args.since : 0;
        return { events: this.central.events.filter((e) => e.n > since) };
      },
    };
  }
}
