import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DelimiterParser, PacketLengthParser, SerialPortMock } from 'serialport';
import { MrzLineAssembler, classifyMrz } from '../drivers/mrz/mrz-lines.js';
import { encodeRteBlock, rteBlockFormat } from '../drivers/mrz/rte-frame.js';
import { SerialMrzReader } from '../drivers/mrz/serial-mrz-reader.js';
import { serialMrzReaderConfigSchema } from '../drivers/mrz/serial-mrz-reader.config.js';
import { LlrpMessageReader, encodeMessage } from '../drivers/rfid/llrp/llrp-binary.js';
import { CONNECTION_ATTEMPT, MSG, RESPONSE_OF, parseRoAccessReport } from '../drivers/rfid/llrp/llrp-messages.js';
import { LlrpReader } from '../drivers/rfid/llrp-reader.js';
import { llrpReaderConfigSchema } from '../drivers/rfid/llrp-reader.config.js';
import { encodeR2000, encodeR2000TagData, r2000Format, r2000Protocol } from '../drivers/rfid/r2000-protocol.js';
import { SerialRfidReader } from '../drivers/rfid/serial-rfid-reader.js';
import { serialRfidReaderConfigSchema } from '../drivers/rfid/serial-rfid-reader.config.js';
import { UHF_CMD, UHF_STATUS, encodeInventoryData, encodeUhfResponse, uhfReader18Protocol, uhfResponseFormat } from '../drivers/rfid/uhfreader18-protocol.js';
import { LineFramer } from '../drivers/scanner/line-framer.js';
import { PacketScanner } from '../drivers/scanner/packet-scanner.js';
import { createScannerWire } from '../drivers/scanner/scanner-wire.js';
import type { SerialPortFactory } from '../drivers/scanner/serial-device-base.js';
import { SerialScanner } from '../drivers/scanner/serial-scanner.js';
import { serialScannerConfigSchema } from '../drivers/scanner/serial-scanner.config.js';
import { newlandReply } from '../drivers/scanner/trigger-commands.js';
import { encodeSsi } from '../drivers/scanner/zebra-ssi.js';
import { connectionAttemptBody, statusBody, tagReportData } from '../drivers/sim/llrp-sim-codec.js';
import { SPECIMEN_MRZ } from '../drivers/sim/mrz-reader-sim.js';
import { DeviceSupervisor } from '../drivers/supervisor.js';
import { systemClock } from '../src/util/clock.js';
import { LogHub } from '../src/util/logger.js';
import { percentile, type BenchReport, type BenchRow } from './report.js';

/**
 * Reader drivers: frames parsed per second per protocol (pure parsing, serialport's own parsers as
 * peers on the same bytes), the latency from the last byte received to the typed event through the
 * real driver classes (goal p99 <= 2 ms), and the time from a replug to the driver being up again on a
 * real pty with the simulator in another process (goal <= 2 s).
 *
 *   npm run bench -- readers [--frames N] [--samples N] [--cycles N]
 */
const log = new LogHub({ level: 'silent' }).root;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The wire cut into 64-byte reads, about what a USB-CDC port delivers. */
function reads(wire: Buffer, size = 64): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < wire.length; at += size) out.push(wire.subarray(at, at + size));
  return out;
}

const epcOf = (i: number): Buffer => Buffer.from(`E280116060000205${(i >>> 0).toString(16).padStart(8, '0')}`, 'hex');
const codeOf = (i: number): string => `HTTPS://VN.EXAMPLE/Q?${String(i).padStart(10, '0')}`;

interface Parser {
  name: string;
  frames: number;
  /** Parses the whole wire from scratch and returns how many frames it found. */
  run(): number | Promise<number>;
}

