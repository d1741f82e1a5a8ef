import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineFramer, decodeLineFrame, type LineFramerOptions } from '../../../drivers/scanner/line-framer.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const texts = (frames: Buffer[]): string[] => frames.map((f) => f.toString('latin1'));

/** Feeds chunks at the given times and collects every frame. */
function run(opts: LineFramerOptions, chunks: Array<[string | Buffer, number]>, flushAt?: number): string[] {
  const framer = new LineFramer(opts);
  const out: Buffer[] = [];
  for (const [chunk, at] of chunks) out.push(...framer.push(typeof chunk === 'string' ? b(chunk) : chunk, at));
  if (flushAt !== undefined) out.push(...framer.flushIdle(flushAt));
  return texts(out);
}

describe('LineFramer: terminators', () => {
  it('cr: splits on CR, keeps LF as data (byte-exact)', () => {
    expect(run({ suffix: 'cr' }, [['AB\rCD\r\nEF\r', 0]])).toEqual(['AB', 'CD', '\nEF']);
  });

  it('lf: splits on LF, keeps CR as data', () => {
    expect(run({ suffix: 'lf' }, [['AB\nCD\r\n', 0]])).toEqual(['AB', 'CD\r']);
  });

  it('crlf: only the pair terminates; a lone CR or LF is data', () => {
    expect(run({ suffix: 'crlf' }, [['A\rB\r\nC\nD\r\n\r\r\n', 0]])).toEqual(['A\rB', 'C\nD', '\r']);
  });

  it('crlf: a CR at the end of one chunk and LF at the start of the next still terminate', () => {
    expect(run({ suffix: 'crlf' }, [['ABC\r', 0], ['\nDEF\r', 1], ['X\r\n', 2]])).toEqual(['ABC', 'DEF\rX']);
  });

  it('keeps every byte value 0x00-0xff except the terminator, in order', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((i) => i !== 0x0d));
    const framer = new LineFramer({ suffix: 'cr', maxFrameBytes: 1024 });
    const [frame] = framer.push(Buffer.concat([all, b('\r')]), 0);
    expect(frame?.equals(all)).toBe(true);
  });

  it('any split of the byte stream gives the same frames (property)', () => {
    const code = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\r') && !s.includes('\n'));
    fc.assert(
      fc.property(
        fc.constantFrom('cr' as const, 'lf' as const, 'crlf' as const),
        fc.array(code, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (suffix, codes, cuts) => {
          const term = { cr: '\r', lf: '\n', crlf: '\r\n' }[suffix];
          const stream = Buffer.from(codes.map((c) => c + term).join(''), 'utf8');
          const framer = new LineFramer({ suffix });
          const out: Buffer[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const size = cuts[i++ % cuts.length] ?? 1;
            out.push(...framer.push(stream.subarray(pos, pos + size), 0));
            pos += size;
          }
          expect(out.map((f) => f.toString('utf8'))).toEqual(codes);
          expect(framer.pendingBytes).toBe(0);
        },
      ),
    );
  });
});

describe('LineFramer: tolerance', () => {
  it('empty frames (two terminators in a row) give nothing and are counted', () => {
    const framer = new LineFramer({ suffix: 'cr' });
    expect(texts(framer.push(b('\r\rA\r\r'), 0))).toEqual(['A']);
    expect(framer.counters().empty).toBe(3);
  });

  it('an oversize frame is dropped whole, including its tail, and counted once', () => {
    const framer = new LineFramer({ suffix: 'cr', maxFrameBytes: 4 });
    expect(texts(framer.push(b('1234\rABCDEFGHIJ'), 0))).toEqual(['1234']);
    expect(texts(framer.push(b('KLMN\rOK\r'), 1))).toEqual(['OK']);
    expect(framer.counters()).toMatchObject({ oversize: 1, frames: 2 });
  });

  it('a frame of exactly maxFrameBytes is accepted; one more byte is oversize', () => {
    const framer = new LineFramer({ suffix: 'lf', maxFrameBytes: 3 });
    expect(texts(framer.push(b('abc\nabcd\n'), 0))).toEqual(['abc']);
    expect(framer.counters().oversize).toBe(1);
  });

  it('memory stays bounded: a megabyte without terminator holds at most maxFrameBytes', () => {
    const framer = new LineFramer({ suffix: 'cr', maxFrameBytes: 64 });
    framer.push(Buffer.alloc(1 << 20, 0x41), 0);
    expect(framer.pendingBytes).toBe(0);
    expect(framer.counters().oversize).toBe(1);
  });

  it('a partial frame followed by a long pause is dropped as stale, not glued to the next code', () => {
    const opts = { suffix: 'cr' as const, staleGapMs: 1_000 };
    expect(run(opts, [['CUT', 0], ['NEXT\r', 1_000]])).toEqual(['NEXT']);
    expect(run(opts, [['SPL', 0], ['IT\r', 999]])).toEqual(['SPLIT']);
    const framer = new LineFramer(opts);
    framer.push(b('CUT'), 0);
    expect(framer.idleDeadline()).toBe(1_000);
    expect(framer.flushIdle(999)).toEqual([]);
    expect(framer.flushIdle(1_000)).toEqual([]);
    expect(framer.counters().stale).toBe(1);
    expect(framer.idleDeadline()).toBeNull();
  });

  it('staleGapMs null keeps a partial frame forever', () => {
    expect(run({ suffix: 'cr', staleGapMs: null }, [['AB', 0], ['C\r', 1_000_000]])).toEqual(['ABC']);
  });

  it('reset() drops a partial frame (reconnect)', () => {
    const framer = new LineFramer({ suffix: 'cr' });
    framer.push(b('OLD'), 0);
    framer.reset();
    expect(texts(framer.push(b('NEW\r'), 1))).toEqual(['NEW']);
  });

  it('rejects a nonsensical maxFrameBytes with a clear reason', () => {
    expect(() => new LineFramer({ suffix: 'cr', maxFrameBytes: 0 })).toThrow(/maxFrameBytes must be a positive integer/);
  });
});

