/**
 * Topic names of the wire contract (docs/mqtt.md). Everything the lane publishes or subscribes to is
 * built here, so the contract has one definition in code.
 *
 *   {prefix}/{site}/{lane}/state                 up, retained: availability (birth and will)
 *   {prefix}/{site}/{lane}/event/{type}          up: passage, alarm, device-health (from the outbox)
 *   {prefix}/{site}/{lane}/cmd-result/{id}       up: result of command {id}
 *   {prefix}/{site}/{lane}/lists/resync          up: the lane asks for a full list snapshot
 *   {prefix}/{site}/{lane}/evidence/{id}         up: an evidence image, on request or by policy
 *   {prefix}/{site}/{lane}/telemetry             up, QoS 0: periodic health and counters (not from the outbox)
 *   {prefix}/{site}/{lane}/cmd/{name}            down: signed commands for this lane
 *   {prefix}/{site}/lists/{list}                 down: versioned list deltas for every lane of the site
 *   {prefix}/{site}/lists/{list}/snapshot        down: full snapshot chunks for every lane of the site
 *   {prefix}/{site}/{lane}/lists/{list}/snapshot down: full snapshot chunks for this lane (resync answer)
 */
export const EVENT_TYPES = ['passage', 'alarm', 'device-health'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Lane ids that would make a lane topic collide with a site-level topic. */
export const RESERVED_LANE_IDS: readonly string[] = ['lists'];

/** Command ids become topic levels: no wildcards, no separators. */
export const TOPIC_SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface LaneIdentity {
  prefix: string;
  site: string;
  lane: string;
}

export type IncomingTopic =
  | { kind: 'command'; name: string }
  | { kind: 'list-delta'; list: string }
  | { kind: 'list-snapshot'; list: string; targeted: boolean }
  | { kind: 'own-state' }
  | { kind: 'other' };

export class LaneTopics {
  readonly laneBase: string;
  readonly siteBase: string;

  constructor(readonly id: LaneIdentity) {
    if (RESERVED_LANE_IDS.includes(id.lane)) {
      throw new Error(`lane id '${id.lane}' is reserved in the MQTT topic tree; choose another lane id`);
    }
    this.siteBase = `${id.prefix}/${id.site}`;
    this.laneBase = `${this.siteBase}/${id.lane}`;
  }

  get state(): string {
    return `${this.laneBase}/state`;
  }

  event(type: EventType): string {
    return `${this.laneBase}/event/${type}`;
  }

  cmdResult(id: string): string {
    return `${this.laneBase}/cmd-result/${TOPIC_SAFE_ID.test(id) ? id : 'invalid'}`;
  }

  get resyncRequest(): string {
    return `${this.laneBase}/lists/resync`;
  }

  evidence(messageId: string): string {
    return `${this.laneBase}/evidence/${messageId}`;
  }

  get telemetry(): string {
    return `${this.laneBase}/telemetry`;
  }

  command(name: string): string {
    return `${this.laneBase}/cmd/${name}`;
  }

  listDelta(list: string): string {
    return `${this.siteBase}/lists/${list}`;
  }

  listSnapshot(list: string, targeted: boolean): string {
    return targeted ? `${this.laneBase}/lists/${list}/snapshot` : `${this.siteBase}/lists/${list}/snapshot`;
  }

  /** What the lane subscribes to on every connection (QoS 1). */
  subscriptions(): string[] {
    return [
      `${this.laneBase}/cmd/+`,
      `${this.siteBase}/lists/+`,
      `${this.siteBase}/lists/+/snapshot`,
      `${this.laneBase}/lists/+/snapshot`,
      // Our own retained state: a stale "offline" (an old will delivered late) is answered at once.
      this.state,
    ];
  }

  /** Classifies a topic the lane received. */
  classify(topic: string): IncomingTopic {
    if (topic === this.state) return { kind: 'own-state' };
    const lanePrefix = `${this.laneBase}/`;
    if (topic.startsWith(lanePrefix)) {
      const rest = topic.slice(lanePrefix.length).split('/');
      if (rest.length === 2 && rest[0] === 'cmd') return { kind: 'command', name: rest[1]! };
      if (rest.length === 3 && rest[0] === 'lists' && rest[2] === 'snapshot') {
        return { kind: 'list-snapshot', list: rest[1]!, targeted: true };
      }
      return { kind: 'other' };
    }
    const listsPrefix = `${this.siteBase}/lists/`;
    if (topic.startsWith(listsPrefix)) {
      const rest = topic.slice(listsPrefix.length).split('/');
      if (rest.length === 1) return { kind: 'list-delta', list: rest[0]! };
      if (rest.length === 2 && rest[1] === 'snapshot') return { kind: 'list-snapshot', list: rest[0]!, targeted: false };
    }
    return { kind: 'other' };
  }
}
