import { z } from 'zod';
import { LANE_OPERATING_MODES } from './up-messages.js';
import { ed25519Signature, evidenceRef, isoInstant, topicSafeId } from './common.js';

/**
 * Messages the central system sends. Commands are parsed with these schemas at the lane; list
 * rows are checked by the store's list definitions (src/store/lists/), which know every column.
 */
const reason = z.string().min(1).max(200).optional().describe('Free text for the lane log and the audit trail.');

/** Arguments of each command; the command name is the last topic level (cmd/{name}). */
export const COMMAND_ARGS = {
  open: z.strictObject({ reason }).describe('Open the barrier/door for one passage (interlocks still apply).'),
  close: z.strictObject({ reason }).describe('Close the barrier/door (interlocks still apply: never onto a person or vehicle).'),
  'hold-open': z
    .strictObject({ seconds: z.number().int().min(1).max(3600), reason })
    .describe('Keep the barrier/door open for this long, then return to the current mode.'),
  'set-mode': z
    .strictObject({ mode: z.enum(LANE_OPERATING_MODES), reason })
    .describe('normal, locked (nobody passes), free-pass (emergency evacuation), maintenance.'),
  snapshot: z.strictObject({}).describe('Answer with a diagnostic snapshot of the lane in the outcome data.'),
  'sync-now': z
    .strictObject({ resyncLists: z.boolean().optional() })
    .describe('Re-announce and drain the outbox now, without the backlog rate limit; optionally ask for every list.'),
  'reload-config': z.strictObject({}).describe('Re-read the lane configuration file (only live-safe keys apply).'),
  'send-evidence': z.strictObject({ ref: evidenceRef }).describe('Publish one evidence image (size-limited) to evidence/{id}.'),
} as const;

export type CommandName = keyof typeof COMMAND_ARGS;
export const COMMAND_NAMES = Object.keys(COMMAND_ARGS) as CommandName[];
export type CommandArgs<N extends CommandName> = z.output<(typeof COMMAND_ARGS)[N]>;

export function isCommandName(value: string): value is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMAND_ARGS, value);
}

/** The envelope every command shares; `args` is checked against the command's own schema next. */
export const commandEnvelopeSchema = z
  .strictObject({
    id: topicSafeId.describe('Unique per command (a UUID is fine); also the cmd-result topic level.'),
    issuedAt: isoInstant,
    expiresAt: isoInstant,
    args: z.record(z.string(), z.unknown()),
    sig: ed25519Signature.describe('Over the canonical JSON of {kind:"command", id, issuedAt, expiresAt, name, site, lane, args}.'),
  })
  .meta({ title: 'command', description: 'bg/v1/{site}/{lane}/cmd/{name}, QoS 1, signed by a central key.' });

export type CommandEnvelope = z.output<typeof commandEnvelopeSchema>;

/** The envelope with one command's args, for the generated per-command JSON Schemas. */
export function commandSchemaFor(name: CommandName) {
  return commandEnvelopeSchema
    .extend({ args: COMMAND_ARGS[name] })
    .meta({ title: `cmd/${name}`, description: `bg/v1/{site}/{lane}/cmd/${name}, QoS 1, signed. ${COMMAND_ARGS[name].description ?? ''}` });
}

const listRow = z.record(z.string(), z.unknown()).describe('One row; fields per list in docs/store.md (list formats).');
const listKey = z.union([z.string(), z.record(z.string(), z.unknown())]).describe('Key of a row to delete; per list in docs/store.md.');
const listName = z.enum(['subjects', 'credentials', 'face-templates', 'vehicles', 'cargo', 'watchlist']);

export const listDeltaSchema = z
  .strictObject({
    list: listName,
    fromVersion: z.number().int().min(0),
    toVersion: z.number().int().min(1),
    upserts: z.array(listRow),
    deletes: z.array(listKey),
    sig: ed25519Signature.describe('Over the canonical JSON of the message without sig plus kind:"list-delta" and site.'),
  })
  .meta({ title: 'list delta', description: 'bg/v1/{site}/lists/{list}, QoS 1, signed. Applied only when fromVersion is the cached version.' });

export const listSnapshotChunkSchema = z
  .strictObject({
    list: listName,
    snapshotId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/),
    version: z.number().int().min(0),
    chunk: z.number().int().min(0),
    chunks: z.number().int().min(1),
    rows: z.array(listRow),
    sig: ed25519Signature.describe('Over the canonical JSON of the message without sig plus kind:"list-snapshot" and site.'),
  })
  .meta({
    title: 'list snapshot chunk',
    description: 'bg/v1/{site}/lists/{list}/snapshot or bg/v1/{site}/{lane}/lists/{list}/snapshot, QoS 1, signed. Swapped in when all chunks are in.',
  });

export type ListDeltaMessage = z.output<typeof listDeltaSchema>;
export type ListSnapshotChunkMessage = z.output<typeof listSnapshotChunkSchema>;