function parsers(n: number): Parser[] {
  const lineWire = Buffer.from(Array.from({ length: n }, (_, i) => `]Q1${codeOf(i)}\r`).join(''), 'latin1');
  const newlandWire = Buffer.concat(
    Array.from({ length: n }, (_, i) => Buffer.concat([i % 10 === 0 ? newlandReply('SCNTRG1', true) : Buffer.alloc(0), Buffer.from(`${codeOf(i)}\r`)])),
  );
  const ssiWire = Buffer.concat(Array.from({ length: n }, (_, i) => encodeSsi({ opcode: 0xf3, source: 0, data: Buffer.from(`\x1c${codeOf(i)}`, 'latin1') })));
  const docs = Math.max(1, Math.floor(n / 10));
  const rteWire = Buffer.concat(Array.from({ length: docs }, () => encodeRteBlock(Buffer.from(`\r${SPECIMEN_MRZ.TD3.join('\r')}\r`, 'latin1'))));
  const mrzLinesWire = Buffer.from(Array.from({ length: docs }, () => `${SPECIMEN_MRZ.TD1.join('\r')}\r`).join(''), 'latin1');
  const uhfWire = Buffer.concat(Array.from({ length: n }, (_, i) => encodeUhfResponse(0, UHF_CMD.INVENTORY, UHF_STATUS.INVENTORY_DONE, encodeInventoryData([epcOf(i)]))));
  const r2000Wire = Buffer.concat(Array.from({ length: n }, (_, i) => encodeR2000(1, 0x89, encodeR2000TagData(epcOf(i), 1, -50))));
  const llrpWire = Buffer.concat(
    Array.from({ length: n }, (_, i) => encodeMessage(MSG.RO_ACCESS_REPORT, i, tagReportData({ epc: epcOf(i), antenna: 1, rssi: -50, firstSeenUs: 1n }))),
  );
  const wireScans = (protocol: 'line' | 'newland' | 'zebra-ssi', wire: Buffer): number => {
    const scanner = createScannerWire({ protocol, suffix: 'cr', interByteTimeoutMs: 50, aimIds: protocol === 'line', maxCodeBytes: 4096 });
    let found = 0;
    for (const chunk of reads(wire)) found += scanner.push(chunk, 0).scans.length;
    return found;
  };
  const packets = <P>(format: ConstructorParameters<typeof PacketScanner<P>>[0], wire: Buffer, use: (p: P) => number): number => {
    const scanner = new PacketScanner(format);
    let found = 0;
    for (const chunk of reads(wire)) for (const packet of scanner.push(chunk, 0).packets) found += use(packet);
    return found;
  };
  const streamPeer = (make: () => DelimiterParser | PacketLengthParser, wire: Buffer, expected: number): Promise<number> =>
    new Promise((resolve) => {
      const parser = make();
      let found = 0;
      parser.on('data', () => {
        found += 1;
        if (found === expected) resolve(found);
      });
      for (const chunk of reads(wire)) parser.write(chunk);
    });
  return [
    { name: 'scanner line + AIM', frames: n, run: () => wireScans('line', lineWire) },
    { name: 'scanner newland (replies in-band)', frames: n, run: () => wireScans('newland', newlandWire) },
    { name: 'scanner zebra-ssi packets', frames: n, run: () => wireScans('zebra-ssi', ssiWire) },
    { name: 'mrz RTE blocks (TD3)', frames: docs, run: () => packets(rteBlockFormat(512), rteWire, (b) => (classifyMrz(b.data.toString('latin1').split('\r')).ok ? 1 : 0)) },
    {
      name: 'mrz CR lines (TD1)',
      frames: docs,
      run: () => {
        const framer = new LineFramer({ suffix: 'cr' });
        const assembler = new MrzLineAssembler({ gapMs: 500 });
        let found = 0;
        for (const chunk of reads(mrzLinesWire)) for (const line of framer.push(chunk, 0)) found += assembler.push(line.toString('latin1'), 0).length;
        return found;
      },
    },
    { name: 'rfid uhfreader18 answers', frames: n, run: () => packets(uhfResponseFormat, uhfWire, (p) => uhfReader18Protocol.interpret(p).filter((f) => f.kind === 'tags').length) },
    { name: 'rfid r2000 tag frames', frames: n, run: () => packets(r2000Format, r2000Wire, (p) => r2000Protocol.interpret(p).length) },
    {
      name: 'rfid llrp RO_ACCESS_REPORT',
      frames: n,
      run: () => {
        const stream = new LlrpMessageReader();
        let found = 0;
        for (const chunk of reads(llrpWire, 1460)) for (const message of stream.push(chunk).messages) found += parseRoAccessReport(message.body).length;
        return found;
      },
    },
    { name: 'peer: serialport DelimiterParser (CR lines)', frames: n, run: () => streamPeer(() => new DelimiterParser({ delimiter: '\r' }), lineWire, n) },
    {
      name: 'peer: serialport PacketLengthParser (r2000, no checksum)',
      frames: n,
      run: () => streamPeer(() => new PacketLengthParser({ delimiter: 0xa0, packetOverhead: 2, lengthBytes: 1, lengthOffset: 1 }), r2000Wire, n),
    },
  ];
}

async function throughput(n: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const parser of parsers(n)) {
    await parser.run(); // warm-up
    const start = process.hrtime.bigint();
    const found = await parser.run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (found !== parser.frames) throw new Error(`${parser.name}: found ${found} of ${parser.frames} frames`);
    rows.push({ name: `${parser.name}: frames/s`, value: Math.round(parser.frames / seconds), unit: 'frames/s' });
  }
  return rows;
}

