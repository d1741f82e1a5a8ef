import { z } from 'zod';
import { COMMAND_NAMES, commandSchemaFor, listDeltaSchema, listSnapshotChunkSchema } from './down-messages.js';
import { exampleCommand, exampleDelta, exampleSnapshotChunk, UP_EXAMPLES } from './examples.js';
import { cmdResultSchema, eventSchema, evidenceSchema, resyncRequestSchema, stateSchema, telemetrySchema } from './up-messages.js';

/**
 * The JSON Schemas of every payload (docs/schemas/mqtt/<name>.json), generated from the zod
 * schemas the lane itself parses with, so code and contract cannot drift (a test compares the
 * checked-in files with this output). Each carries its examples.
 */
export interface WireSchemaEntry {
  /** File name without .json. */
  name: string;
  direction: 'up' | 'down';
  /** Topic below bg/v1/, for the docs table. */
  topic: string;
  schema: z.ZodType;
  examples: unknown[];
}

export function wireSchemaEntries(): WireSchemaEntry[] {
  const entries: WireSchemaEntry[] = [
    { name: 'state', direction: 'up', topic: '{site}/{lane}/state', schema: stateSchema, examples: [UP_EXAMPLES.stateOnline, UP_EXAMPLES.stateWill, UP_EXAMPLES.stateShutdown] },
    { name: 'event', direction: 'up', topic: '{site}/{lane}/event/{type}', schema: eventSchema, examples: [UP_EXAMPLES.event] },
    { name: 'cmd-result', direction: 'up', topic: '{site}/{lane}/cmd-result/{id}', schema: cmdResultSchema, examples: [UP_EXAMPLES.cmdResultAccepted, UP_EXAMPLES.cmdResultRejected] },
    { name: 'lists-resync', direction: 'up', topic: '{site}/{lane}/lists/resync', schema: resyncRequestSchema, examples: [UP_EXAMPLES.resync] },
    { name: 'evidence', direction: 'up', topic: '{site}/{lane}/evidence/{id}', schema: evidenceSchema, examples: [UP_EXAMPLES.evidence] },
    { name: 'telemetry', direction: 'up', topic: '{site}/{lane}/telemetry', schema: telemetrySchema, examples: [UP_EXAMPLES.telemetry] },
    { name: 'list-delta', direction: 'down', topic: '{site}/lists/{list}', schema: listDeltaSchema, examples: [exampleDelta()] },
    {
      name: 'list-snapshot',
      direction: 'down',
      topic: '{site}/lists/{list}/snapshot, {site}/{lane}/lists/{list}/snapshot',
      schema: listSnapshotChunkSchema,
      examples: [exampleSnapshotChunk()],
    },
  ];
  for (const name of COMMAND_NAMES) {
    entries.push({ name: `cmd-${name}`, direction: 'down', topic: `{site}/{lane}/cmd/${name}`, schema: commandSchemaFor(name), examples: [exampleCommand(name)] });
  }
  return entries;
}

export function renderWireSchema(entry: WireSchemaEntry): string {
  const schema = z.toJSONSchema(entry.schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const out = { $id: `bg/v1/${entry.name}.json`, ...schema, examples: entry.examples };
  return `${JSON.stringify(out, null, 2)}\n`;
}
