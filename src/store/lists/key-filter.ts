/**
 * A Bloom filter over the keys of a large list (credentials: 10 M keyed hashes), so a delta can tell
 * a new key from an existing one without a B-tree probe of the main table: "not in the filter" is
 * certain, "maybe" is checked in the database. 10 bits and 7 probes per key: about 0.8 % of new
 * keys still get probed; 12.5 MB at 10 M keys.
 *
 * Keys are never removed (a deleted key only costs a probe), so the filter is rebuilt from the
 * table at each start and after each snapshot swap (PendingOverlay), and sized for growth.
 */
export class KeyFilter {
  private static readonly PROBES = 7;
  private static readonly BITS_PER_KEY = 10;
  private readonly bits: Uint32Array;
  private readonly mask: number;
  private added = 0;

  /** Sized for `capacity` keys (rounded up to a power of two of bits, at least 2^20). */
  constructor(readonly capacity: number) {
    let size = 1 << 20;
    while (size < capacity * KeyFilter.BITS_PER_KEY && size < 2 ** 31) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  add(key: Uint8Array): void {
    const [h1, h2] = hashPair(key);
    for (let i = 0; i < KeyFilter.PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.added += 1;
  }

  mightContain(key: Uint8Array): boolean {
    const [h1, h2] = hashPair(key);
    for (let i = 0; i < KeyFilter.PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** More keys added than it was sized for: the false-positive rate climbs; rebuild bigger. */
  get overfull(): boolean {
    return this.added > this.capacity;
  }

  get bytes(): number {
    return this.bits.byteLength;
  }
}

/**
 * Two 32-bit hashes for double hashing (Kirsch-Mitzenmacher). Credential keys are HMAC outputs,
 * uniform already: their first eight bytes serve. Shorter keys go through FNV-1a twice.
 */
function hashPair(key: Uint8Array): [number, number] {
  if (key.length >= 8) {
    const h1 = key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24);
    const h2 = key[4]! | (key[5]! << 8) | (key[6]! << 16) | (key[7]! << 24);
    return [h1 >>> 0, (h2 | 1) >>> 0];
  }
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const byte of key) {
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x5bd1e995);
  }
  return [a >>> 0, (b | 1) >>> 0];
}