interface LatencyCase {
  name: string;
  event: 'code' | 'document' | 'tag';
  make(factory: SerialPortFactory, path: string): SerialScanner | SerialMrzReader | SerialRfidReader;
  frame(i: number): Buffer;
}

const LATENCY_CASES: LatencyCase[] = [
  {
    name: 'scanner line',
    event: 'code',
    make: (portFactory, path) => new SerialScanner(serialScannerConfigSchema.parse({ type: 'serial-scanner', name: 'b', path, readWindow: 'always' }), { clock: systemClock, log, portFactory }),
    frame: (i) => Buffer.from(`${codeOf(i)}\r`),
  },
  {
    name: 'scanner zebra-ssi',
    event: 'code',
    make: (portFactory, path) =>
      new SerialScanner(serialScannerConfigSchema.parse({ type: 'serial-scanner', name: 'b', path, protocol: 'zebra-ssi', readWindow: 'always' }), { clock: systemClock, log, portFactory }),
    frame: (i) => encodeSsi({ opcode: 0xf3, source: 0, data: Buffer.from(`\x1c${codeOf(i)}`, 'latin1') }),
  },
  {
    name: 'mrz RTE block',
    event: 'document',
    make: (portFactory, path) => new SerialMrzReader(serialMrzReaderConfigSchema.parse({ type: 'serial-mrz-reader', name: 'b', path }), { clock: systemClock, log, portFactory }),
    frame: () => encodeRteBlock(Buffer.from(`\r${SPECIMEN_MRZ.TD3.join('\r')}\r`, 'latin1')),
  },
  {
    name: 'rfid uhfreader18',
    event: 'tag',
    make: (portFactory, path) =>
      new SerialRfidReader(serialRfidReaderConfigSchema.parse({ type: 'serial-rfid-reader', name: 'b', path, protocol: 'uhfreader18', dedupeWindowMs: 0 }), { clock: systemClock, log, portFactory }),
    frame: (i) => encodeUhfResponse(0, UHF_CMD.INVENTORY, UHF_STATUS.INVENTORY_DONE, encodeInventoryData([epcOf(i)])),
  },
  {
    name: 'rfid r2000',
    event: 'tag',
    make: (portFactory, path) =>
      new SerialRfidReader(serialRfidReaderConfigSchema.parse({ type: 'serial-rfid-reader', name: 'b', path, protocol: 'r2000', dedupeWindowMs: 0 }), { clock: systemClock, log, portFactory }),
    frame: (i) => encodeR2000(1, 0x89, encodeR2000TagData(epcOf(i), 1, -50)),
  },
];

function latencyRows(name: string, samples: number[], what: string): BenchRow[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const p99 = percentile(sorted, 99);
  return [
    { name: `${name}: ${what} p50`, value: Number(percentile(sorted, 50).toFixed(4)), unit: 'ms' },
    { name: `${name}: ${what} p99`, value: Number(p99.toFixed(4)), unit: 'ms', goal: '<= 2 ms', pass: p99 <= 2 },
  ];
}

/** Last byte received (the port's 'data' event, before the driver's listener) to the typed event. */
async function serialLatency(samples: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [index, c] of LATENCY_CASES.entries()) {
    const path = `/dev/bench-readers-${process.pid}-${index}`;
    SerialPortMock.binding.createPort(path);
    let receivedAt = 0n;
    let port: SerialPortMock | null = null;
    const factory: SerialPortFactory = (opts) => {
      port = new SerialPortMock({ ...opts, autoOpen: false });
      port.on('data', () => {
        receivedAt = process.hrtime.bigint();
      });
      return port;
    };
    const driver = c.make(factory, path);
    await driver.open();
    const latencies: number[] = [];
    for (let i = 0; i < samples + 200; i += 1) {
      const done = new Promise<void>((resolve) =>
        (driver as unknown as { once(event: string, fn: () => void): void }).once(c.event, () => {
          if (i >= 200) latencies.push(Number(process.hrtime.bigint() - receivedAt) / 1e6); // first 200: warm-up
          resolve();
        }),
      );
      (port as SerialPortMock | null)?.port?.emitData(c.frame(i));
      await done;
    }
    await driver.close();
    rows.push(...latencyRows(c.name, latencies, 'last byte -> event'));
  }
  return rows;
}

