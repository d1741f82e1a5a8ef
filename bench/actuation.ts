import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUAClient, MessageSecurityMode, SecurityPolicy, OPCUACertificateManager } from 'node-opcua';
import { OpcuaBarrier } from '../drivers/barrier/opcua-barrier.js';
import { opcuaBarrierConfigSchema } from '../drivers/barrier/opcua-barrier.config.js';
import { RelayBarrier } from '../drivers/barrier/relay-barrier.js';
import { relayBarrierConfigSchema } from '../drivers/barrier/relay-barrier.config.js';
import type { Barrier } from '../drivers/barrier/barrier.js';
import type { FakeIo } from '../drivers/io/fake-io.js';
import { BarrierPlcModel } from '../drivers/sim/plc/barrier-plc-model.js';
import { BarrierPlcServer } from '../drivers/sim/plc/barrier-plc-server.js';
import { initialInterlockState, stepInterlock, type InterlockConfig, type InterlockState } from '../src/lane/interlocks/index.js';
import { systemClock } from '../src/util/clock.js';
import { FakeClock } from '../src/util/fake-clock.js';
import { LogHub } from '../src/util/logger.js';
import { percentile, type BenchReport, type BenchRow } from './report.js';

/**
 * Latency from a grant to the actuator: the interlock step (pure) turns the grant into `actuate open`,
 * the effect is handed to the barrier driver, and we time until (a) the relay line is written on the
 * fake GPIO backend and (b) the Open method arrives in the simulated PLC over loopback OPC UA. Peers in
 * the same run: a bare FakeIo write, and a bare node-opcua session.call on its own session.
 * Usage: npm run bench -- actuation [--relay N] [--plc N]
 */
const log = new LogHub({ level: 'silent' }).root;
const LANE: InterlockConfig = { barriers: [{ id: 'boom', role: 'vehicle-barrier', presence: ['loop-a'] }] };

function clearLane(): InterlockState {
  return stepInterlock(LANE, initialInterlockState(LANE), { type: 'presence', at: 0, input: 'loop-a', active: false }).state;
}

/** Runs one grant through the interlocks and executes its actuate effects on the barrier. */
async function grant(state: InterlockState, barrier: Barrier): Promise<void> {
  const step = stepInterlock(LANE, state, { type: 'grant', at: Date.now(), source: 'local', barrier: 'boom' });
  for (const effect of step.effects) if (effect.type === 'actuate') await barrier.command(effect.action);
}

function stats(name: string, samples: number[], goal?: { p99Ms: number }): BenchRow[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  return [
    { name: `${name} p50`, value: round(p50), unit: 'ms' },
    goal
      ? { name: `${name} p99`, value: round(p99), unit: 'ms', goal: `<= ${goal.p99Ms} ms p99`, pass: p99 <= goal.p99Ms }
      : { name: `${name} p99`, value: round(p99), unit: 'ms' },
  ];
}

const round = (ms: number): number => Math.round(ms * 1_000) / 1_000;

async function relay(iterations: number): Promise<{ ours: number[]; peer: number[] }> {
  const clock = new FakeClock();
  const config = relayBarrierConfigSchema.parse({
    type: 'relay-barrier', name: 'boom', role: 'vehicle-barrier', pulseMs: 300, safety: ['loop-a'],
    io: { backend: 'fake', lines: [{ name: 'open', direction: 'out' }, { name: 'close', direction: 'out' }, { name: 'loop-a', direction: 'in' }] },
  });
  const barrier = new RelayBarrier(config, { clock, log });
  const io = barrier.io as FakeIo;
  let wroteAt = 0;
  const write = io.write.bind(io);
  io.write = async (line, value) => {
    await write(line, value);
    if (line === 'open' && value) wroteAt = performance.now();
  };
  await barrier.open();
  const state = clearLane();
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < iterations + 200; i += 1) {
    const t0 = performance.now();
    await grant(state, barrier);
    if (i >= 200) ours.push(wroteAt - t0); // first 200: warm-up
    clock.advance(300); // end the pulse
    const t1 = performance.now();
    await write('close', true);
    if (i >= 200) peer.push(performance.now() - t1);
    await write('close', false);
  }
  await barrier.close();
  return { ours, peer };
}

async function plc(iterations: number): Promise<{ ours: number[]; peer: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'lane-bench-plc-'));
  const model = new BarrierPlcModel({ clock: systemClock, travelMs: 5, loops: ['loop-a'] });
  const server = new BarrierPlcServer({ model, port: 48_000 + Math.floor(Math.random() * 1_000), pkiDir: join(dir, 'server') });
  await server.start();
  const config = opcuaBarrierConfigSchema.parse({
    type: 'opcua-barrier', name: 'boom', role: 'vehicle-barrier', endpoint: server.endpointUrl,
    security: { mode: 'None', pkiDir: join(dir, 'client') },
    commands: { style: 'method', objectId: 'ns=1;s=Barrier', open: 'ns=1;s=Barrier.Open', close: 'ns=1;s=Barrier.Close' },
    nodes: { position: 'ns=1;s=Barrier.Position', heartbeat: 'ns=1;s=Barrier.Heartbeat', presence: [{ input: 'loop-a', nodeId: 'ns=1;s=Barrier.Loop.loop-a' }] },
    publishingIntervalMs: 50,
  });
  const barrier = new OpcuaBarrier(config, { clock: systemClock, log });
  let arrivedAt = 0;
  model.on('command', (c) => {
    arrivedAt = c.monotonic;
  });
  const peerClient = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    clientCertificateManager: new OPCUACertificateManager({ rootFolder: join(dir, 'peer'), automaticallyAcceptUnknownCertificate: true }),
    connectionStrategy: { maxRetry: 0 },
  });
  const ours: number[] = [];
  const peer: number[] = [];
  try {
    await barrier.open();
    await barrier.configure();
    await peerClient.connect(server.endpointUrl);
    const session = await peerClient.createSession();
    const state = clearLane();
    for (let i = 0; i < iterations + 20; i += 1) {
      const t0 = performance.now();
      await grant(state, barrier);
      if (i >= 20) ours.push(arrivedAt - t0);
      const t1 = performance.now();
      await session.call({ objectId: 'ns=1;s=Barrier', methodId: 'ns=1;s=Barrier.Open', inputArguments: [] });
      if (i >= 20) peer.push(arrivedAt - t1);
    }
    await session.close();
  } finally {
    await peerClient.disconnect().catch(() => undefined);
    await barrier.close();
    await server.stop();
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  return { ours, peer };
}

function argNumber(args: string[], flag: string, fallback: number): number {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export async function run(args: string[]): Promise<BenchReport> {
  const relayN = argNumber(args, '--relay', 5_000);
  const plcN = argNumber(args, '--plc', 300);
  const r = await relay(relayN);
  const p = await plc(plcN);
  return {
    suite: 'actuation',
    rows: [
      ...stats('grant -> relay write (fake GPIO)', r.ours, { p99Ms: 1 }),
      ...stats('bare FakeIo write (peer)', r.peer),
      ...stats('grant -> PLC Open method arrives (loopback OPC UA)', p.ours, { p99Ms: 50 }),
      ...stats('bare node-opcua session.call arrives (peer)', p.peer),
    ],
    meta: { relayIterations: relayN, plcIterations: plcN, transport: 'opc.tcp loopback, security None', note: 'arrival measured inside the simulated PLC method handler' },
  };
}
