import type { OutboxMessage } from '../../store/outbox.js';
import type { LaneIdentity } from '../topics.js';

/**
 * The event message around an outbox row (schema: wire/up-messages.ts eventSchema). Built by string
 * concatenation: the payload is already JSON text (canonical, from the store), and re-parsing and
 * re-serialising every row would cost more than the rest of the drain.
 */
export class EventEnvelope {
  private readonly head: string;
  private readonly topicBase: string;

  constructor(id: LaneIdentity) {
    this.head = `{"v":1,"site":${JSON.stringify(id.site)},"lane":${JSON.stringify(id.lane)},"id":`;
    this.topicBase = `${id.prefix}/${id.site}/${id.lane}/`;
  }

  text(row: OutboxMessage): string {
    return `${this.head}${JSON.stringify(row.messageId)},"seq":${row.seq},"type":${JSON.stringify(row.topic)},"at":"${new Date(row.createdAt).toISOString()}","body":${row.payload}}`;
  }

  topic(row: OutboxMessage): string {
    return this.topicBase + row.topic;
  }
}

export function envelopeText(id: LaneIdentity, row: OutboxMessage): string {
  return new EventEnvelope(id).text(row);
}

export function eventTopic(id: LaneIdentity, row: OutboxMessage): string {
  return new EventEnvelope(id).topic(row);
}
