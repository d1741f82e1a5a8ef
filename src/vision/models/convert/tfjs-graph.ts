/**
 * Reads a TF.js graph model (model.json + weight shards) into plain data: nodes in file order
 * and every constant as a typed array. Quantised weights are expanded exactly as TF.js does on
 * load (float16 -> float32; uint8/uint16 -> q * scale + min), so the ONNX model computes with the
 * same numbers TF.js computes with.
 */

export interface TfAttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: Array<string | number>; s?: string[]; f?: number[] };
  shape?: { dim?: Array<{ size?: string | number }> };
}

export interface TfNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, TfAttrValue>;
}

export interface TfConst {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface TfGraph {
  nodes: TfNode[];
  consts: Map<string, TfConst>;
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number; original_dtype?: string };
}

interface ModelJson {
  format?: string;
  modelTopology: { node: Array<{ name: string; op: string; input?: string[]; attr?: Record<string, TfAttrValue> }> };
  weightsManifest: Array<{ paths: string[]; weights: WeightEntry[] }>;
}

/** IEEE 754 half to single precision. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint8: 1, uint16: 2 };

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function decodeWeight(w: WeightEntry, bytes: Buffer, offset: number): { value: TfConst; size: number } {
  const count = product(w.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const q = w.quantization;
  if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new Error(`weight ${w.name}: unsupported dtype ${w.dtype}`);
  if (!q) {
    const size = count * 4;
    if (offset + size > bytes.length) throw new Error(`weight ${w.name}: shard too short`);
    const data = w.dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
    for (let k = 0; k < count; k++) data[k] = w.dtype === 'float32' ? view.getFloat32(k * 4, true) : view.getInt32(k * 4, true);
    return { value: { dtype: w.dtype, shape: w.shape, data }, size };
  }
  const per = BYTES[q.dtype];
  if (!per) throw new Error(`weight ${w.name}: unsupported quantisation ${q.dtype}`);
  const size = count * per;
  if (offset + size > bytes.length) throw new Error(`weight ${w.name}: shard too short`);
  const out = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    if (q.dtype === 'float16') out[k] = halfToFloat(view.getUint16(k * 2, true));
    else {
      const raw = q.dtype === 'uint8' ? view.getUint8(k) : view.getUint16(k * 2, true);
      out[k] = raw * (q.scale ?? 1) + (q.min ?? 0);
    }
  }
  if (w.dtype === 'int32') return { value: { dtype: 'int32', shape: w.shape, data: Int32Array.from(out, Math.round) }, size };
  return { value: { dtype: 'float32', shape: w.shape, data: out }, size };
}

/**
 * @param modelJson the model.json bytes
 * @param shards weight files by the names model.json lists in `paths`
 */
export function readTfjsGraph(modelJson: Buffer, shards: ReadonlyMap<string, Buffer>): TfGraph {
  const json = JSON.parse(modelJson.toString('utf8')) as ModelJson;
  if (json.format !== undefined && json.format !== 'graph-model') throw new Error(`not a TF.js graph model (format ${json.format})`);
  const nodes: TfNode[] = json.modelTopology.node.map((n) => ({ name: n.name, op: n.op, input: n.input ?? [], attr: n.attr ?? {} }));
  const consts = new Map<string, TfConst>();
  for (const group of json.weightsManifest) {
    const parts = group.paths.map((p) => {
      const shard = shards.get(p);
      if (!shard) throw new Error(`weight shard ${p} is missing`);
      return shard;
    });
    const bytes = Buffer.concat(parts);
    let offset = 0;
    for (const w of group.weights) {
      const { value, size } = decodeWeight(w, bytes, offset);
      consts.set(w.name, value);
      offset += size;
    }
    if (offset !== bytes.length) throw new Error(`weight shards hold ${bytes.length} bytes, manifest describes ${offset}`);
  }
  return { nodes, consts };
}

/** Attribute helpers: TF.js stores strings base64-encoded and int64 lists as strings. */
export function attrString(node: TfNode, name: string): string | undefined {
  const s = node.attr[name]?.s;
  return s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8');
}

export function attrInts(node: TfNode, name: string): number[] | undefined {
  return node.attr[name]?.list?.i?.map(Number);
}

export function attrStrings(node: TfNode, name: string): string[] {
  return (node.attr[name]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

export function attrBool(node: TfNode, name: string): boolean {
  return node.attr[name]?.b === true;
}

export function attrFloat(node: TfNode, name: string): number | undefined {
  return node.attr[name]?.f;
}

export function attrShape(node: TfNode, name: string): number[] | undefined {
  return node.attr[name]?.shape?.dim?.map((d) => Number(d.size ?? -1));
}
