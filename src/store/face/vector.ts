/**
 * Face template vectors: Float32, L2-normalised at insert so cosine similarity is a plain dot
 * product. Stored as little-endian Float32 BLOBs (every target of this daemon, x86-64 and ARM64,
 * is little-endian, so the bytes are the Float32Array's own).
 */
export const MAX_TEMPLATE_DIMS = 4096;

/** A normalised copy, or null when the vector is empty, too long, not finite or all zeros. */
export function normaliseVector(input: ArrayLike<number>): Float32Array | null {
  const n = input.length;
  if (n === 0 || n > MAX_TEMPLATE_DIMS) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = input[i]!;
    if (!Number.isFinite(x)) return null;
    sum += x * x;
  }
  if (!(sum > 0) || !Number.isFinite(sum)) return null;
  const inv = 1 / Math.sqrt(sum);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = input[i]! * inv;
  return out;
}

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * A Float32Array over the blob's bytes: a view when they are 4-byte aligned (the caller copies
 * them into its matrix anyway), otherwise a copy.
 */
export function blobAsVector(blob: Uint8Array): Float32Array {
  return blob.byteOffset % 4 === 0 ? new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength >>> 2) : blobToVector(blob);
}

/** A copy, 4-byte aligned and independent of the blob. */
export function blobToVector(blob: Uint8Array): Float32Array {
  const out = new Float32Array(blob.byteLength >>> 2);
  new Uint8Array(out.buffer).set(blob.subarray(0, out.length * 4));
  return out;
}

/** Decodes a wire vector: an array of numbers or base64 of little-endian Float32. */
export function decodeWireVector(value: unknown): Float32Array | null {
  if (Array.isArray(value)) {
    if (value.some((x) => typeof x !== 'number')) return null;
    return Float32Array.from(value as number[]);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) return null;
    return blobToVector(bytes);
  }
  return null;
}
