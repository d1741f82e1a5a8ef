import { ATTR, ONNX_FLOAT, ONNX_INT64, type OnnxAttribute, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-schema.js';

/** Attribute values accepted by `node()`: integers, floats (tagged), strings, int lists. */
export type AttrInput = number | string | number[] | { float: number };

/**
 * Accumulates an ONNX graph: nodes in emission order, initializers by name. Names are derived
 * from the TF node names plus a counter, never from anything run-dependent, so the same TF.js
 * model always gives the same bytes.
 */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  unique(base: string): string {
    let name = base;
    while (this.names.has(name)) name = `${base}__${++this.counter}`;
    this.names.add(name);
    return name;
  }

  hasName(name: string): boolean {
    return this.names.has(name);
  }

  floatInit(name: string, dims: readonly number[], data: Float32Array): string {
    const n = this.unique(name);
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let k = 0; k < data.length; k++) view.setFloat32(k * 4, data[k]!, true);
    this.initializers.push({ name: n, dims: [...dims], dataType: ONNX_FLOAT, rawData: raw });
    return n;
  }

  int64Init(name: string, values: readonly number[]): string {
    const n = this.unique(name);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    for (let k = 0; k < values.length; k++) view.setBigInt64(k * 8, BigInt(values[k]!), true);
    this.initializers.push({ name: n, dims: [values.length], dataType: ONNX_INT64, rawData: raw });
    return n;
  }

  /** Adds a node with one output and returns the output's name. */
  node(opType: string, inputs: readonly string[], outputName: string, attrs: Record<string, AttrInput> = {}): string {
    const out = this.unique(outputName);
    const attribute: OnnxAttribute[] = Object.entries(attrs).map(([name, v]) => toAttr(name, v));
    this.nodes.push({ name: out, opType, input: [...inputs], output: [out], attribute });
    return out;
  }
}

function toAttr(name: string, v: AttrInput): OnnxAttribute {
  if (typeof v === 'number') return { name, type: ATTR.INT, i: v };
  if (typeof v === 'string') return { name, type: ATTR.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: ATTR.INTS, ints: [...v] };
  return { name, type: ATTR.FLOAT, f: v.float };
}

export function floatValueInfo(name: string, shape: ReadonlyArray<number | string> | null): OnnxValueInfo {
  const tensorType: OnnxValueInfo['type']['tensorType'] = { elemType: ONNX_FLOAT };
  if (shape) tensorType.shape = { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType } };
}
