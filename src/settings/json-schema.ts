import { z } from 'zod';
import { laneConfigSchema } from './lane-config.schema.js';

export const JSON_SCHEMA_ID = 'urn:lane-controller:config:lane.schema.json';

/**
 * JSON Schema of the config file as written by people (input side: keys with defaults are optional), for
 * editors via `# yaml-language-server: $schema=./lane.schema.json`. Draft-07 because it is the draft every
 * YAML editor plugin understands. Cross-key checks (duplicate device names, TLS with mqtt://) exist only in
 * the loader.
 */
export function buildJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(laneConfigSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: JSON_SCHEMA_ID,
    title: 'Lane controller configuration',
    description: 'One YAML file per lane daemon. Generated from src/settings/lane-config.schema.ts; do not edit by hand.',
    ...rest,
  };
}

/** The committed file's exact text: stable key order, two-space indent, trailing newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
