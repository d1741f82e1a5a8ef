import { floatValueInfo, OnnxGraphBuilder } from './onnx-builder.js';
import { encodeOnnxModel, type OnnxModel } from './onnx-schema.js';
import { NHWC_TO_NCHW_AXIS, product, transpose } from './tensor-ops.js';
import { attrBool, attrFloat, attrInts, attrShape, attrString, attrStrings, type TfConst, type TfGraph, type TfNode } from './tfjs-graph.js';

/**
 * TF.js graph -> ONNX. TF works in NHWC, ONNX Runtime's Conv/Pool in NCHW. Rather than wrapping
 * every conv in transposes, 4-D activations are kept in NCHW throughout and constants are
 * re-laid-out at conversion time; a Transpose back to NHWC is inserted only where element order
 * matters (Reshape/flatten, Softmax, graph outputs). The graph input is NCHW (the manifest says
 * so); callers fill it in that layout.
 */

/** Bump when the emitted bytes change for the same input, so the pinned hashes are re-checked. */
export const CONVERTER_VERSION = '2';
const OPSET = 13;
const IR_VERSION = 7;

type Layout = 'nchw' | 'plain';
interface Value {
  name: string;
  layout: Layout;
  /** Spatial size [H, W] of a 4-D activation when static; lets SAME padding become explicit pads. */
  hw?: [number, number];
}

export interface ConvertOptions {
  /** ONNX name of the single graph input. */
  inputName: string;
  /**
   * NCHW input shape as the manifest declares it; a string dimension (e.g. "H") is left
   * symbolic so a fully convolutional model can run at another size. Default: the TF shape.
   */
  inputShape?: ReadonlyArray<number | string>;
  /** TF output node names (":0" allowed) and the ONNX names to give them, same order. */
  outputs: Array<{ tf: string; onnx: string }>;
  docString?: string;
}

const BINARY: Record<string, string> = { Add: 'Add', AddV2: 'Add', BiasAdd: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Maximum: 'Max', Minimum: 'Min' };
const UNARY: Record<string, string> = { Relu: 'Relu', Sigmoid: 'Sigmoid', Tanh: 'Tanh', Elu: 'Elu', Exp: 'Exp', Sqrt: 'Sqrt', Neg: 'Neg', Abs: 'Abs', Softplus: 'Softplus' };

class Translator {
  private readonly b = new OnnxGraphBuilder();
  private readonly byName = new Map<string, TfNode>();
  private readonly values = new Map<string, Value>();
  private readonly nhwcCache = new Map<string, string>();
  private readonly inputs: ReturnType<typeof floatValueInfo>[] = [];
  /** How many nodes (and graph outputs) read each node: fusions only rewrite single-use chains. */
  private readonly consumers = new Map<string, number>();

  constructor(
    private readonly graph: TfGraph,
    private readonly opts: ConvertOptions,
  ) {
    for (const n of graph.nodes) this.byName.set(n.name, n);
    const count = (ref: string) => {
      const name = ref.replace(/^\^/, '').replace(/:\d+$/, '');
      this.consumers.set(name, (this.consumers.get(name) ?? 0) + 1);
    };
    for (const n of graph.nodes) n.input.forEach(count);
    for (const o of opts.outputs) count(o.tf);
  }

  build(): OnnxModel {
    const outputs = this.opts.outputs.map(({ tf, onnx }) => {
      const v = this.value(tf.replace(/:0$/, ''));
      if (this.b.hasName(onnx)) throw new Error(`output name ${onnx} collides with a graph node name`);
      this.b.node('Identity', [this.plain(v)], onnx);
      return floatValueInfo(onnx, null);
    });
    return {
      irVersion: IR_VERSION,
      producerName: 'lane-controller tfjs-to-onnx',
      producerVersion: CONVERTER_VERSION,
      ...(this.opts.docString ? { docString: this.opts.docString } : {}),
      opsetImport: [{ domain: '', version: OPSET }],
      graph: { name: 'converted', node: this.b.nodes, initializer: this.b.initializers, input: this.inputs, output: outputs },
    };
  }

  private constOf(ref: string): TfConst {
    const name = ref.replace(/:0$/, '');
    const c = this.graph.consts.get(name);
    if (!c) throw new Error(`node ${name} is not a constant with weights`);
    return c;
  }

  private isConst(ref: string): boolean {
    const n = this.byName.get(ref.replace(/:0$/, ''));
    return n?.op === 'Const';
  }