describe('LineFramer: prefix', () => {
  it('strips the prefix when present and counts frames without it', () => {
    const framer = new LineFramer({ suffix: 'cr', prefix: ']Q' });
    expect(texts(framer.push(b(']QABC\rDEF\r]Q\r'), 0))).toEqual(['ABC', 'DEF']);
    expect(framer.counters()).toMatchObject({ missingPrefix: 1, empty: 1, frames: 2 });
  });

  it('a prefix split across chunks is still recognised', () => {
    expect(run({ suffix: 'cr', prefix: '~S' }, [['~', 0], ['SCODE\r', 1]])).toEqual(['CODE']);
  });
});

describe("LineFramer: suffix 'none' (inter-byte timeout)", () => {
  const opts = { suffix: 'none' as const, interByteTimeoutMs: 50 };

  it('a pause of interByteTimeoutMs ends a frame; shorter gaps do not', () => {
    expect(run(opts, [['AB', 0], ['CD', 49], ['EF', 98]], 148)).toEqual(['ABCDEF']);
    expect(run(opts, [['AB', 0], ['CD', 50]], 100)).toEqual(['AB', 'CD']);
  });

  it('CR and LF are data in this mode', () => {
    expect(run(opts, [['A\rB\n', 0]], 50)).toEqual(['A\rB\n']);
  });

  it('idleDeadline() says when to flush; flushing early does nothing', () => {
    const framer = new LineFramer(opts);
    framer.push(b('X'), 10);
    expect(framer.idleDeadline()).toBe(60);
    expect(framer.flushIdle(59)).toEqual([]);
    expect(texts(framer.flushIdle(60))).toEqual(['X']);
    expect(framer.idleDeadline()).toBeNull();
  });

  it('oversize in this mode drops the burst until the next pause', () => {
    const framer = new LineFramer({ ...opts, maxFrameBytes: 3 });
    framer.push(b('ABCDEFG'), 0);
    expect(framer.flushIdle(50)).toEqual([]);
    expect(texts(framer.push(b('OK'), 60))).toEqual([]);
    expect(texts(framer.flushIdle(110))).toEqual(['OK']);
    expect(framer.counters().oversize).toBe(1);
  });
});

describe('decodeLineFrame', () => {
  it('accepts printable UTF-8, TAB and the ISO/IEC 15434 separators', () => {
    expect(decodeLineFrame(Buffer.from('\u6842P\u00b712345'))).toEqual({ ok: true, text: '\u6842P\u00b712345' });
    expect(decodeLineFrame(Buffer.from('[)>\u001e06\u001dP123\u001c\u0004\t'))).toMatchObject({ ok: true });
  });

  it('keeps a leading BOM (byte-exact)', () => {
    const result = decodeLineFrame(Buffer.from([0xef, 0xbb, 0xbf, 0x41]));
    expect(result).toEqual({ ok: true, text: '\ufeffA' });
  });

  it('rejects NUL, other C0 controls and DEL as control-bytes', () => {
    for (const byte of [0x00, 0x01, 0x07, 0x1b, 0x7f]) {
      expect(decodeLineFrame(Buffer.from([0x41, byte, 0x42]))).toEqual({ ok: false, reason: 'control-bytes' });
    }
  });

  it('rejects invalid UTF-8 (noise at a wrong baud rate)', () => {
    expect(decodeLineFrame(Buffer.from([0x41, 0xc3, 0x28]))).toEqual({ ok: false, reason: 'invalid-utf8' });
    expect(decodeLineFrame(Buffer.from([0xff, 0xfe]))).toEqual({ ok: false, reason: 'invalid-utf8' });
  });
});
