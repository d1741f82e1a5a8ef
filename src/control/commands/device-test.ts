import { z } from 'zod';
import type { CameraFrame } from '../../../drivers/camera/camera.js';
import type { TagRead } from '../../../drivers/rfid/rfid-reader.js';
import type { ScannedCode } from '../../../drivers/scanner/scanner.js';
import { defineRemoteCommand, type ClientRunContext, type CommandOutcome, type FormatContext, type HumanBlock, type RemoteCommandSpec } from '../command-spec.js';
import type { ControlContext } from '../contract.js';
import type { DeviceHandle } from '../lane-control.js';
import { CommandError } from '../protocol.js';
import { positionals } from './cli-args.js';
import { downDetail, requireDevice, type TestableKind } from './device-access.js';
import { eventWindow } from './event-window.js';
import { takeNumberOption } from './number-option.js';

/**
 * `test scanner|rfid|camera NAME [--seconds N]`: exercise one device for a few seconds and report.
 *
 * The control protocol has one reply per request (no streaming), so a test is one bounded request
 * (at most MAX_SECONDS) and lanectl prints a progress line per second on stderr while it waits.
 * What is reported never includes what was read: a scanner's code is reported by symbology, length
 * and latency only; an RFID tag's EPC is shortened to its first and last 4 hex digits.
 */
export const MAX_SECONDS = 30;

export interface DeviceTestArgs {
  device: string;
  seconds: number;
}

interface Base {
  device: string;
  type: string;
  seconds: number;
  /** False when the device did not do what the test expects (lanectl exits 1). */
  passed: boolean;
  /** One line: what happened, or what to check when it failed. */
  verdict: string;
}

export interface ScannerTestResult extends Base {
  kind: 'scanner';
  code: { symbology: string | null; length: number; latencyMs: number } | null;
}

export interface RfidTagSummary {
  /** First and last 4 hex digits, e.g. `3074…1A85`: enough to tell tags apart, not to clone one. */
  epc: string;
  reads: number;
  antennas: number[];
  rssiMin: number | null;
  rssiMax: number | null;
  rssiAvg: number | null;
}

export interface RfidTestResult extends Base {
  kind: 'rfid';
  reads: number;
  tags: RfidTagSummary[];
}

export interface CameraTestResult extends Base {
  kind: 'camera';
  frames: number;
  fps: number;
  /** Sizes seen, e.g. ['1920x1080']; more than one means the stream changed format. */
  sizes: string[];
  avgBytes: number;
  /** Frames the driver skipped (gaps in seq) during the window. */
  skipped: number;
  maxGapMs: number | null;
  /** Age of the newest frame when the window ended; null without frames. */
  lastFrameAgeMs: number | null;
}

// One test per device at a time: two read windows on one scanner would end each other.
const busy = new Set<string>();

/** Only a device that is connected (ok) or limping (degraded) can be exercised. */
function requireUsable(handle: DeviceHandle): void {
  const state = handle.health().state;
  if (state !== 'ok' && state !== 'degraded') throw new CommandError('device_down', `${downDetail(handle)}; fix the connection first (see lanectl devices)`);
}

async function exclusive<R>(name: string, work: () => Promise<R>): Promise<R> {
  if (busy.has(name)) throw new CommandError('device_busy', `'${name}' is already being tested; wait for that test to end`);
  busy.add(name);
  try {
    return await work();
  } finally {
    busy.delete(name);
  }
}

function shortEpc(epc: string): string {
  return epc.length <= 8 ? epc : `${epc.slice(0, 4)}…${epc.slice(-4)}`;
}

async function testScanner(ctx: ControlContext, args: DeviceTestArgs): Promise<ScannerTestResult> {
  const { handle, driver } = requireDevice(ctx, args.device, 'scanner');
  requireUsable(handle);
  // A read window also lets the passage flow take the code as a credential: only when the lane is
  // not admitting anyone.
  const mode = ctx.lane()?.snapshot().mode;
  if (mode === 'normal' || mode === 'free-pass') {
    throw new CommandError('lane_busy', `the lane is in ${mode} mode: a code read now would also reach the passage flow; switch the lane to maintenance first (lanectl mode maintenance --as ID)`);
  }
  return exclusive(handle.name, async () => {
    const ms = args.seconds * 1000;
    const opened = Date.now();
    let code: ScannerTestResult['code'] = null;
    driver.openReadWindow(ms);
    try {
      await eventWindow<ScannedCode>(
        (l) => {
          driver.on('code', l);
          return () => driver.off('code', l);
        },
        ms,
        (c) => {
          // Never c.text: the content may be personal data.
          code = { symbology: c.symbology, length: c.raw.length, latencyMs: Math.max(0, c.at - opened) };
          return true;
        },
      );
    } finally {
      driver.closeReadWindow();
    }
    const got = code as ScannerTestResult['code'];
    return {
      kind: 'scanner',
      device: handle.name,
      type: handle.type,
      seconds: args.seconds,
      passed: got !== null,
      verdict: got !== null ? 'code read' : `no code read in ${args.seconds} s: present a code to the scanner during the test; check its interface mode and suffix if it beeps but nothing arrives`,
      code: got,
    };
  });
}

