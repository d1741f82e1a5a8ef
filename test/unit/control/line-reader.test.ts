import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../src/control/line-reader.js';
import { TokenBucket } from '../../../src/control/token-bucket.js';

const text = (bufs: Buffer[]): string[] => bufs.map((b) => b.toString('utf8'));

describe('LineReader', () => {
  it('joins lines split across chunks and strips CRLF', () => {
    const reader = new LineReader(100);
    expect(text(reader.push(Buffer.from('{"a"')).lines)).toEqual([]);
    expect(text(reader.push(Buffer.from(':1}\r\n{"b":2}\n{"c"')).lines)).toEqual(['{"a":1}', '{"b":2}']);
    expect(text(reader.push(Buffer.from(':3}\n')).lines)).toEqual(['{"c":3}']);
  });

  it('counts bytes, not characters, against the limit', () => {
    const reader = new LineReader(6);
    expect(reader.push(Buffer.from('ééé\n'))).toMatchObject({ overflow: false }); // 6 bytes: fits
    expect(reader.push(Buffer.from('éééé\n'))).toMatchObject({ overflow: true }); // 8 bytes
  });

  it('overflows before the newline arrives, keeping the complete lines before it', () => {
    const reader = new LineReader(10);
    const first = reader.push(Buffer.from('ok\n0123456789A'));
    expect(text(first.lines)).toEqual(['ok']);
    expect(first.overflow).toBe(true);
  });

  it('overflows when the pieces of one line add up past the limit', () => {
    const reader = new LineReader(10);
    expect(reader.push(Buffer.from('01234')).overflow).toBe(false);
    expect(reader.push(Buffer.from('56789')).overflow).toBe(false);
    expect(reader.push(Buffer.from('A')).overflow).toBe(true);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at the given rate', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false); // 0.998 tokens
    expect(bucket.take(500)).toBe(true); // 1 token after 500 ms at 2/s
    expect(bucket.take(500)).toBe(false);
    // A long pause refills only up to the burst.
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, true, false]);
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => new TokenBucket(0, 3, 0)).toThrow(/perSecond > 0/);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(/burst >= 1/);
  });
});
