import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineFramer, decodeLineFrame, type LineSuffix } from '../../../drivers/scanner/line-framer.js';
import { LineScannerSim, parseSimStep, type ByteSink } from '../../../drivers/sim/line-scanner-sim.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

function recorder(): ByteSink & { bytes: Buffer[] } {
  const bytes: Buffer[] = [];
  return { bytes, write: async (b) => void bytes.push(Buffer.from(b)) };
}

describe('LineScannerSim', () => {
  it.each<[LineSuffix, string]>([
    ['cr', '~SABC\r'],
    ['crlf', '~SABC\r\n'],
    ['lf', '~SABC\n'],
    ['none', '~SABC'],
  ])('encodes a code with suffix %s byte for byte', (suffix, wire) => {
    const sim = new LineScannerSim(recorder(), { suffix, prefix: '~S', clock: new FakeClock() });
    expect(sim.encode('ABC').toString('latin1')).toBe(wire);
  });

  it('scripts garbage, partial, oversize, raw and burst steps', async () => {
    const sink = recorder();
    const sim = new LineScannerSim(sink, { suffix: 'cr', clock: new FakeClock() });
    await sim.runScript([
      { op: 'partial', text: 'PA' },
      { op: 'code', text: 'RT' },
      { op: 'garbage', length: 16 },
      { op: 'oversize', length: 5 },
      { op: 'raw', hex: '410d' },
      { op: 'burst', texts: ['X', 'Y'] },
    ]);
    const wire = Buffer.concat(sink.bytes);
    const frames = new LineFramer({ suffix: 'cr' }).push(wire, 0);
    expect(frames.map((f) => f.toString('latin1'))).toEqual(['PART', frames[1]!.toString('latin1'), 'XXXXX', 'A', 'X', 'Y']);
    expect(frames[1]).toHaveLength(16);
    expect(decodeLineFrame(frames[1]!)).toMatchObject({ ok: false });
    expect(sim.framesSent).toBe(5);
  });

  it('garbage is the same bytes on every run (seeded) and never contains a terminator', async () => {
    const a = recorder();
    const b = recorder();
    await new LineScannerSim(a, { suffix: 'lf', clock: new FakeClock() }).run({ op: 'garbage', length: 500 });
    await new LineScannerSim(b, { suffix: 'lf', clock: new FakeClock() }).run({ op: 'garbage', length: 500 });
    const body = a.bytes[0]!.subarray(0, 500);
    expect(a.bytes[0]!.equals(b.bytes[0]!)).toBe(true);
    expect(body.includes(0x0a) || body.includes(0x0d)).toBe(false);
  });

  it('a stall waits on the injected clock', async () => {
    const clock = new FakeClock();
    const sim = new LineScannerSim(recorder(), { suffix: 'cr', clock });
    let done = false;
    const stall = sim.run({ op: 'stall', ms: 1_000 }).then(() => {
      done = true;
    });
    clock.advance(999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await stall;
    expect(done).toBe(true);
  });

  it('round trip: whatever codes the simulator sends, the framer gives back exactly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<LineSuffix>('cr', 'crlf', 'lf'),
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 10 }),
        async (suffix, codes) => {
          const printable = codes.filter((c) => decodeLineFrame(Buffer.from(c)).ok && !/[\r\n]/.test(c));
          const sink = recorder();
          const sim = new LineScannerSim(sink, { suffix, prefix: ']Q1', clock: new FakeClock() });
          for (const text of printable) await sim.run({ op: 'code', text });
          const framer = new LineFramer({ suffix, prefix: ']Q1', maxFrameBytes: 1024 });
          const frames = sink.bytes.flatMap((chunk, i) => framer.push(chunk, i));
          expect(frames.map((f) => f.toString('utf8'))).toEqual(printable);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('parseSimStep', () => {
  it('accepts valid steps', () => {
    expect(parseSimStep({ op: 'code', text: 'A' })).toEqual({ ok: true, step: { op: 'code', text: 'A' } });
  });

  it.each([
    [{ op: 'teleport' }, /^op: /],
    [{ op: 'code' }, /^text: /],
    [{ op: 'code', text: '' }, /^text: /],
    [{ op: 'raw', hex: 'zz' }, /^hex: must be an even number of hex digits$/],
    [{ op: 'stall', ms: -1 }, /^ms: /],
    [{ op: 'code', text: 'A', extra: 1 }, /extra/],
    ['not an object', /./],
  ])('refuses %j with a reason', (value, reason) => {
    const parsed = parseSimStep(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });
});
