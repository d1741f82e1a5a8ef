import { z } from 'zod';
import { UUID_V7_PATTERN } from '../../util/ids.js';
import { TOPIC_SAFE_ID } from '../topics.js';

/** Version of the wire contract carried in every message the lane publishes (`v`). */
export const WIRE_VERSION = 1;

/** UTC instant with a Z suffix, e.g. 2026-01-01T08:00:00.000Z (what Date#toISOString writes). */
export const isoInstant = z.iso.datetime({ offset: false }).describe('UTC instant, ISO 8601 with Z');

export const slugId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);
export const uuidV7 = z.string().regex(UUID_V7_PATTERN).describe('UUIDv7 (time-ordered), lower case');
/** Ids that become a topic level (command ids, evidence refs). */
export const topicSafeId = z.string().regex(TOPIC_SAFE_ID).describe('1-64 characters of A-Z a-z 0-9 . _ -');
/** An evidence file reference as the store names it (relative path, e.g. 2026/01/02/<uuid>.face-crop.jpg). */
export const evidenceRef = z
  .string()
  .regex(/^(?!.*\.\.)[A-Za-z0-9._-][A-Za-z0-9._/-]{0,127}$/)
  .describe('Evidence file reference (relative path in the lane evidence folder)');
export const ed25519Signature = z
  .string()
  .regex(/^[A-Za-z0-9+/]{86}==$/)
  .describe('Ed25519 signature (64 bytes), standard base64');

export const isoOf = (ms: number): string => new Date(ms).toISOString();
