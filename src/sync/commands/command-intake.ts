import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { RateLimiter } from '../rate-limiter.js';
import type { SyncTuning } from '../sync-tuning.js';
import type { LaneTopics } from '../topics.js';
import { isoOf } from '../wire/common.js';
import type { CmdResult, CommandOutcome, RejectionReason } from '../wire/up-messages.js';
import type { CommandLog } from './command-log.js';
import type { HandlerResult, LaneCommand, LaneCommandHandler } from './lane-command-handler.js';
import { verifyCommand, type CommandRejection } from './verify-command.js';

export interface CommandIntakeOptions {
  topics: LaneTopics;
  keys: readonly KeyObject[];
  commandLog: CommandLog;
  handler: LaneCommandHandler;
  clock: Clock;
  tuning: SyncTuning;
  log: Logger;
  /** Publishes a cmd-result (QoS 1). Failures are the link's business; the intake only logs. */
  publish(topic: string, result: CmdResult): Promise<void>;
}

export interface CommandCounters {
  accepted: number;
  rejected: number;
  rejectionsNotPublished: number;
}

/** A command that runs longer is answered as failed (the handler may still finish it). */
const EXECUTE_TIMEOUT_MS = 30_000;

/**
 * Command pipeline: verify (verify-command.ts) -> replay and issue-order check and claim
 * (command-log.ts, command-order.ts) ->
 * execute through the LaneCommandHandler, one command at a time in arrival order -> publish the
 * result to cmd-result/{id}. Nothing is executed unless every check passed.
 */
export class CommandIntake {
  readonly counters: CommandCounters = { accepted: 0, rejected: 0, rejectionsNotPublished: 0 };
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly rejections: RateLimiter;

  constructor(private readonly opts: CommandIntakeOptions) {
    this.rejections = new RateLimiter(opts.tuning.rejectionsPerSecond, opts.tuning.rejectionsPerSecond, opts.clock.monotonic());
  }

  /** Handles one message from cmd/{name}; resolves with the result once it is published. */
  handle(name: string, payload: Buffer): Promise<CmdResult> {
    const receivedAt = this.opts.clock.now();
    const run = this.queue.then(() => this.process(name, payload, receivedAt));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Commands still queued are answered link-stopping; waits for the one running. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.queue;
  }

