import type { OutboxMessage } from '../../store/outbox.js';
import type { LaneIdentity } from '../topics.js';
import type { DrainRow } from './outbox-reader.js';

/**
 * The event message around an outbox row (schema: wire/up-messages.ts eventSchema). Built by string
 * concatenation: the payload is already JSON text (canonical, from the store), and re-parsing and
 * re-serialising every row would cost more than the rest of the drain.
 */
const PLAIN = /^[A-Za-z0-9._/-]*$/;

export class EventEnvelope {
  private readonly head: string;
  private readonly topicBase: string;
  /** Rows committed together share their millisecond: format each instant once. */
  private lastMs = Number.NaN;
  private lastIso = '';

  constructor(id: LaneIdentity) {
    this.head = `{"v":1,"site":${JSON.stringify(id.site)},"lane":${JSON.stringify(id.lane)},"id":`;
    this.topicBase = `${id.prefix}/${id.site}/${id.lane}/`;
  }

  text(row: DrainRow): string {
    // Ids are UUIDs and the store checks topics: nothing to escape, but never trust that blindly.
    const id = PLAIN.test(row[1]) ? `"${row[1]}"` : JSON.stringify(row[1]);
    const type = PLAIN.test(row[2]) ? `"${row[2]}"` : JSON.stringify(row[2]);
    if (row[4] !== this.lastMs) {
      this.lastMs = row[4];
      this.lastIso = new Date(row[4]).toISOString();
    }
    return `${this.head}${id},"seq":${row[0]},"type":${type},"at":"${this.lastIso}","body":${row[3]}}`;
  }

  topic(row: DrainRow): string {
    return this.topicBase + row[2];
  }
}

export function drainRowOf(m: OutboxMessage): DrainRow {
  return [m.seq, m.messageId, m.topic, m.payload, m.createdAt];
}
