/** Small helpers on constant tensors, used at conversion time to pre-arrange weights. */

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Permutes the axes of a dense row-major tensor: out.shape[k] = shape[perm[k]]. */
export function transpose<T extends Float32Array | Int32Array>(data: T, shape: readonly number[], perm: readonly number[]): { data: T; shape: number[] } {
  const rank = shape.length;
  if (perm.length !== rank) throw new Error(`transpose: perm ${perm} does not fit shape ${shape}`);
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let k = rank - 1; k >= 0; k--) {
    inStrides[k] = s;
    s *= shape[k]!;
  }
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += idx[k]! * inStrides[perm[k]!]!;
    out[o] = data[src]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** NHWC axis -> NCHW axis. */
export const NHWC_TO_NCHW_AXIS: readonly number[] = [0, 2, 3, 1];
