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
  /** Everything before the id; OutboxReader has SQLite build the rest of the same text. */
  readonly head: string;
  private readonly topicBase: string;
  /** Rows committed together share their millisecond: format each instant once. */
  private lastMs = Number.NaN;
  private lastIso = '';

  constructor(id: LaneIdentity) {
    this.head = `{"v":1,"site":${JSON.stringify(id.site)},"lane":${JSON.stringify(id.lane)},"id":`;
    this.topicBase = `${id.prefix}/${id.site}/${id.lane}/`;
  }

  /** Per outbox topic (a handful: event/passage, event/alarm ...): its quoted type and full topic, built once. */
  private readonly byTopic = new Map<string, { type: string; topic: string }>();

  text(row: DrainRow): string {
    // Ids are UUIDs and the store checks topics: nothing to escape, but never trust that blindly.
    const id = PLAIN.test(row[1]) ? `"${row[1]}"` : JSON.stringify(row[1]);
    const type = this.forTopic(row[2]).type;
    if (row[4] !== this.lastMs) {
      this.lastMs = row[4];
      this.lastIso = new Date(row[4]).toISOString();
    }
    return `${this.head}${id},"seq":${row[0]},"type":${type},"at":"${this.lastIso}","body":${row[3]}}`;
  }

  topic(row: DrainRow): string {
    return this.forTopic(row[2]).topic;
  }

  /** The MQTT topic of an outbox topic (relative to the lane). */
  topicOf(relative: string): string {
    return this.forTopic(relative).topic;
  }

  private forTopic(relative: string): { type: string; topic: string } {
    let t = this.byTopic.get(relative);
    if (t === undefined) {
      t = { type: PLAIN.test(relative) ? `"${relative}"` : JSON.stringify(relative), topic: this.topicBase + relative };
      if (this.byTopic.size < 64) this.byTopic.set(relative, t);
    }
    return t;
  }
}

export function drainRowOf(m: OutboxMessage): DrainRow {
  return [m.seq, m.messageId, m.topic, m.payload, m.createdAt];
}
