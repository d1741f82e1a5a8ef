import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from '../../../../src/vision/models/convert/onnx-schema.js';
import { readTfjsGraph } from '../../../../src/vision/models/convert/tfjs-graph.js';
import { tfjsGraphToOnnx } from '../../../../src/vision/models/convert/tfjs-to-onnx.js';
import { transpose } from '../../../../src/vision/models/convert/tensor-ops.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A two-node graph: input -> Conv2D (1x1, 3->2 channels) -> Relu, weights float16-quantised. */
function tinyGraph(op = 'Relu'): { json: Buffer; shards: Map<string, Buffer> } {
  const json = {
    format: 'graph-model',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: '1' }, { size: '4' }, { size: '4' }, { size: '3' }] } } } },
        { name: 'w', op: 'Const', attr: {} },
        {
          name: 'conv',
          op: 'Conv2D',
          input: ['x', 'w'],
          attr: { strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') } },
        },
        { name: 'act', op, input: ['conv'], attr: {} },
      ],
    },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [1, 1, 3, 2], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } }] }],
  };
  // float16: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800
  const halves = [0x3c00, 0xc000, 0x3800, 0x3c00, 0x3c00, 0x3800];
  const bin = Buffer.alloc(12);
  halves.forEach((h, i) => bin.writeUInt16LE(h, i * 2));
  return { json: Buffer.from(JSON.stringify(json)), shards: new Map([['w.bin', bin]]) };
}

describe('TF.js graph reading and conversion', () => {
  it('expands float16 weights exactly', () => {
    const { json, shards } = tinyGraph();
    const g = readTfjsGraph(json, shards);
    expect(Array.from(g.consts.get('w')!.data)).toEqual([1, -2, 0.5, 1, 1, 0.5]);
  });

  it('writes NCHW conv weights and a decodable ONNX model, byte-identical on every run', () => {
    const { json, shards } = tinyGraph();
    const opts = { inputName: 'input', outputs: [{ tf: 'act', onnx: 'out' }] };
    const a = tfjsGraphToOnnx(readTfjsGraph(json, shards), opts);
    const b = tfjsGraphToOnnx(readTfjsGraph(json, shards), opts);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    const m = decodeOnnxModel(a);
    expect(m.graph.node.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Transpose', 'Identity']); // outputs go back to TF's NHWC
    expect(m.graph.input[0]!.type.tensorType.shape!.dim).toEqual([{ dimValue: 1 }, { dimValue: 3 }, { dimValue: 4 }, { dimValue: 4 }]);
    expect(m.graph.initializer[0]!.dims).toEqual([2, 3, 1, 1]);
  });

  it('names the op it cannot convert', () => {
    const { json, shards } = tinyGraph('Erf');
    expect(() => tfjsGraphToOnnx(readTfjsGraph(json, shards), { inputName: 'input', outputs: [{ tf: 'act', onnx: 'out' }] })).toThrow(/TF op Erf \(node act\) is not supported/);
  });

  it('refuses weight shards that do not match the manifest', () => {
    const { json } = tinyGraph();
    expect(() => readTfjsGraph(json, new Map([['w.bin', Buffer.alloc(4)]]))).toThrow(/shard too short/);
    expect(() => readTfjsGraph(json, new Map())).toThrow(/weight shard w.bin is missing/);
  });

  it('transposes axes like numpy.transpose', () => {
    const t = transpose(Float32Array.from([0, 1, 2, 3, 4, 5]), [2, 3], [1, 0]);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.data)).toEqual([0, 3, 1, 4, 2, 5]);
  });
});
