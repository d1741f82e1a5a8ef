import { execFile } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { HumanResult } from './vision/human-peer.js';
import type { OursResult } from './vision/ours.js';
import { fixturesDir } from './vision/frames.js';
import type { BenchReport, BenchRow } from './report.js';
import { plateBenchSection } from './vision-plates.js';

/**
 * `npm run bench -- vision [--frames N] [--rounds R] [--human-rounds R] [--no-human]`
 *
 * Face: our pipeline for one face in a 1280x720 frame (one intra-op thread), @vladmandic/human
 * on the same frames in the same run, and the peak RSS with every manifest model loaded. Each side
 * runs in its own child process. The machine is shared: the load average is recorded with the
 * figures, since wall-clock times on a busy 2-core box are not one idle core.
 *
 * Plates: the plate pipeline adds its rows through `sections` below.
 */
const run$ = promisify(execFile);

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

async function child<T>(mode: string, frames: number, rounds: number): Promise<T | null> {
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'vision', 'child.js');
  const { stdout } = await run$(process.execPath, [script, mode, String(frames), String(rounds)], { maxBuffer: 1 << 22, timeout: 30 * 60_000 });
  const last = stdout.trim().split('\n').pop() ?? 'null';
  return JSON.parse(last) as T | null;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

async function faceSection(args: string[]): Promise<{ rows: BenchRow[]; meta: Record<string, unknown> }> {
  const frames = arg(args, '--frames', 8);
  const ours = await child<OursResult>('ours', frames, arg(args, '--rounds', 5));
  if (!ours) return { rows: [], meta: { face: `fixtures absent at ${fixturesDir()}/faces: face rows not measured` } };
  const human = args.includes('--no-human') ? null : await child<HumanResult>('human', Math.min(frames, 4), arg(args, '--human-rounds', 1));
  const rows: BenchRow[] = [
    { name: 'face pipeline 1280x720 p50 (detect+gates+align+embed)', value: r1(ours.wallMs.p50), unit: 'ms', goal: '<= 40 ms p50', pass: ours.wallMs.p50 <= 40 },
    { name: 'face pipeline 1280x720 p95', value: r1(ours.wallMs.p95), unit: 'ms' },
    { name: 'face pipeline CPU time p50 (all threads)', value: r1(ours.cpuMs.p50), unit: 'ms' },
    { name: '  of which detect p50', value: r1(ours.detectMs), unit: 'ms' },
    { name: '  of which embed p50', value: r1(ours.embedMs), unit: 'ms' },
    { name: 'JPEG decode 1280x720 p50 (not in the pipeline figure)', value: r1(ours.decodeJpegMs), unit: 'ms' },
    { name: 'peak RSS, all manifest models loaded and run', value: r1(ours.peakRssMB), unit: 'MB', goal: '<= 400 MB', pass: ours.peakRssMB <= 400 },
  ];
  if (human) {
    const ratio = human.wallMs.p50 / ours.wallMs.p50;
    rows.push(
      { name: `human ${human.backend} detect+description p50 (same frames)`, value: r1(human.wallMs.p50), unit: 'ms' },
      { name: `speed ratio human(${human.backend}) / ours`, value: r1(ratio), unit: 'x', goal: '>= 3x vs human WASM', ...(human.backend === 'wasm' ? { pass: ratio >= 3 } : {}) },
    );
  }
  return { rows, meta: { ours, human, faceFramesFrom: `${fixturesDir()}/faces (single photos fitted into 1280x720)` } };
}

/** Other vision suites append here (the plate pipeline adds its section). */
const sections: Array<(args: string[]) => Promise<{ rows: BenchRow[]; meta: Record<string, unknown> }>> = [faceSection, plateBenchSection];

export async function run(args: string[]): Promise<BenchReport> {
  const rows: BenchRow[] = [];
  const meta: Record<string, unknown> = { loadAverageBefore: os.loadavg() };
  for (const section of sections) {
    const s = await section(args);
    rows.push(...s.rows);
    Object.assign(meta, s.meta);
  }
  meta.loadAverageAfter = os.loadavg();
  return { suite: 'vision', rows, meta };
}