  private async process(name: string, payload: Buffer, receivedAt: number): Promise<CmdResult> {
    const { tuning, clock } = this.opts;
    const verified = verifyCommand(name, payload, {
      site: this.opts.topics.id.site,
      lane: this.opts.topics.id.lane,
      keys: this.opts.keys,
      now: clock.now(),
      maxBytes: tuning.maxCommandBytes,
      clockSkewMs: tuning.clockSkewSeconds * 1000,
      maxLifetimeMs: tuning.maxCommandLifetimeSeconds * 1000,
    });
    if (!verified.ok) return this.reject(verified.rejection, receivedAt);
    const cmd = verified.command;
    if (this.stopping) return this.reject({ id: cmd.id, name: cmd.name, reason: 'link-stopping', detail: 'the lane is shutting down' }, receivedAt);

    let claim;
    try {
      claim = this.opts.commandLog.claim(cmd, clock.now(), tuning.commandMemoryMarginSeconds * 1000);
    } catch (err) {
      const detail = `command log not writable: ${(err as Error).message.slice(0, 200)}`;
      return this.reject({ id: cmd.id, name: cmd.name, reason: 'store-unavailable', detail }, receivedAt);
    }
    if (!claim.claimed && 'superseded' in claim) {
      const { group, lastIssuedAt } = claim.superseded;
      const result = this.base(cmd.id, cmd.name, receivedAt, 'rejected');
      result.reason = 'superseded';
      result.detail =
        `issued ${isoOf(cmd.issuedAt)}, before the last ${group} command this lane took for execution ` +
        `(issued ${isoOf(lastIssuedAt)}); an older command never overrides a newer one (re-issue it to apply it now)`;
      this.counters.rejected += 1;
      this.opts.log.warn({ command: cmd.name, id: cmd.id, group }, 'superseded command rejected (issued before the last one of its group)');
      await this.send(result, true);
      return result;
    }
    if (!claim.claimed) {
      const detail = claim.sameContent
        ? 'this command id was already received; it is not executed again (first result attached)'
        : 'this command id was already used for a different command';
      const result = this.base(cmd.id, cmd.name, receivedAt, 'rejected');
      result.reason = 'replayed';
      result.detail = detail;
      if (claim.sameContent) result.firstResult = claim.first;
      this.counters.rejected += 1;
      this.opts.log.warn({ command: cmd.name, id: cmd.id, sameContent: claim.sameContent }, 'replayed command rejected');
      await this.send(result, true);
      return result;
    }

    const laneCommand = { id: cmd.id, name: cmd.name, args: cmd.args, issuedAt: cmd.issuedAt, expiresAt: cmd.expiresAt } as LaneCommand;
    this.opts.log.info({ command: cmd.name, id: cmd.id }, 'executing command');
    const handled = await this.execute(laneCommand);
    const result = this.base(cmd.id, cmd.name, receivedAt, handled.status === 'rejected' ? 'rejected' : 'accepted');
    let outcome: CommandOutcome | null = null;
    if (handled.status === 'rejected') {
      result.reason = handled.reason;
      if (handled.detail !== undefined) result.detail = handled.detail.slice(0, 500);
      this.counters.rejected += 1;
    } else {
      outcome = { result: handled.status };
      if (handled.detail !== undefined) outcome.detail = handled.detail.slice(0, 500);
      if (handled.data !== undefined) outcome.data = handled.data;
      result.outcome = outcome;
      this.counters.accepted += 1;
    }
    try {
      this.opts.commandLog.finish(cmd.id, result.status, result.reason ?? null, outcome, clock.now());
    } catch (err) {
      this.opts.log.error({ err, id: cmd.id }, 'command result not recorded in the command log');
    }
    this.opts.log.info({ command: cmd.name, id: cmd.id, status: result.status, reason: result.reason, result: outcome?.result }, 'command finished');
    await this.send(result, true);
    return result;
  }

  private async execute(cmd: LaneCommand): Promise<HandlerResult> {
    let timer: { cancel(): void } | null = null;
    const timeout = new Promise<HandlerResult>((resolve) => {
      timer = this.opts.clock.setTimeout(
        () => resolve({ status: 'failed', detail: `no outcome within ${EXECUTE_TIMEOUT_MS / 1000} s` }),
        EXECUTE_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([this.opts.handler.execute(cmd), timeout]);
    } catch (err) {
      return { status: 'failed', detail: `handler error: ${(err as Error).message ?? String(err)}`.slice(0, 500) };
    } finally {
      (timer as { cancel(): void } | null)?.cancel();
    }
  }

  private async reject(r: CommandRejection, receivedAt: number): Promise<CmdResult> {
    const result = this.base(r.id, r.name, receivedAt, 'rejected');
    result.reason = r.reason;
    result.detail = r.detail.slice(0, 500);
    this.counters.rejected += 1;
    this.opts.log.warn({ command: r.name, id: r.id, reason: r.reason, detail: result.detail }, 'command rejected');
    await this.send(result, false);
    return result;
  }

  private base(id: string | null, name: string | null, receivedAt: number, status: 'accepted' | 'rejected'): CmdResult {
    return {
      v: 1,
      site: this.opts.topics.id.site,
      lane: this.opts.topics.id.lane,
      id,
      name,
      status,
      receivedAt: isoOf(receivedAt),
      finishedAt: isoOf(this.opts.clock.now()),
    };
  }

  /** Verified results always go out; rejections of unverified input are rate-limited. */
  private async send(result: CmdResult, verified: boolean): Promise<void> {
    if (!verified && !this.rejections.take(this.opts.clock.monotonic())) {
      this.counters.rejectionsNotPublished += 1;
      return;
    }
    try {
      await this.opts.publish(this.opts.topics.cmdResult(result.id ?? 'invalid'), result);
    } catch (err) {
      this.opts.log.warn({ err, id: result.id }, 'command result not published');
    }
  }
}

export type { RejectionReason };