  /** Converts (once) the node that produces `ref`, depth first, so emission is topological. */
  private value(ref: string): Value {
    const name = ref.replace(/:0$/, '');
    if (/:\d+$/.test(name)) throw new Error(`multi-output reference ${ref} is not supported`);
    const done = this.values.get(name);
    if (done) return done;
    const node = this.byName.get(name);
    if (!node) throw new Error(`graph has no node ${name}`);
    const v = this.translate(node);
    this.values.set(name, v);
    return v;
  }

  private dataInputs(node: TfNode): string[] {
    return node.input.filter((i) => !i.startsWith('^'));
  }

  private nchw(v: Value, rankHint = 4): string {
    if (v.layout === 'nchw') return v.name;
    if (rankHint !== 4) throw new Error(`expected a 4-D activation for ${v.name}`);
    return this.b.node('Transpose', [v.name], `${v.name}/nchw`, { perm: [0, 3, 1, 2] });
  }

  /** The value in TF's own layout. */
  private plain(v: Value): string {
    if (v.layout === 'plain') return v.name;
    let t = this.nhwcCache.get(v.name);
    if (!t) {
      t = this.b.node('Transpose', [v.name], `${v.name}/nhwc`, { perm: [0, 2, 3, 1] });
      this.nhwcCache.set(v.name, t);
    }
    return t;
  }

  private floatConst(ref: string, forNchw: boolean): string {
    const c = this.constOf(ref);
    const data = c.dtype === 'float32' ? (c.data as Float32Array) : Float32Array.from(c.data);
    if (!forNchw || c.shape.length === 0 || product(c.shape) === 1) return this.b.floatInit(ref, c.shape, data);
    if (c.shape.length > 4) throw new Error(`constant ${ref} of rank ${c.shape.length} against a 4-D activation`);
    const shape4 = [...new Array<number>(4 - c.shape.length).fill(1), ...c.shape];
    const t = transpose(data, shape4, [0, 3, 1, 2]);
    return this.b.floatInit(`${ref}/nchw`, t.shape, t.data);
  }

  private intConst(ref: string): number[] {
    return Array.from(this.constOf(ref).data, Number);
  }

  private translate(node: TfNode): Value {
    const ins = this.dataInputs(node);
    const op = node.op;
    if (op === 'Placeholder') return this.placeholder(node);
    if (op === 'Identity' || op === 'StopGradient') return this.value(ins[0]!);
    if (op === 'Const') throw new Error(`constant ${node.name} used as an activation`);
    if (op === 'Conv2D' || op === '_FusedConv2D' || op === 'DepthwiseConv2dNative' || op === 'FusedDepthwiseConv2dNative') return this.conv(node, ins);
    if (op === 'MaxPool' || op === 'AvgPool') return this.pool(node, ins);
    if (op === 'Pad' || op === 'PadV2') return this.pad(node, ins);
    if (op === 'Reshape') {
      const x = this.plain(this.value(ins[0]!));
      const shape = this.b.int64Init(`${node.name}/shape`, this.intConst(ins[1]!));
      return { name: this.b.node('Reshape', [x, shape], node.name), layout: 'plain' };
    }
    if (op === 'Mean') return this.mean(node, ins);
    if (op === 'MatMul' || op === '_FusedMatMul') return this.matmul(node, ins);
    if (op === 'Softmax') return { name: this.b.node('Softmax', [this.plain(this.value(ins[0]!))], node.name, { axis: -1 }), layout: 'plain' };
    if (op === 'Relu6') return this.clip(this.value(ins[0]!), node.name, 0, 6);
    const clipped = this.tryClip(node);
    if (clipped) return clipped;
    if (op === 'ConcatV2') return this.concat(node, ins);
    const unary = UNARY[op];
    if (unary) {
      const v = this.value(ins[0]!);
      return withHw({ name: this.b.node(unary, [v.name], node.name), layout: v.layout }, v.hw);
    }
    const binary = BINARY[op];
    if (binary) return this.binary(node, binary, ins);
    throw new Error(`TF op ${op} (node ${node.name}) is not supported by the converter`);
  }

