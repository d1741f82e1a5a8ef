import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageDir } from '../../../../src/vision/models/build.js';
import { loadManifest, type ManifestEntry } from '../../../../src/vision/models/manifest.js';
import { defaultManifestPath, packageRootFrom } from '../../../../src/vision/models/paths.js';
import { testModelsDir } from './model-fixtures.js';

/**
 * Every converted model against TF.js itself (CPU backend) on one fixed pseudo-random input:
 * the ONNX outputs must equal TF.js's within 1e-4 (absolute).
 */
const manifest = loadManifest(defaultManifestPath());
const converted = manifest.models.filter((m) => m.build.method === 'tfjs-graph');
let modelsDir: string;

beforeAll(async () => {
  modelsDir = testModelsDir(converted.map((m) => m.id));
  await tf.setBackend('cpu');
});
afterAll(() => tf.disposeVariables());

function fixedInput(h: number, w: number): Float32Array {
  const out = new Float32Array(h * w * 3);
  let seed = 12345;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = (seed / 0x7fffffff) * 255;
  }
  return out;
}

async function loadTfjs(entry: ManifestEntry): Promise<tf.GraphModel> {
  const pkg = findPackageDir(packageRootFrom(), entry.source.package)!;
  const jsonPath = entry.build.inputs.find((i) => i.path.endsWith('.json'))!.path;
  const json = JSON.parse(readFileSync(join(pkg, jsonPath), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
    format?: string;
  };
  const bins = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(pkg, jsonPath, '..', p)));
  const all = Buffer.concat(bins);
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
      format: json.format,
    }),
  });
}

describe('TF.js -> ONNX converter parity (1e-4)', () => {
  for (const entry of converted) {
    it(`${entry.id}: ONNX Runtime equals TF.js on a fixed input`, async () => {
      const spec = entry.inputs[0]!;
      const [, , h, w] = spec.shape as [number, number, number, number];
      const pixels = fixedInput(h, w);
      // The model's own normalisation, applied identically to both sides.
      const nhwc = pixels.map((v, i) => (v * spec.scale - spec.mean[i % 3]!) / spec.std[i % 3]!);
      const nchw = new Float32Array(nhwc.length);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) nchw[c * h * w + y * w + x] = nhwc[(y * w + x) * 3 + c]!;

      const model = await loadTfjs(entry);
      const input = tf.tensor4d(nhwc, [1, h, w, 3]);
      const tfOut = model.execute(input, entry.build.method === 'tfjs-graph' ? entry.build.tfOutputs : []);
      const tfList = Array.isArray(tfOut) ? tfOut : [tfOut];

      const session = await InferenceSession.create(join(modelsDir, entry.file), { intraOpNumThreads: 1 });
      const ort = await session.run({ [spec.name]: new Tensor('float32', nchw, [1, 3, h, w]) });
      try {
        entry.outputs.forEach((o, k) => {
          const expected = tfList[k]!.dataSync() as Float32Array;
          const actual = ort[o.name]!.data as Float32Array;
          expect(ort[o.name]!.dims).toEqual(tfList[k]!.shape);
          let maxDiff = 0;
          for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i]! - actual[i]!));
          expect(maxDiff, `${entry.id}/${o.name} max |diff|`).toBeLessThanOrEqual(1e-4);
          // Comparing two all-zero outputs would prove nothing: the output must carry a signal.
          if (expected.length > 1) expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0);
          else expect(Math.abs(expected[0]!)).toBeGreaterThan(1e-6);
        });
      } finally {
        tf.dispose([input, ...tfList]);
        model.dispose();
        await session.release();
      }
    });
  }
});
