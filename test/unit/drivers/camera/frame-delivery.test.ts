import { describe, expect, it } from 'vitest';
import type { CameraFrame } from '../../../../drivers/camera/camera.js';
import { FrameRateMeter, LatestFrameGate } from '../../../../drivers/camera/frame-delivery.js';

const frame = (seq: number): CameraFrame => ({ jpeg: Buffer.from([seq]), width: 1, height: 1, at: seq, seq });
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LatestFrameGate', () => {
  it('delivers on the next event-loop turn, not synchronously', async () => {
    const got: number[] = [];
    const gate = new LatestFrameGate((f) => got.push(f.seq));
    gate.offer(frame(1));
    expect(got).toEqual([]);
    await nextTurn();
    expect(got).toEqual([1]);
    expect(gate.dropped).toBe(0);
  });

  it('of frames offered within one turn, delivers only the newest and counts the rest as dropped', async () => {
    const got: number[] = [];
    const gate = new LatestFrameGate((f) => got.push(f.seq));
    for (let seq = 1; seq <= 5; seq++) gate.offer(frame(seq));
    await nextTurn();
    gate.offer(frame(6));
    await nextTurn();
    expect(got).toEqual([5, 6]);
    expect(gate.dropped).toBe(4);
  });

  it('cancel() forgets the waiting frame (counted as dropped) and delivers nothing', async () => {
    const got: number[] = [];
    const gate = new LatestFrameGate((f) => got.push(f.seq));
    gate.offer(frame(1));
    gate.cancel();
    await nextTurn();
    expect(got).toEqual([]);
    expect(gate.dropped).toBe(1);
    gate.cancel(); // nothing waiting: no change
    expect(gate.dropped).toBe(1);
  });
});

describe('FrameRateMeter', () => {
  it('reports the rate over the window, 0 before any frame', () => {
    const meter = new FrameRateMeter(5_000);
    expect(meter.fps(0)).toBe(0);
    for (let t = 0; t < 10_000; t += 200) meter.record(t); // 5 fps for 10 s
    expect(meter.fps(9_900)).toBe(5);
  });

  it('does not spike at start-up (divides by at least one second)', () => {
    const meter = new FrameRateMeter(5_000);
    meter.record(0);
    meter.record(10);
    expect(meter.fps(20)).toBe(2);
  });

  it('decays when frames stop, reaching 0 after a whole window', () => {
    const meter = new FrameRateMeter(5_000);
    for (let t = 0; t < 10_000; t += 100) meter.record(t); // 10 fps
    expect(meter.fps(9_950)).toBe(10);
    expect(meter.fps(12_450)).toBe(5);
    expect(meter.fps(15_000)).toBe(0);
    meter.reset();
    expect(meter.fps(15_000)).toBe(0);
  });
});
