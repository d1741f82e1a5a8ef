import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bindKeyedHash, keyedHash, KeyedHashInputError, parseHashHex } from '../../../src/store/keyed-hash.js';
import { SITE_KEY } from './store-fixtures.js';

/** HMAC-SHA256 written out from RFC 2104 with plain SHA-256, independent of crypto.createHmac. */
function referenceHmac(key: Buffer, message: string): Buffer {
  const block = Buffer.alloc(64);
  (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
  const ipad = Buffer.from(block.map((b) => b ^ 0x36));
  const opad = Buffer.from(block.map((b) => b ^ 0x5c));
  const inner = createHash('sha256').update(ipad).update(message, 'utf8').digest();
  return createHash('sha256').update(opad).update(inner).digest();
}

describe('keyedHash', () => {
  it('is HMAC-SHA256(key, kind + ":" + value) as 32 bytes', () => {
    const h = keyedHash(SITE_KEY, 'document-number', 'C1234567');
    expect(h).toHaveLength(32);
    expect(h.equals(referenceHmac(SITE_KEY, 'document-number:C1234567'))).toBe(true);
    const longKey = Buffer.alloc(131, 0xaa);
    expect(keyedHash(longKey, 'qr-token', 'Ünïcode-Tökén').equals(referenceHmac(longKey, 'qr-token:Ünïcode-Tökén'))).toBe(true);
  });

  it('separates kinds and keys: the same text under another kind or site gives another hash', () => {
    const a = keyedHash(SITE_KEY, 'qr-token', 'ABCDEFGH12345678');
    expect(a.equals(keyedHash(SITE_KEY, 'document-number', 'ABCDEFGH12345678'))).toBe(false);
    const otherSite = Buffer.from('fedcba9876543210fedcba9876543210', 'utf8');
    expect(a.equals(keyedHash(otherSite, 'qr-token', 'ABCDEFGH12345678'))).toBe(false);
  });

  it('refuses a short key, a malformed kind and an empty value without echoing the value', () => {
    expect(() => keyedHash(Buffer.alloc(16), 'qr-token', 'x')).toThrow(/at least 32/);
    expect(() => keyedHash(SITE_KEY, 'Bad Kind', 'C1234567')).toThrow(KeyedHashInputError);
    expect(() => keyedHash(SITE_KEY, 'qr-token', '')).toThrow(/empty qr-token/);
    const caught = ((): unknown => {
      try {
        keyedHash(SITE_KEY, 'BAD', 'SECRET-DOC-998877');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(caught).toBeInstanceOf(KeyedHashInputError);
    expect(String(caught)).not.toContain('SECRET-DOC-998877');
  });

  it('bound form gives the same digests', () => {
    const bound = bindKeyedHash(SITE_KEY);
    expect(bound('border-pass', 'BP-77').equals(keyedHash(SITE_KEY, 'border-pass', 'BP-77'))).toBe(true);
    expect(() => bindKeyedHash(Buffer.alloc(8))).toThrow(/at least 32/);
  });

  it('parses only 64 lowercase hex digits', () => {
    const hex = keyedHash(SITE_KEY, 'qr-token', 'abc').toString('hex');
    expect(parseHashHex(hex)?.toString('hex')).toBe(hex);
    expect(parseHashHex(hex.toUpperCase())).toBeNull();
    expect(parseHashHex(hex.slice(2))).toBeNull();
  });
});
