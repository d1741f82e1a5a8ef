import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFaceConfig } from '../../../../src/vision/face/face-config.js';
import { FacePassage } from '../../../../src/vision/face/face-passage.js';
import { FacePipeline } from '../../../../src/vision/face/face-pipeline.js';
import { readImageFile } from '../../../../src/vision/image/decode.js';
import type { RgbImage } from '../../../../src/vision/image/rgb-image.js';
import { ModelError, ModelRegistry } from '../../../../src/vision/models/registry.js';
import { fixturesRoot, testModelsDir } from '../models/model-fixtures.js';

const fx = fixturesRoot();
const faces = join(fx.path, 'faces', 'images');
let registry: ModelRegistry;
let pipeline: FacePipeline;

beforeAll(async () => {
  registry = new ModelRegistry({ modelsDir: testModelsDir(['blazeface', 'faceres', 'antispoof', 'liveness']) });
  pipeline = await FacePipeline.load(registry, resolveFaceConfig());
});
afterAll(async () => registry.close());

/** Shifts an image by a few pixels (the same photo, moved: rigid motion). */
function shifted(img: RgbImage, dx: number): RgbImage {
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width * 3;
    data.set(img.data.subarray(row, row + (img.width - dx) * 3), row + dx * 3);
  }
  return { width: img.width, height: img.height, data };
}

describe('face pipeline', () => {
  it('refuses to load without its models and names the fix (the lane stays up without faces)', async () => {
    const empty = new ModelRegistry({ modelsDir: join(fx.path, 'no-such-models-dir') });
    const err = await FacePipeline.load(empty, resolveFaceConfig()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/blazeface\.onnx.*missing.*fix: run npm run models/);
    await empty.close();
  });

  it('finds no face in a blank frame and says so', async () => {
    const blank = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(90) };
    const a = await pipeline.analyse(blank);
    expect(a.primary).toBeNull();
    expect(a.failure).toBe('no_face');
    expect((await pipeline.enrol(blank)).ok).toBe(false);
  });

  it.skipIf(!fx.present)(`enrols a fixture photo and verifies it against another photo of the same person (fixtures: ${fx.path})`, async () => {
    const a = await pipeline.enrol(await readImageFile(join(faces, 'deepface__tests_unit_dataset_img1.jpg')));
    const b = await pipeline.enrol(await readImageFile(join(faces, 'deepface__tests_unit_dataset_img2.jpg')));
    const other = await pipeline.enrol(await readImageFile(join(faces, 'deepface__tests_unit_dataset_img8.jpg')));
    if (!a.ok || !b.ok || !other.ok) throw new Error('enrolment failed');
    expect(a.template).toHaveLength(1024);
    expect(a.quality.pass).toBe(true);
    const same = pipeline.verify(a.template, b.template);
    const diff = pipeline.verify(a.template, other.template);
    expect(same.score).toBeGreaterThan(diff.score);
    expect(same.match).toBe(true);
    expect(diff.match).toBe(false);
    expect(pipeline.search(a.template, [{ id: 'x', template: other.template }, { id: 'y', template: b.template }])[0]?.id).toBe('y');
  });

  it.skipIf(!fx.present)('reports the second person of a couple photo as another face (tailgating signal)', async () => {
    const a = await pipeline.analyse(await readImageFile(join(faces, 'deepface__tests_unit_dataset_couple.jpg')));
    expect(a.primary).not.toBeNull();
    expect(a.others).toHaveLength(1);
  });

  it.skipIf(!fx.present)('over a passage keeps the best face and flags a perfectly static face', async () => {
    const img = await readImageFile(join(faces, 'deepface__tests_unit_dataset_img5.jpg'));
    const still = new FacePassage(pipeline);
    for (let k = 0; k < 6; k++) await still.addFrame(img);
    const r = still.result();
    expect(r.frames).toBe(6);
    expect(r.best?.template).toHaveLength(1024);
    expect(r.pad.reasons).toContain('static_face');
    expect(r.pad.level).toBe('suspect');
    expect(r.pad.measures.antispoof).not.toBeNull();

    const moved = new FacePassage(pipeline);
    for (let k = 0; k < 6; k++) await moved.addFrame(shifted(img, k * 4));
    const m = moved.result();
    expect(m.pad.reasons).not.toContain('static_face');
    expect(m.pad.measures.motion.travel).toBeGreaterThan(0.01);
  });
});
