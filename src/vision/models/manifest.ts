import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * models/manifest.json: every model the lane may load, where it comes from, how it is built and
 * what its tensors mean. The build (scripts/build-models.ts) checks the sha256 of each input
 * before converting or copying and of each output after; the registry checks the output hash
 * again before every load, so a model file can never silently differ from what was measured.
 */

const dim = z.union([z.number().int().positive(), z.string().min(1)]);

/**
 * How pixels become the input tensor: value = (pixel * scale - mean[c]) / std[c], channels
 * in `colour` order. `size` is [width, height] when fixed.
 */
export const inputSpecSchema = z.strictObject({
  name: z.string().min(1),
  dtype: z.literal('float32'),
  shape: z.array(dim).min(1),
  layout: z.enum(['NCHW', 'NHWC']),
  colour: z.enum(['RGB', 'BGR']),
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
  scale: z.number().positive(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  note: z.string().optional(),
});

export const outputSpecSchema = z.strictObject({
  name: z.string().min(1),
  shape: z.array(dim),
  meaning: z.string().min(1),
});

export const sourceSchema = z.strictObject({
  package: z.string().min(1),
  version: z.string().min(1),
  upstream: z.string().min(1),
});

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

/** One input file of the build, relative to the source package's root. */
export const buildInputSchema = z.strictObject({ path: z.string().min(1), sha256 });

export const buildSchema = z.discriminatedUnion('method', [
  /** Copied byte for byte from the npm package. */
  z.strictObject({ method: z.literal('copy'), inputs: z.array(buildInputSchema).length(1) }),
  /** TF.js graph model (model.json + weight shards) converted by src/vision/models/convert/. */
  z.strictObject({
    method: z.literal('tfjs-graph'),
    inputs: z.array(buildInputSchema).min(2),
    /** Graph outputs to keep (TF node names, `:0` suffix allowed); ONNX names follow `outputs`. */
    tfOutputs: z.array(z.string().min(1)).min(1),
  }),
]);

export const modelEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase id'),
  /** 'onnx' loads as an InferenceSession; 'asset' is any other file (e.g. an OCR dictionary). */
  kind: z.enum(['onnx', 'asset']),
  /** File name under the models directory (models/build/). */
  file: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
  sha256,
  licence: z.string().min(1),
  source: sourceSchema,
  build: buildSchema,
  inputs: z.array(inputSpecSchema),
  outputs: z.array(outputSpecSchema),
  note: z.string().optional(),
});

export const manifestSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  models: z.array(modelEntrySchema).min(1),
});

export type InputSpec = z.infer<typeof inputSpecSchema>;
export type OutputSpec = z.infer<typeof outputSpecSchema>;
export type ModelSource = z.infer<typeof sourceSchema>;
export type ModelBuild = z.infer<typeof buildSchema>;
export type ManifestEntry = z.infer<typeof modelEntrySchema>;
export type Manifest = z.infer<typeof manifestSchema>;

/** Parses and validates a manifest; errors list every problem as "path: message". */
export function parseManifest(json: unknown, source: string): Manifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`model manifest ${source} is invalid:\n  ${lines.join('\n  ')}`);
  }
  const seen = new Set<string>();
  for (const m of result.data.models) {
    if (seen.has(m.id)) throw new Error(`model manifest ${source}: duplicate model id '${m.id}'`);
    seen.add(m.id);
  }
  return result.data;
}

export function loadManifest(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`model manifest ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}); it ships with the package under models/manifest.json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`model manifest ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseManifest(json, path);
}
