import type { Outcome } from '../decision/types.js';
import type { Logger } from '../util/logger.js';
import type { EvidenceUploadResult } from './evidence-upload.js';

/** mqtt.evidence: which passages' evidence images go up without being asked for. */
export const EVIDENCE_POLICIES = ['none', 'on-refer', 'on-deny-or-refer', 'all'] as const;
export type EvidencePolicyName = (typeof EVIDENCE_POLICIES)[number];

/**
 * Outcomes whose images are sent under each policy. An alarm (a security event handed to an
 * officer, like a referral) counts as a referral: whoever reviews it needs the images too.
 */
const OUTCOMES_SENT: Readonly<Record<EvidencePolicyName, readonly Outcome[]>> = {
  none: [],
  'on-refer': ['refer', 'alarm'],
  'on-deny-or-refer': ['deny', 'refer', 'alarm'],
  all: ['grant', 'deny', 'refer', 'alarm'],
};

export interface EvidencePolicyCounters {
  /** Images queued by policy (after their passage event was acknowledged). */
  evidenceQueued: number;
  evidenceSent: number;
  /** Above mqtt.maxEvidenceKb: reported (event/alarm evidence-too-large), not sent. */
  evidenceTooLarge: number;
  /** Gone (retention), unsupported type or unreadable: logged, not sent. */
  evidenceFailed: number;
  /** Dropped because the queue was full (the central can still ask with send-evidence). */
  evidenceDropped: number;
}

export interface EvidencePolicyOptions {
  policy: EvidencePolicyName;
  /** MqttLink.sendEvidence: QoS 1, resolves once the broker acknowledged (or with a reason). */
  send(ref: string): Promise<EvidenceUploadResult>;
  /** Queues a report through the outbox (event/alarm), so the central learns an image was withheld. */
  report(body: Record<string, string | number>): void;
  log: Logger;
  /** Refs waiting at most; more are dropped (counted, logged). */
  maxQueue?: number;
}

interface PassageSummary {
  id?: unknown;
  outcome?: unknown;
  evidenceFiles?: unknown;
}

/**
 * Evidence "by policy". The drain tells it when a passage event was acknowledged by the broker;
 * if the passage's outcome is one the policy covers, its evidence files are queued and sent one
 * at a time, so an image always arrives after the passage it belongs to. Images never go through
 * the outbox (the evidence store keeps them, with its own quota and retention): while the link is
 * down the queue waits, and a restart forgets it; the central system can still ask for any image
 * with send-evidence.
 */
export class EvidencePolicy {
  readonly counters: EvidencePolicyCounters = { evidenceQueued: 0, evidenceSent: 0, evidenceTooLarge: 0, evidenceFailed: 0, evidenceDropped: 0 };
  private readonly sends: ReadonlySet<string>;
  private readonly queue: { ref: string; passageId: string }[] = [];
  private running = false;
  private paused = false;
  private stopped = false;

  constructor(private readonly opts: EvidencePolicyOptions) {
    this.sends = new Set(OUTCOMES_SENT[opts.policy]);
  }

  get enabled(): boolean {
    return this.sends.size > 0;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** A passage event (the event message text: envelope and body) was acknowledged by the broker. */
  passageAcknowledged(eventText: string): void {
    if (!this.enabled || this.stopped) return;
    let passage: PassageSummary;
    try {
      passage = ((JSON.parse(eventText) as { body?: PassageSummary }).body ?? {}) as PassageSummary;
    } catch {
      return; // the store writes canonical JSON; nothing to send for a message that is not
    }
    if (typeof passage !== 'object' || passage === null) return;
    if (typeof passage.outcome !== 'string' || !this.sends.has(passage.outcome) || !Array.isArray(passage.evidenceFiles)) return;
    const passageId = typeof passage.id === 'string' ? passage.id : 'unknown';
    for (const ref of passage.evidenceFiles) {
      if (typeof ref !== 'string') continue;
      if (this.queue.length >= (this.opts.maxQueue ?? 1000)) {
        this.counters.evidenceDropped += 1;
        this.opts.log.warn({ passageId }, 'evidence queue full: image not sent by policy (send-evidence can still fetch it)');
        continue;
      }
      this.queue.push({ ref, passageId });
      this.counters.evidenceQueued += 1;
    }
    this.kick();
  }

  /** The link (re)starts. */
  start(): void {
    this.stopped = false;
    this.paused = false;
  }

  /** The link is connected again: send what waited. */
  resume(): void {
    this.paused = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  /** Resolves when the queue is empty or waiting for a connection (tests). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  private kick(): void {
    if (this.running || this.paused || this.stopped || this.queue.length === 0) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && !this.paused && this.queue.length > 0) {
      const next = this.queue[0]!;
      let result: EvidenceUploadResult;
      try {
        result = await this.opts.send(next.ref);
      } catch (err) {
        result = { ok: false, reason: 'unreadable', detail: (err as Error).message };
      }
      if (!result.ok && result.reason === 'not-connected') {
        this.paused = true; // stays at the head; resume() on the next connection
        return;
      }
      this.queue.shift();
      if (result.ok) {
        this.counters.evidenceSent += 1;
      } else if (result.reason === 'too-large') {
        this.counters.evidenceTooLarge += 1;
        this.opts.log.warn({ passageId: next.passageId, ref: next.ref, detail: result.detail }, 'evidence image above mqtt.maxEvidenceKb: reported, not sent');
        this.opts.report({ code: 'evidence-too-large', severity: 'warning', passageId: next.passageId, ref: next.ref, detail: result.detail });
      } else {
        this.counters.evidenceFailed += 1;
        this.opts.log.warn({ passageId: next.passageId, ref: next.ref, reason: result.reason, detail: result.detail }, 'evidence image not sent by policy');
      }
    }
  }
}