async function testRfid(ctx: ControlContext, args: DeviceTestArgs): Promise<RfidTestResult> {
  const { handle, driver } = requireDevice(ctx, args.device, 'rfid');
  requireUsable(handle);
  return exclusive(handle.name, async () => {
    const byEpc = new Map<string, { reads: number; antennas: Set<number>; rssi: number[] }>();
    let reads = 0;
    await eventWindow<TagRead>(
      (l) => {
        driver.on('tag', l);
        return () => driver.off('tag', l);
      },
      args.seconds * 1000,
      (t) => {
        reads += 1;
        const s = byEpc.get(t.epc) ?? { reads: 0, antennas: new Set<number>(), rssi: [] };
        s.reads += 1;
        if (t.antenna !== null) s.antennas.add(t.antenna);
        if (t.rssi !== null) s.rssi.push(t.rssi);
        byEpc.set(t.epc, s);
      },
    );
    const tags = [...byEpc].map(([epc, s]): RfidTagSummary => ({
      epc: shortEpc(epc),
      reads: s.reads,
      antennas: [...s.antennas].sort((a, b) => a - b),
      rssiMin: s.rssi.length ? Math.min(...s.rssi) : null,
      rssiMax: s.rssi.length ? Math.max(...s.rssi) : null,
      rssiAvg: s.rssi.length ? Math.round((s.rssi.reduce((a, b) => a + b, 0) / s.rssi.length) * 10) / 10 : null,
    }));
    tags.sort((a, b) => b.reads - a.reads || a.epc.localeCompare(b.epc));
    return {
      kind: 'rfid',
      device: handle.name,
      type: handle.type,
      seconds: args.seconds,
      passed: reads > 0,
      verdict: reads > 0 ? `${tags.length} tag${tags.length === 1 ? '' : 's'} read` : `no tag read in ${args.seconds} s: hold a tag in the field; check antennas, power and the RSSI threshold`,
      reads,
      tags,
    };
  });
}

async function testCamera(ctx: ControlContext, args: DeviceTestArgs): Promise<CameraTestResult> {
  const { handle, driver } = requireDevice(ctx, args.device, 'camera');
  requireUsable(handle);
  return exclusive(handle.name, async () => {
    const frames: Array<Pick<CameraFrame, 'width' | 'height' | 'at' | 'seq'> & { bytes: number }> = [];
    const window = await eventWindow<CameraFrame>(
      (l) => {
        driver.on('frame', l);
        return () => driver.off('frame', l);
      },
      args.seconds * 1000,
      (f) => {
        // Keep the numbers only: the image may show a face or a plate.
        frames.push({ width: f.width, height: f.height, at: f.at, seq: f.seq, bytes: f.jpeg.length });
      },
    );
    let skipped = 0;
    let maxGapMs: number | null = null;
    for (let i = 1; i < frames.length; i++) {
      skipped += Math.max(0, frames[i]!.seq - frames[i - 1]!.seq - 1);
      const gap = frames[i]!.at - frames[i - 1]!.at;
      maxGapMs = maxGapMs === null ? gap : Math.max(maxGapMs, gap);
    }
    const last = frames[frames.length - 1];
    const n = frames.length;
    return {
      kind: 'camera',
      device: handle.name,
      type: handle.type,
      seconds: args.seconds,
      passed: n > 0,
      verdict: n > 0 ? 'frames arriving' : `no frame in ${args.seconds} s: ${downDetail(handle)}; check the stream URL or device and lanectl devices`,
      frames: n,
      fps: Math.round((n / (window.elapsedMs / 1000)) * 10) / 10,
      sizes: [...new Set(frames.map((f) => `${f.width}x${f.height}`))],
      avgBytes: n ? Math.round(frames.reduce((a, f) => a + f.bytes, 0) / n) : 0,
      skipped,
      maxGapMs,
      lastFrameAgeMs: last ? Math.max(0, Date.now() - last.at) : null,
    };
  });
}

