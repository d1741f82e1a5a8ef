import type { OutboxMessage } from '../../store/outbox.js';
import type { LaneIdentity } from '../topics.js';

/**
 * The event message around an outbox row (schema: wire/up-messages.ts eventSchema). Built by string
 * concatenation: the payload is already JSON text (canonical, from the store), and re-parsing and
 * re-serialising every row would cost more than the rest of the drain.
 */
export function envelopeText(id: LaneIdentity, row: OutboxMessage): string {
  return (
    `{"v":1,"site":${JSON.stringify(id.site)},"lane":${JSON.stringify(id.lane)},"id":${JSON.stringify(row.messageId)},` +
    `"seq":${row.seq},"type":${JSON.stringify(row.topic)},"at":"${new Date(row.createdAt).toISOString()}","body":${row.payload}}`
  );
}

export function eventTopic(id: LaneIdentity, row: OutboxMessage): string {
  return `${id.prefix}/${id.site}/${id.lane}/${row.topic}`;
}
