import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  Variant,
  nodesets,
  type ISessionContext,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import { BarrierPlcModel, PLC_COMMAND, PLC_POSITION, PlcCommandRefused, type PlcCommand, type PlcSnapshot } from './barrier-plc-model.js';

/**
 * An OPC UA server in front of a BarrierPlcModel: the simulated gate PLC for tests and the demo.
 * Node ids (namespace 1, the server's own):
 *
 *   ns=1;s=Barrier                 object; methods Open, Close, Stop, HoldOpen, ReleaseHold (no arguments)
 *   ns=1;s=Barrier.Position        Int32   0 unknown, 1 opened, 2 closed, 3 opening, 4 closing, 5 stopped
 *   ns=1;s=Barrier.OpenedLimit     Boolean
 *   ns=1;s=Barrier.ClosedLimit     Boolean
 *   ns=1;s=Barrier.HeldOpen        Boolean hold-open active
 *   ns=1;s=Barrier.Fault           Int32   0 = none (10 motor, 20 heartbeat lost, 99 injected)
 *   ns=1;s=Barrier.Loop.<name>     Boolean loop occupancy
 *   ns=1;s=Barrier.Heartbeat       UInt32  written by the client every second; the PLC watches it
 *   ns=1;s=Barrier.Command         Int32   writable: 1 open, 2 close, 3 stop, 4 hold-open, 5 release-hold
 *
 * A refused or failing method returns BadInvalidState / BadInternalError, as a PLC's method would.
 * The model outlives the server: stop() and start() again is a PLC whose communication restarted
 * while the boom kept moving.
 */
/**
 * The simulator's address space as an opcua-barrier driver config names it (method commands),
 * for rigs and benches that drive the simulator with the real driver.
 */
export function simulatorBarrierNodes(loops: readonly string[]): {
  commands: { style: 'method'; objectId: string; open: string; close: string; stop: string; holdOpen: string; releaseHold: string };
  nodes: { position: string; openedLimit: string; closedLimit: string; fault: string; heartbeat: string; presence: { input: string; nodeId: string }[] };
} {
  const id = (name: string): string => `ns=1;s=Barrier${name === '' ? '' : `.${name}`}`;
  return {
    commands: { style: 'method', objectId: id(''), open: id('Open'), close: id('Close'), stop: id('Stop'), holdOpen: id('HoldOpen'), releaseHold: id('ReleaseHold') },
    nodes: {
      position: id('Position'),
      openedLimit: id('OpenedLimit'),
      closedLimit: id('ClosedLimit'),
      fault: id('Fault'),
      heartbeat: id('Heartbeat'),
      presence: loops.map((input) => ({ input, nodeId: id(`Loop.${input}`) })),
    },
  };
}

export interface BarrierPlcServerOptions {
  model: BarrierPlcModel;
  port: number;
  /** Server PKI (own certificate, trusted/rejected client certificates). Put it in a temp dir in tests. */
  pkiDir: string;
  /** Default: None only (tests); the demo may offer SignAndEncrypt too. */
  securityModes?: MessageSecurityMode[];
  securityPolicies?: SecurityPolicy[];
}

const METHODS: ReadonlyArray<[string, PlcCommand]> = [
  ['Open', 'open'],
  ['Close', 'close'],
  ['Stop', 'stop'],
  ['HoldOpen', 'hold-open'],
  ['ReleaseHold', 'release-hold'],
];

export class BarrierPlcServer {
  private readonly opts: BarrierPlcServerOptions;
  private server: OPCUAServer | null = null;
  private variables = new Map<string, UAVariable>();
  private readonly onChange = (s: PlcSnapshot): void => this.publish(s);

  constructor(opts: BarrierPlcServerOptions) {
    this.opts = opts;
  }