function humanFor(r: ScannerTestResult | RfidTestResult | CameraTestResult): HumanBlock[] {
  const head: Array<readonly [string, string]> = [
    ['device', `${r.device} (${r.type})`],
    ['window', `${r.seconds} s`],
  ];
  const blocks: HumanBlock[] = [];
  if (r.kind === 'scanner') {
    head.push(['code', r.code === null ? 'none' : `symbology ${r.code.symbology ?? 'unknown'}, ${r.code.length} bytes, ${r.code.latencyMs} ms after the window opened`]);
  } else if (r.kind === 'rfid') {
    head.push(['reads', `${r.reads} reads of ${r.tags.length} tag${r.tags.length === 1 ? '' : 's'}`]);
    if (r.tags.length > 0) {
      const dbm = (v: number | null): string => (v === null ? '-' : String(v));
      blocks.push({
        kind: 'table',
        columns: ['EPC', 'READS', 'ANTENNAS', 'RSSI MIN', 'RSSI AVG', 'RSSI MAX'],
        rows: r.tags.map((t) => [t.epc, String(t.reads), t.antennas.join(',') || '-', dbm(t.rssiMin), dbm(t.rssiAvg), dbm(t.rssiMax)]),
      });
    }
  } else {
    head.push(
      ['frames', `${r.frames} (${r.fps} fps)${r.skipped > 0 ? `, ${r.skipped} skipped by the driver` : ''}`],
      ['size', r.sizes.join(', ') || '-'],
      ['avg frame', r.avgBytes ? `${Math.round(r.avgBytes / 1024)} KiB` : '-'],
      ['longest gap', r.maxGapMs === null ? '-' : `${r.maxGapMs} ms`],
      ['last frame age', r.lastFrameAgeMs === null ? '-' : `${r.lastFrameAgeMs} ms`],
    );
  }
  head.push(['result', `${r.passed ? 'PASS' : 'FAIL'}: ${r.verdict}`]);
  return [{ kind: 'fields', rows: head }, ...blocks];
}

/**
 * Client side: the request runs for up to --seconds; a line per second on stderr says it is alive.
 * `progress` is supplied by lanectl in human mode (absent with --json and in older clients).
 */
export type ProgressSink = (line: string) => void;

async function runWithProgress<R>(
  run: ClientRunContext<DeviceTestArgs, R> & { progress?: ProgressSink },
  args: DeviceTestArgs,
  what: string,
  spec: { formatHuman(r: R, a: DeviceTestArgs, f: FormatContext): HumanBlock[]; exitCode?(r: R): number },
  fmt: FormatContext,
): Promise<CommandOutcome> {
  const progress = run.json ? undefined : run.progress;
  progress?.(`${what}: testing ${args.device} for ${args.seconds} s ...`);
  let elapsed = 0;
  const ticker = progress
    ? setInterval(() => {
        elapsed += 1;
        if (elapsed <= args.seconds) progress(`${what}: ${elapsed}/${args.seconds} s`);
      }, 1000)
    : null;
  try {
    const result = await run.call(args);
    return { exitCode: spec.exitCode?.(result) ?? 0, json: result, human: spec.formatHuman(result, args, fmt) };
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

const DEFAULT_SECONDS: Record<TestableKind, number> = { scanner: 10, rfid: 5, camera: 5 };

function defineTest<R extends Base>(kind: TestableKind, summary: string, handle: (ctx: ControlContext, args: DeviceTestArgs) => Promise<R>): RemoteCommandSpec<DeviceTestArgs, R> {
  const name = `test ${kind}`;
  const spec: RemoteCommandSpec<DeviceTestArgs, R> = defineRemoteCommand({
    name,
    summary,
    usage: 'NAME [--seconds N]',
    help: `Runs for --seconds (default ${DEFAULT_SECONDS[kind]}, at most ${MAX_SECONDS}); exits 1 when the device did not deliver. lanectl devices lists the names.`,
    args: z.object({ device: z.string().min(1).max(64), seconds: z.number().min(1).max(MAX_SECONDS) }).strict(),
    // The whole window plus room for a busy daemon to answer.
    timeoutMs: (MAX_SECONDS + 10) * 1000,
    parseCli(rest): DeviceTestArgs {
      const opt = takeNumberOption(name, rest, '--seconds', { min: 1, max: MAX_SECONDS });
      const [device] = positionals(name, opt.rest, 1, 1);
      return { device: device!, seconds: opt.value ?? DEFAULT_SECONDS[kind] };
    },
    handle: (ctx, args: DeviceTestArgs) => handle(ctx, args),
    exitCode: (r: R) => (r.passed ? 0 : 1),
    formatHuman: (r: R) => humanFor(r as unknown as ScannerTestResult | RfidTestResult | CameraTestResult),
    clientRun: (run, args, fmt) => runWithProgress(run, args, name, spec, fmt),
  });
  return spec;
}

export const testScannerCommand = defineTest('scanner', 'opens a read window and waits for a code: symbology, length, latency (never the content)', testScanner);
export const testRfidCommand = defineTest('rfid', 'counts tag reads and RSSI per tag over a few seconds (EPCs shortened)', testRfid);
export const testCameraCommand = defineTest('camera', 'fps, frame size, gaps and last-frame age over a few seconds', testCamera);
