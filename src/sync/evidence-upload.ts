import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { uuidv7 } from '../util/ids.js';
import type { LaneTopics } from './topics.js';
import { isoOf } from './wire/common.js';
import type { EvidenceMessage } from './wire/up-messages.js';

/** What the uploader needs from the evidence store (src/store/evidence.ts EvidenceStore). */
export interface EvidenceSource {
  pathFor(ref: string): string | null;
  markSent(refs: readonly string[]): number;
}

export type EvidenceUploadResult =
  | { ok: true; id: string; bytes: number }
  | { ok: false; reason: 'no-evidence-store' | 'unknown-ref' | 'unsupported-type' | 'too-large' | 'unreadable' | 'not-connected'; detail: string };

const CONTENT_TYPES: Readonly<Record<string, EvidenceMessage['contentType']>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

export interface EvidenceUploadOptions {
  topics: LaneTopics;
  source: EvidenceSource | null;
  maxBytes: number;
  now(): number;
  /** Publishes QoS 1 and resolves on PUBACK; rejects when offline or refused. */
  publish(topic: string, text: string): Promise<void>;
}

/**
 * Publishes one evidence image (on request: the send-evidence command; or by policy: the lane
 * calls MqttLink.sendEvidence). Images do not go through the outbox: they are large, the
 * evidence store keeps them (with their own quota and retention) and marks them sent on PUBACK.
 * A file above the size limit is refused with a reason instead of being cut or compressed here.
 */
export async function uploadEvidence(ref: string, o: EvidenceUploadOptions): Promise<EvidenceUploadResult> {
  if (o.source === null) return { ok: false, reason: 'no-evidence-store', detail: 'this lane has no evidence store' };
  const path = o.source.pathFor(ref);
  if (path === null) return { ok: false, reason: 'unknown-ref', detail: 'no live evidence file with this ref (unknown, or removed by retention/quota)' };
  const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
  if (contentType === undefined) return { ok: false, reason: 'unsupported-type', detail: `only ${Object.keys(CONTENT_TYPES).join(', ')} files are sent` };
  let data: Buffer;
  try {
    const size = (await stat(path)).size;
    if (size > o.maxBytes) return { ok: false, reason: 'too-large', detail: `${size} bytes; at most ${o.maxBytes} are sent` };
    data = await readFile(path);
  } catch (err) {
    return { ok: false, reason: 'unreadable', detail: `cannot read the evidence file (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (data.length > o.maxBytes) return { ok: false, reason: 'too-large', detail: `${data.length} bytes; at most ${o.maxBytes} are sent` };
  const { site, lane } = o.topics.id;
  const id = uuidv7(o.now());
  const message: EvidenceMessage = {
    v: 1,
    site,
    lane,
    id,
    ref,
    contentType,
    bytes: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    at: isoOf(o.now()),
    data: data.toString('base64'),
  };
  try {
    await o.publish(o.topics.evidence(id), JSON.stringify(message));
  } catch (err) {
    return { ok: false, reason: 'not-connected', detail: `not published: ${(err as Error).message}` };
  }
  o.source.markSent([ref]);
  return { ok: true, id, bytes: data.length };
}
