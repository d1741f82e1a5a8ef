import { basename } from 'node:path';
import type { ManifestEntry } from '../manifest.js';
import { readTfjsGraph } from './tfjs-graph.js';
import { tfjsGraphToOnnx } from './tfjs-to-onnx.js';

/**
 * The build's converter for manifest entries with method 'tfjs-graph': the .json input is the
 * graph, every other input a weight shard (named as model.json names it, i.e. by base name).
 */
export function convertTfjsEntry(entry: ManifestEntry, inputs: ReadonlyMap<string, Buffer>): Uint8Array {
  if (entry.build.method !== 'tfjs-graph') throw new Error(`model '${entry.id}' is not a TF.js graph build`);
  let modelJson: Buffer | undefined;
  const shards = new Map<string, Buffer>();
  for (const [path, bytes] of inputs) {
    if (path.endsWith('.json')) modelJson = bytes;
    else shards.set(basename(path), bytes);
  }
  if (!modelJson) throw new Error(`model '${entry.id}': no model .json among the build inputs`);
  const input = entry.inputs[0];
  if (!input || entry.inputs.length !== 1) throw new Error(`model '${entry.id}': converted models have exactly one input`);
  const tfOutputs = entry.build.tfOutputs;
  if (tfOutputs.length !== entry.outputs.length) throw new Error(`model '${entry.id}': ${tfOutputs.length} tfOutputs but ${entry.outputs.length} outputs`);
  const graph = readTfjsGraph(modelJson, shards);
  return tfjsGraphToOnnx(graph, {
    inputName: input.name,
    inputShape: input.shape,
    outputs: tfOutputs.map((tf, k) => ({ tf, onnx: entry.outputs[k]!.name })),
    docString: `${entry.id}: converted from ${entry.source.package}@${entry.source.version} (${entry.source.upstream}), ${entry.licence}`,
  });
}
