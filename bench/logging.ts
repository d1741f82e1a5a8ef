import { Writable } from 'node:stream';
import pino from 'pino';
import { LogHub } from '../src/util/logger.js';
import type { BenchReport } from './report.js';

/**
 * Cost of our logging layer (redaction of personal-data keys, warning throttling, per-component
 * children) against bare pino writing the same lines in the same run. Both write to a sink
 * that discards bytes, so the figure is CPU cost, not disk speed.
 */
class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

function measure(lines: number, write: (i: number) => void): number {
  for (let i = 0; i < Math.min(lines, 5_000); i++) write(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) write(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return lines / seconds;
}

export async function run(args: string[]): Promise<BenchReport> {
  const linesArg = args.indexOf('--lines');
  const lines = linesArg >= 0 ? Number(args[linesArg + 1]) : 200_000;
  const record = (i: number) => ({ passage: i, documentNumber: 'C01X00T47', device: 'entry-qr', scores: { face: 0.71 } });

  // The peer is pino with the same line format (ISO time, level label) and no redaction or
  // throttling, so the ratio is the cost of what LogHub adds.
  const bareSink = new CountingSink();
  const bare = pino(
    { level: 'info', timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    bareSink,
  ).child({ component: 'lane' });
  const bareRate = measure(lines, (i) => bare.info(record(i), 'passage decided'));

  const hubSink = new CountingSink();
  const hub = new LogHub({ level: 'info', lane: 'bench-1', destination: hubSink });
  const ours = hub.child('lane', { device: 'entry-qr' });
  const oursRate = measure(lines, (i) => ours.info(record(i), 'passage decided'));

  const warnRate = measure(lines, () => ours.warn({ err: 'ENOENT /dev/ttyUSB0' }, 'scanner port missing'));

  const ratio = oursRate / bareRate;
  return {
    suite: 'logging',
    rows: [
      { name: 'pino, same format, no redaction (peer)', value: Math.round(bareRate), unit: 'lines/s' },
      { name: 'LogHub info lines/s (redacting)', value: Math.round(oursRate), unit: 'lines/s' },
      { name: 'LogHub / bare pino', value: Number(ratio.toFixed(3)), unit: 'ratio', goal: '>= 0.5', pass: ratio >= 0.5 },
      { name: 'LogHub repeated warnings (throttled) lines/s', value: Math.round(warnRate), unit: 'calls/s' },
    ],
    meta: { lines, bytesBare: bareSink.bytes, bytesOurs: hubSink.bytes },
  };
}