  get endpointUrl(): string {
    return `opc.tcp://127.0.0.1:${this.opts.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    mkdirSync(this.opts.pkiDir, { recursive: true });
    const serverCertificateManager = new OPCUACertificateManager({ rootFolder: join(this.opts.pkiDir, 'server'), automaticallyAcceptUnknownCertificate: true });
    const userCertificateManager = new OPCUACertificateManager({ rootFolder: join(this.opts.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: true });
    const modes = this.opts.securityModes ?? [MessageSecurityMode.None];
    const server = new OPCUAServer({
      port: this.opts.port,
      hostname: '127.0.0.1',
      serverCertificateManager,
      userCertificateManager,
      securityModes: modes,
      securityPolicies: this.opts.securityPolicies ?? (modes.includes(MessageSecurityMode.None) && modes.length === 1 ? [SecurityPolicy.None] : [SecurityPolicy.None, SecurityPolicy.Basic256Sha256]),
      allowAnonymous: true,
      nodeset_filename: [nodesets.standard],
      buildInfo: { productName: 'lane-controller simulated barrier PLC' },
    });
    await server.initialize();
    this.build(server);
    await server.start();
    this.server = server;
    this.opts.model.on('change', this.onChange);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.opts.model.off('change', this.onChange);
    this.variables = new Map();
    await server.shutdown(0);
  }

  private build(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    const barrier: UAObject = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Barrier', nodeId: 's=Barrier' });
    const s = this.opts.model.snapshot();
    const add = (key: string, dataType: DataType, value: number | boolean, writable = false): UAVariable => {
      const variable = ns.addVariable({
        componentOf: barrier,
        browseName: key,
        nodeId: `s=Barrier.${key}`,
        dataType: DataType[dataType],
        minimumSamplingInterval: 10,
        accessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        userAccessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      });
      variable.setValueFromSource(new Variant({ dataType, value }));
      this.variables.set(key, variable);
      return variable;
    };
    add('Position', DataType.Int32, PLC_POSITION[s.position]);
    add('OpenedLimit', DataType.Boolean, s.openedLimit);
    add('ClosedLimit', DataType.Boolean, s.closedLimit);
    add('HeldOpen', DataType.Boolean, s.holdOpen);
    add('Fault', DataType.Int32, s.fault);
    for (const [loop, occupied] of Object.entries(s.loops)) add(`Loop.${loop}`, DataType.Boolean, occupied);
    const heartbeat = add('Heartbeat', DataType.UInt32, s.heartbeat, true);
    heartbeat.on('value_changed', (dataValue) => this.opts.model.heartbeat(Number(dataValue.value.value)));
    const command = add('Command', DataType.Int32, PLC_COMMAND.none, true);
    command.on('value_changed', (dataValue) => {
      const code = Number(dataValue.value.value);
      const name = (Object.keys(PLC_COMMAND) as Array<keyof typeof PLC_COMMAND>).find((k) => PLC_COMMAND[k] === code);
      if (!name || name === 'none') return;
      try {
        this.opts.model.command(name);
      } catch {
        // The variable style has no return status: the refusal shows on Fault/Position.
      }
      // The PLC takes the command and clears the variable, as a handshake.
      command.setValueFromSource(new Variant({ dataType: DataType.Int32, value: PLC_COMMAND.none }));
    });
    for (const [browseName, cmd] of METHODS) {
      const method = ns.addMethod(barrier, { browseName, nodeId: `s=Barrier.${browseName}`, inputArguments: [], outputArguments: [] });
      // node-opcua tells async handlers from callback ones by their arity: keep both parameters.
      method.bindMethod(async (_inputArguments: Variant[], _context: ISessionContext) => {
        try {
          this.opts.model.command(cmd);
          return { statusCode: StatusCodes.Good };
        } catch (err) {
          const injected = err instanceof PlcCommandRefused && err.reason === 'injected-failure';
          return { statusCode: injected ? StatusCodes.BadInternalError : StatusCodes.BadInvalidState };
        }
      });
    }
  }

  private publish(s: PlcSnapshot): void {
    const set = (key: string, dataType: DataType, value: number | boolean): void => {
      this.variables.get(key)?.setValueFromSource(new Variant({ dataType, value }));
    };
    set('Position', DataType.Int32, PLC_POSITION[s.position]);
    set('OpenedLimit', DataType.Boolean, s.openedLimit);
    set('ClosedLimit', DataType.Boolean, s.closedLimit);
    set('HeldOpen', DataType.Boolean, s.holdOpen);
    set('Fault', DataType.Int32, s.fault);
    for (const [loop, occupied] of Object.entries(s.loops)) set(`Loop.${loop}`, DataType.Boolean, occupied);
  }
}
