import { decodeImage } from '../../src/vision/image/decode.js';
import { resolveFaceConfig } from '../../src/vision/face/face-config.js';
import { FacePipeline } from '../../src/vision/face/face-pipeline.js';
import { ModelRegistry, defaultModelsDir } from '../../src/vision/models/registry.js';
import { percentile } from '../report.js';
import { laneFrames } from './frames.js';

export interface OursResult {
  frames: number;
  wallMs: { p50: number; p95: number };
  cpuMs: { p50: number };
  detectMs: number;
  embedMs: number;
  decodeJpegMs: number;
  facesFound: number;
  peakRssMB: number;
  modelsLoaded: string[];
}

function p(xs: number[], q: number): number {
  return percentile([...xs].sort((a, b) => a - b), q);
}

/**
 * Our face pipeline (detect + select + gates + align + embed, one intra-op thread) on 1280x720
 * frames, then every ONNX model of the manifest loaded and run once for the peak RSS figure.
 */
export async function benchOurs(count: number, rounds: number): Promise<OursResult | null> {
  const items = await laneFrames(count);
  if (items.length === 0) return null;
  const registry = new ModelRegistry({ modelsDir: defaultModelsDir(), intraOpThreads: 1 });
  try {
    const pipeline = await FacePipeline.load(registry, resolveFaceConfig());
    for (const it of items.slice(0, 3)) await pipeline.analyse(it.frame); // warm-up
    const wall: number[] = [];
    const cpu: number[] = [];
    const det: number[] = [];
    const emb: number[] = [];
    let faces = 0;
    for (let r = 0; r < rounds; r++) {
      for (const it of items) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const a = await pipeline.analyse(it.frame, { embed: 'always' });
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        det.push(a.timingsMs.detect);
        emb.push(a.timingsMs.embed);
        if (r === 0 && a.primary?.template) faces++;
      }
    }
    const dec: number[] = [];
    for (const it of items) {
      const t0 = performance.now();
      await decodeImage(it.jpeg);
      dec.push(performance.now() - t0);
    }
    // All models resident (face and plate), each run once so its buffers are allocated.
    const loaded: string[] = [];
    const { Tensor } = await import('onnxruntime-node');
    for (const id of registry.ids()) {
      const spec = registry.spec(id);
      if (spec.kind !== 'onnx') continue;
      const s = await registry.session(id);
      const input = spec.inputs[0]!;
      const shape = input.shape.map((d, k) => (typeof d === 'number' ? d : k === 0 ? 1 : k === 3 ? 320 : 64));
      const n = shape.reduce((a, b) => a * b, 1);
      await s.run({ [s.inputNames[0]!]: new Tensor('float32', new Float32Array(n), shape) });
      loaded.push(id);
    }
    return {
      frames: wall.length,
      wallMs: { p50: p(wall, 50), p95: p(wall, 95) },
      cpuMs: { p50: p(cpu, 50) },
      detectMs: p(det, 50),
      embedMs: p(emb, 50),
      decodeJpegMs: p(dec, 50),
      facesFound: faces,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      modelsLoaded: loaded,
    };
  } finally {
    await registry.close();
  }
}