  private placeholder(node: TfNode): Value {
    if (this.inputs.length > 0) throw new Error('graphs with more than one input are not supported');
    const shape = attrShape(node, 'shape');
    if (!shape || shape.length !== 4) throw new Error(`input ${node.name} must be 4-D NHWC`);
    const tfDims: Array<number | string> = [shape[0]! > 0 ? shape[0]! : 'N', shape[3]!, shape[1]!, shape[2]!];
    const declared = this.opts.inputShape;
    const dims = tfDims.map((d, k) => (typeof declared?.[k] === 'string' ? declared[k]! : d));
    const name = this.b.unique(this.opts.inputName);
    this.inputs.push(floatValueInfo(name, dims));
    const [h, w] = [dims[2], dims[3]];
    return typeof h === 'number' && typeof w === 'number' ? { name, layout: 'nchw', hw: [h, w] } : { name, layout: 'nchw' };
  }

  /**
   * Strides and padding. TF's SAME pads (k-1)/2 before and the rest after; with a static input
   * size the pads are written out explicitly (ONNX Runtime's NCHWc fusions want explicit pads),
   * otherwise auto_pad SAME_UPPER, which is the same rule. Returns the output size when known.
   */
  private spatialAttrs(node: TfNode, hw: [number, number] | undefined, kernel: [number, number], dil: [number, number]): { attrs: Record<string, number[] | string>; hw?: [number, number] } {
    if ((attrString(node, 'data_format') ?? 'NHWC') !== 'NHWC') throw new Error(`${node.name}: only NHWC graphs are supported`);
    const padding = attrString(node, 'padding');
    const st = attrInts(node, 'strides') ?? [1, 1, 1, 1];
    const strides: [number, number] = [st[1]!, st[2]!];
    const attrs: Record<string, number[] | string> = { strides };
    const eff = [0, 1].map((k) => (kernel[k]! - 1) * dil[k]! + 1);
    let pads: number[] | null = null;
    if (padding === 'SAME') {
      if (!hw) attrs.auto_pad = 'SAME_UPPER';
      else {
        const total = [0, 1].map((k) => Math.max((Math.ceil(hw[k]! / strides[k]!) - 1) * strides[k]! + eff[k]! - hw[k]!, 0));
        pads = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2), total[0]! - Math.floor(total[0]! / 2), total[1]! - Math.floor(total[1]! / 2)];
      }
    } else if (padding === 'VALID') pads = [0, 0, 0, 0];
    else if (padding === 'EXPLICIT') {
      const p = attrInts(node, 'explicit_paddings') ?? [];
      pads = [p[2]!, p[4]!, p[3]!, p[5]!];
    } else throw new Error(`${node.name}: padding ${padding} not supported`);
    if (pads) attrs.pads = pads;
    if (!hw) return { attrs };
    const out = [0, 1].map((k) =>
      padding === 'SAME' ? Math.ceil(hw[k]! / strides[k]!) : Math.floor((hw[k]! + pads![k]! + pads![k + 2]! - eff[k]!) / strides[k]!) + 1,
    ) as [number, number];
    return { attrs, hw: out };
  }

  private conv(node: TfNode, ins: string[]): Value {
    const xv = this.value(ins[0]!);
    const x = this.nchw(xv);
    const depthwise = node.op.includes('Depthwise');
    const f = this.constOf(ins[1]!);
    const fdata = f.data as Float32Array;
    const [kh, kw, ci, co] = f.shape as [number, number, number, number];
    let w: { data: Float32Array; shape: number[] };
    if (depthwise) {
      const t = transpose(fdata, f.shape, [2, 3, 0, 1]);
      w = { data: t.data, shape: [ci * co, 1, kh, kw] };
    } else w = transpose(fdata, f.shape, [3, 2, 0, 1]);
    const weight = this.b.floatInit(`${node.name}/W`, w.shape, w.data);
    const dil = attrInts(node, 'dilations') ?? [1, 1, 1, 1];
    const sp = this.spatialAttrs(node, xv.hw, [kh, kw], [dil[1]!, dil[2]!]);
    const attrs: Record<string, number | number[] | string> = { ...sp.attrs, dilations: [dil[1]!, dil[2]!], kernel_shape: [kh, kw] };
    if (depthwise) attrs.group = ci;
    const fused = node.op.startsWith('_Fused') || node.op.startsWith('Fused') ? attrStrings(node, 'fused_ops') : [];
    const convIn = [x, weight];
    if (fused[0] === 'BiasAdd') convIn.push(this.floatConst(ins[2]!, false));
    else if (fused.length > 0) throw new Error(`${node.name}: fused ops ${fused.join('+')} not supported`);
    const out = this.b.node('Conv', convIn, fused.length > 1 ? `${node.name}/conv` : node.name, attrs);
    return this.activation(node, withHw({ name: out, layout: 'nchw' }, sp.hw), fused.slice(1), ins[3]);
  }

  private activation(node: TfNode, v: Value, ops: string[], alphaRef: string | undefined): Value {
    if (ops.length === 0) return v;
    if (ops.length > 1) throw new Error(`${node.name}: fused activations ${ops.join('+')} not supported`);
    const act = ops[0]!;
    if (act === 'Relu') return withHw({ name: this.b.node('Relu', [v.name], node.name), layout: v.layout }, v.hw);
    if (act === 'Relu6') return this.clip(v, node.name, 0, 6);
    if (act === 'Elu') return withHw({ name: this.b.node('Elu', [v.name], node.name), layout: v.layout }, v.hw);
    if (act === 'LeakyRelu') return withHw({ name: this.b.node('LeakyRelu', [v.name], node.name, { alpha: { float: attrFloat(node, 'leakyrelu_alpha') ?? 0.2 } }), layout: v.layout }, v.hw);
    if (act === 'Prelu' && alphaRef) {
      const slope = this.floatConst(alphaRef, v.layout === 'nchw');
      return withHw({ name: this.b.node('PRelu', [v.name, slope], node.name), layout: v.layout }, v.hw);
    }
    throw new Error(`${node.name}: fused activation ${act} not supported`);
  }

  private clip(v: Value, name: string, min: number, max: number): Value {
    const lo = this.b.floatInit(`${name}/min`, [], new Float32Array([min]));
    const hi = this.b.floatInit(`${name}/max`, [], new Float32Array([max]));
    return withHw({ name: this.b.node('Clip', [v.name, lo, hi], name), layout: v.layout }, v.hw);
  }

  /** A scalar constant operand of a binary node, or null. */
  private scalarOperand(node: TfNode): { value: number; other: string } | null {
    const [a, b] = this.dataInputs(node);
    for (const [c, other] of [[a, b], [b, a]] as const) {
      if (c && other && this.isConst(c)) {
        const k = this.constOf(c);
        if (k.data.length === 1) return { value: Number(k.data[0]), other };
      }
    }
    return null;
  }

  private only(ref: string): TfNode | null {
    const name = ref.replace(/:0$/, '');
    return (this.consumers.get(name) ?? 0) === 1 ? (this.byName.get(name) ?? null) : null;
  }

  /**
   * clip_by_value as Keras writes it, Maximum(Minimum(x, hi), lo), often after a Relu: one Clip,
   * which ONNX Runtime fuses into the preceding Conv (a separate Min/Max pair costs a layout
   * round-trip per layer). Exact: the same element-wise function.
   */
  private tryClip(node: TfNode): Value | null {
    if (node.op !== 'Maximum') return null;
    const lo = this.scalarOperand(node);
    if (!lo) return null;
    const minNode = this.only(lo.other);
    if (minNode?.op !== 'Minimum') return null;
    const hi = this.scalarOperand(minNode);
    if (!hi || hi.value < lo.value) return null;
    let src = hi.other;
    const relu = this.only(src);
    if (relu?.op === 'Relu' && lo.value >= 0) src = this.dataInputs(relu)[0]!;
    return this.clip(this.value(src), node.name, lo.value, hi.value);
  }

  private pool(node: TfNode, ins: string[]): Value {
    const xv = this.value(ins[0]!);
    const x = this.nchw(xv);
    const k = attrInts(node, 'ksize') ?? [1, 1, 1, 1];
    const sp = this.spatialAttrs(node, xv.hw, [k[1]!, k[2]!], [1, 1]);
    const attrs = { ...sp.attrs, kernel_shape: [k[1]!, k[2]!] };
    return withHw({ name: this.b.node(node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [x], node.name, attrs), layout: 'nchw' }, sp.hw);
  }

  private pad(node: TfNode, ins: string[]): Value {
    const v = this.value(ins[0]!);
    const p = this.intConst(ins[1]!);
    const rank = p.length / 2;
    const order = v.layout === 'nchw' ? [0, 3, 1, 2] : [...Array(rank).keys()];
    const pads = [...order.map((a) => p[a * 2]!), ...order.map((a) => p[a * 2 + 1]!)];
    const inputs = [v.name, this.b.int64Init(`${node.name}/pads`, pads)];
    if (node.op === 'PadV2') inputs.push(this.floatConst(ins[2]!, false));
    const hw: [number, number] | undefined = v.hw && v.layout === 'nchw' ? [v.hw[0] + p[2]! + p[3]!, v.hw[1] + p[4]! + p[5]!] : undefined;
    return withHw({ name: this.b.node('Pad', inputs, node.name, { mode: 'constant' }), layout: v.layout }, hw);
  }

  private mean(node: TfNode, ins: string[]): Value {
    const v = this.value(ins[0]!);
    const keep = attrBool(node, 'keep_dims');
    const axes = this.intConst(ins[1]!).map((a) => (a < 0 ? a + 4 : a));
    if (v.layout === 'nchw') {
      const mapped = axes.map((a) => NHWC_TO_NCHW_AXIS[a]!);
      const kept = [0, 1, 2, 3].filter((a) => !mapped.includes(a));
      const backToNhwc = kept.map((a) => NHWC_TO_NCHW_AXIS.indexOf(a));
      const sameOrder = backToNhwc.every((a, k) => k === 0 || a > backToNhwc[k - 1]!);
      if (keep || sameOrder) {
        const out = this.b.node('ReduceMean', [v.name], node.name, { axes: mapped.sort((a, b) => a - b), keepdims: keep ? 1 : 0 });
        return { name: out, layout: keep ? 'nchw' : 'plain' };
      }
    }
    return { name: this.b.node('ReduceMean', [this.plain(v)], node.name, { axes, keepdims: keep ? 1 : 0 }), layout: 'plain' };
  }

  private matmul(node: TfNode, ins: string[]): Value {
    if (attrBool(node, 'transpose_a')) throw new Error(`${node.name}: transpose_a not supported`);
    const a = this.plain(this.value(ins[0]!));
    const bc = this.constOf(ins[1]!);
    let bw = { data: bc.data as Float32Array, shape: bc.shape };
    if (attrBool(node, 'transpose_b')) bw = transpose(bw.data, bw.shape, [1, 0]);
    const weight = this.b.floatInit(`${node.name}/W`, bw.shape, bw.data);
    const fused = node.op === '_FusedMatMul' ? attrStrings(node, 'fused_ops') : [];
    let out = this.b.node('MatMul', [a, weight], fused.length ? `${node.name}/matmul` : node.name);
    if (fused[0] === 'BiasAdd') out = this.b.node('Add', [out, this.floatConst(ins[2]!, false)], fused.length > 1 ? `${node.name}/bias` : node.name);
    else if (fused.length > 0) throw new Error(`${node.name}: fused ops ${fused.join('+')} not supported`);
    return this.activation(node, { name: out, layout: 'plain' }, fused.slice(1), ins[3]);
  }

  private binary(node: TfNode, onnxOp: string, ins: string[]): Value {
    const [ra, rb] = [ins[0]!, ins[1]!];
    const ca = this.isConst(ra);
    const cb = this.isConst(rb);
    if (ca && cb) throw new Error(`${node.name}: constant folding is not supported`);
    if (ca || cb) {
      const v = this.value(ca ? rb : ra);
      const c = this.floatConst(ca ? ra : rb, v.layout === 'nchw');
      const inputs = ca ? [c, v.name] : [v.name, c];
      return withHw({ name: this.b.node(onnxOp, inputs, node.name), layout: v.layout }, v.hw);
    }
    const va = this.value(ra);
    const vb = this.value(rb);
    if (va.layout === vb.layout) return withHw({ name: this.b.node(onnxOp, [va.name, vb.name], node.name), layout: va.layout }, va.hw ?? vb.hw);
    return { name: this.b.node(onnxOp, [this.plain(va), this.plain(vb)], node.name), layout: 'plain' };
  }

  private concat(node: TfNode, ins: string[]): Value {
    const axisRef = ins[ins.length - 1]!;
    let axis = this.intConst(axisRef)[0]!;
    const parts = ins.slice(0, -1).map((r) => this.value(r));
    if (parts.every((p) => p.layout === 'nchw')) {
      axis = NHWC_TO_NCHW_AXIS[axis < 0 ? axis + 4 : axis]!;
      return { name: this.b.node('Concat', parts.map((p) => p.name), node.name, { axis }), layout: 'nchw' };
    }
    return { name: this.b.node('Concat', parts.map((p) => this.plain(p)), node.name, { axis }), layout: 'plain' };
  }
}

function withHw(v: Value, hw: [number, number] | undefined): Value {
  return hw ? { ...v, hw } : v;
}

/** Converts a parsed TF.js graph to serialised ONNX bytes (deterministic). */
export function tfjsGraphToOnnx(graph: TfGraph, opts: ConvertOptions): Uint8Array {
  return encodeOnnxModel(new Translator(graph, opts).build());
}