/** LLRP: a minimal reader on loopback answers the setup, then sends one report per sample. */
async function llrpLatency(samples: number): Promise<BenchRow[]> {
  let receivedAt = 0n;
  let client: Socket | null = null;
  const server = createServer((socket) => {
    client = socket;
    const stream = new LlrpMessageReader();
    socket.on('data', (chunk: Buffer) => {
      for (const m of stream.push(chunk).messages) {
        const response = RESPONSE_OF.get(m.type);
        if (response !== undefined) socket.write(encodeMessage(response, m.id, statusBody(0)));
      }
    });
    socket.on('error', () => undefined);
    socket.write(encodeMessage(MSG.READER_EVENT_NOTIFICATION, 1, connectionAttemptBody(CONNECTION_ATTEMPT.SUCCESS, 0n)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // The socket's first 'data' listener (before the driver's) marks when the report's last byte arrived.
  const connect = (opts: { host: string; port: number }): Socket => {
    const socket = createConnection(opts);
    socket.on('data', () => {
      receivedAt = process.hrtime.bigint();
    });
    return socket;
  };
  const driver = new LlrpReader(llrpReaderConfigSchema.parse({ type: 'llrp-reader', name: 'b', host: '127.0.0.1', port, dedupeWindowMs: 0 }), {
    clock: systemClock,
    log,
    connect,
  });
  await driver.open();
  await driver.configure();
  const latencies: number[] = [];
  for (let i = 0; i < samples + 200; i += 1) {
    const done = new Promise<void>((resolve) =>
      driver.once('tag', () => {
        if (i >= 200) latencies.push(Number(process.hrtime.bigint() - receivedAt) / 1e6);
        resolve();
      }),
    );
    const report = encodeMessage(MSG.RO_ACCESS_REPORT, 10 + i, tagReportData({ epc: epcOf(i), antenna: 1, rssi: -50, firstSeenUs: 1n }));
    (client as Socket | null)?.write(report);
    await done;
  }
  await driver.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return latencyRows('rfid llrp', latencies, 'last byte -> event');
}

function startSocat(a: string, b: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) resolve(proc);
    });
    proc.once('exit', (code) => reject(new Error(`socat exited (${code}): ${text}`)));
  });
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Replug -> driver up again, on a real pty with the simulator process (default supervisor settings). */
async function reconnect(cycles: number): Promise<{ rows: BenchRow[]; meta: Record<string, unknown> }> {
  const simEntry = join(root, 'dist', 'drivers', 'sim', 'run-serial-sim.js');
  if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).error || !existsSync(simEntry)) {
    return { rows: [{ name: 'replug -> scanner up (needs socat)', value: Number.NaN, unit: 'ms' }], meta: { reconnect: 'skipped: socat or build missing' } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-readers-'));
  const [a, b] = [join(dir, 'sim'), join(dir, 'scanner')];
  let socat = await startSocat(a, b);
  const sim = spawn(process.execPath, [simEntry, '--device', 'scanner', '--path', a, '--reopen'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const driver = new SerialScanner(serialScannerConfigSchema.parse({ type: 'serial-scanner', name: 'bench-qr', path: b }), { clock: systemClock, log });
  const supervisor = new DeviceSupervisor(driver, { clock: systemClock, log });
  const times: number[] = [];
  try {
    await supervisor.start();
    for (let cycle = 0; cycle < cycles; cycle += 1) {
      socat.kill('SIGKILL');
      await until(() => supervisor.health().state === 'failed', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // the cable stays out for a second
      const replugged = Date.now();
      socat = await startSocat(a, b);
      await until(() => supervisor.health().state === 'ok', 15_000);
      times.push(Date.now() - replugged);
    }
  } finally {
    await supervisor.stop();
    sim.stdin?.end();
    sim.kill();
    socat.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...times].sort((x, y) => x - y);
  const worst = sorted[sorted.length - 1] ?? Number.NaN;
  return {
    rows: [
      { name: 'replug -> scanner up (pty + sim process), median', value: percentile(sorted, 50), unit: 'ms' },
      { name: 'replug -> scanner up, worst', value: worst, unit: 'ms', goal: '<= 2000 ms', pass: worst <= 2_000 },
    ],
    meta: { reconnectMs: times, reconnects: supervisor.health().reconnects },
  };
}

export async function run(args: string[]): Promise<BenchReport> {
  const frames = arg(args, '--frames', 50_000);
  const samples = arg(args, '--samples', 2_000);
  const cycles = arg(args, '--cycles', 5);
  // Latency first: the throughput runs leave a large heap whose collection would land in the p99.
  const latency = [...(await serialLatency(samples)), ...(await llrpLatency(samples))];
  const rows = [...(await throughput(frames)), ...latency];
  const replug = await reconnect(cycles);
  rows.push(...replug.rows);
  return {
    suite: 'readers',
    rows,
    meta: {
      frames,
      samples,
      note: 'Parsing runs on 64-byte reads. Latency: from the data event that carried the last byte (binding-mock serial port; LLRP: the loopback TCP socket) to the typed event, through the real driver classes.',
      ...replug.meta,
    },
  };
}
