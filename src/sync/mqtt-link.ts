import type { KeyObject } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { HealthReport, HealthState, Service } from '../app/service.js';
import type { LaneConfig } from '../settings/lane-config.schema.js';
import { parseEd25519PublicKey, type LaneSecrets } from '../settings/secrets.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { Availability, type LaneStateInfo } from './availability.js';
import { CommandIntake } from './commands/command-intake.js';
import { DeviceHealthWatch } from './device-health-watch.js';
import { EvidencePolicy, type EvidencePolicyName } from './evidence-policy.js';
import { CommandLog } from './commands/command-log.js';
import type { LaneCommandHandler } from './commands/lane-command-handler.js';
import { connectionSettings } from './connection/client-options.js';
import { MqttConnection } from './connection/mqtt-connection.js';
import { uploadEvidence, type EvidenceSource, type EvidenceUploadResult } from './evidence-upload.js';
import { ListIntake } from './lists/list-intake.js';
import { resyncMessage, ResyncRequests } from './lists/resync-requests.js';
import { BacklogMeter, type BacklogReading } from './outbox/backlog-meter.js';
import { OutboxDrainer } from './outbox/outbox-drainer.js';
import { QuotaWatch } from './outbox/quota-watch.js';
import type { SyncStore } from './store-port.js';
import { healthReport, outboxSnapshot, syncStatus, withTimeout, type LinkReportParts } from './link-reports.js';
import type { OutboxSnapshot, SyncStatusSnapshot } from './sync-status.js';
import { SyncStateTable } from './sync-tables.js';
import { resolveTuning, type SyncTuning } from './sync-tuning.js';
import { Telemetry } from './telemetry.js';
import { LaneTopics } from './topics.js';
import { isoOf } from './wire/common.js';
import type { ResyncReason } from './wire/up-messages.js';

type MqttTuningKey = 'drainRatePerSecond' | 'maxInflight' | 'clockSkewSeconds' | 'maxCommandLifetimeSeconds' | 'outboxQuotaMb' | 'maxEvidenceKb';

export interface MqttLinkOptions {
  /**
   * The connection part of the mqtt section; its rate/size keys arrive as `tuning`. evidence and
   * telemetrySeconds get their defaults (on-refer, 60) from the config schema; left out here they
   * mean off (none, 0), which is what tests and the bench want.
   */
  config: Omit<LaneConfig['mqtt'], MqttTuningKey | 'evidence' | 'telemetrySeconds'> & {
    site: string;
    lane: string;
    evidence?: EvidencePolicyName;
    telemetrySeconds?: number;
  };
  secrets: Pick<LaneSecrets, 'mqttPassword' | 'centralPublicKeys'>;
  store: SyncStore;
  clock: Clock;
  log: Logger;
  commandHandler: LaneCommandHandler;
  /** For the state message; the composition root passes packageInfo(). */
  software?: { name: string; version: string };
  /** Operating mode and device health for the state message (default: normal, no devices). */
  laneState?: () => LaneStateInfo;
  /** Default: the store's evidence store. null: no evidence is ever sent. */
  evidence?: EvidenceSource | null;
  tuning?: Partial<SyncTuning>;
}

const HOUSEKEEPING_MS = 60 * 60 * 1000;
const REANNOUNCE_MIN_MS = 2_000;

/**
 * The MQTT link to the central system (docs/mqtt.md). On every connection: subscribe, announce
 * (retained state with a new birth number), then drain the outbox. Commands and list messages are
 * handled by CommandIntake and ListIntake; the drain by OutboxDrainer.
 */
export class MqttLink implements Service {
  readonly name = 'sync';
  readonly dependsOn = ['store'] as const;
  readonly critical = false;

  readonly topics: LaneTopics;
  private readonly tuning: SyncTuning;
  private readonly keys: KeyObject[];
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly store: SyncStore;
  private readonly connection: MqttConnection;
  private readonly availability: Availability;
  private readonly drainer: OutboxDrainer;
  private readonly evidencePolicy: EvidencePolicy;
  private telemetry: Telemetry | null = null;
  private meter: BacklogMeter | null = null;
  private stateTable: SyncStateTable | null = null;
  private deviceWatch: DeviceHealthWatch | null = null;
  private readonly quota: QuotaWatch;
  private readonly resync: ResyncRequests;
  private commandLog: CommandLog | null = null;
  private commands: CommandIntake | null = null;
  private lists: ListIntake | null = null;
  private running = false;
  private announced = false;
  private lastAnnounceAt = Number.NEGATIVE_INFINITY;
  private announceTimer: TimerHandle | null = null;
  private backlogTimer: TimerHandle | null = null;
  private housekeepingTimer: TimerHandle | null = null;
  private backlog: BacklogReading = { pending: 0, bytes: 0, oldestAt: null };
  private healthState: HealthState = 'stopped';
  private since: number;
  private setupError: string | null = null;
  private subscribeProblem: string | null = null;
  private everUp = false;

  constructor(private readonly opts: MqttLinkOptions) {
    const { config } = opts;
    this.tuning = resolveTuning(opts.tuning);
    this.log = opts.log;
    this.clock = opts.clock;
    this.store = opts.store;
    this.since = opts.clock.now();
    this.topics = new LaneTopics({ prefix: config.topicPrefix, site: config.site, lane: config.lane });
    this.keys = (opts.secrets.centralPublicKeys ?? []).map(parseEd25519PublicKey).filter((k): k is KeyObject => k !== undefined);
    this.availability = new Availability({
      topics: this.topics,
      table: () => {
        this.stateTable ??= new SyncStateTable(this.store.database);
        return this.stateTable;
      },
      clock: opts.clock,
      log: opts.log,
      software: opts.software ?? { name: 'lane-controller', version: 'unknown' },
      laneState: opts.laneState ?? (() => ({ mode: 'normal', summary: 'ok', devices: {} })),
      listVersions: () => Object.fromEntries(this.store.lists.versions().map((v) => [v.list, v.version])),
      outbox: () => ({
        pending: this.backlog.pending,
        oldestAt: this.backlog.oldestAt === null ? null : isoOf(this.backlog.oldestAt),
        quotaUsed: Number(this.quota.ratio(this.backlog.bytes).toFixed(4)),
      }),
    });
    this.quota = new QuotaWatch(opts.store, this.tuning.outboxQuotaBytes, this.tuning.outboxAlarmRatio, opts.log);
    this.drainer = new OutboxDrainer({
      id: this.topics.id,
      store: opts.store,
      clock: opts.clock,
      tuning: this.tuning,
      log: opts.log,
      onDelivered: (rows) => this.meter?.delivered(rows),
      onPassageAcked: (text) => this.evidencePolicy.passageAcknowledged(text),
    });
    this.evidencePolicy = new EvidencePolicy({
      policy: config.evidence ?? 'none',
      send: (ref) => this.sendEvidence(ref),
      report: (body) => {
        try {
          this.store.outbox.enqueue('event/alarm', body);
          this.drainer.kick();
        } catch (err) {
          this.log.error({ err }, 'evidence report could not be queued');
        }
      },
      log: opts.log,
    });
    this.resync = new ResyncRequests({ clock: opts.clock, log: opts.log, send: (list, reason, detail) => this.sendResync(list, reason, detail) });
    this.connection = new MqttConnection({
      settings: connectionSettings(config, opts.secrets.mqttPassword, this.tuning.connectTimeoutMs),
      will: () => this.availability.willForNextAttempt(),
      clock: opts.clock,
      log: opts.log,
      backoff: { initialMs: this.tuning.reconnectInitialMs, maxMs: this.tuning.reconnectMaxMs },
    });
    this.connection.on('up', (client, connack) => void this.onUp(client, connack.properties?.receiveMaximum ?? 65_535));
    this.connection.on('down', (reason) => this.onDown(reason));
    this.connection.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.everUp = false;
    this.setState('starting');
    const now = this.clock.now();
    this.meter = new BacklogMeter(this.store.database, this.store.outbox.lane);
    this.deviceWatch = new DeviceHealthWatch(this.store, this.log);
    this.commandLog = new CommandLog(this.store.database);
    const interrupted = this.commandLog.closeInterrupted(now);
    if (interrupted.length > 0) this.log.warn({ ids: interrupted }, 'commands interrupted by the last stop were closed, not re-run');
    this.commandLog.prune(now);
    this.commands = new CommandIntake({
      topics: this.topics,
      keys: this.keys,
      commandLog: this.commandLog,
      handler: this.opts.commandHandler,
      clock: this.clock,
      tuning: this.tuning,
      log: this.log,
      publish: (topic, result) => this.publishJson(topic, JSON.stringify(result), false),
    });
    this.lists = new ListIntake({
      site: this.topics.id.site,
      store: this.store,
      keys: this.keys,
      maxBytes: this.tuning.maxListMessageBytes,
      log: this.log,
      requestResync: (list, reason, detail) => this.resync.request(list, reason, detail),
      changed: () => this.announceSoon(),
      snapshotProgress: (list, done) => this.resync.progress(list, done),
    });
    if (this.keys.length === 0) {
      this.setupError = 'no central public key configured (secrets: centralPublicKeys): commands and lists are refused';
      this.log.warn(this.setupError);
    }
    this.checkBacklog();
    this.backlogTimer = this.clock.setInterval(() => this.checkBacklog(), this.tuning.backlogCheckMs);
    this.telemetry = this.makeTelemetry();
    this.telemetry.start();
    this.evidencePolicy.start();
    this.housekeepingTimer = this.clock.setInterval(() => this.housekeeping(), HOUSEKEEPING_MS);
    if (!this.opts.config.enabled) {
      // Still measures the outbox (quota alarms, lanectl outbox); just never connects.
      this.log.warn('mqtt.enabled is false: not connecting; the outbox keeps filling');
      this.refreshState();
      return;
    }
    this.connection.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.backlogTimer?.cancel();
    this.housekeepingTimer?.cancel();
    this.announceTimer?.cancel();
    this.backlogTimer = this.housekeepingTimer = this.announceTimer = null;
    this.telemetry?.stop();
    this.telemetry = null;
    this.evidencePolicy.stop();
    await this.commands?.stop();
    this.drainer.stop();
    await this.connection.stop(async (client) => {
      const offline = JSON.stringify(this.availability.offline('shutdown'));
      await withTimeout(this.clock, client.publishAsync(this.topics.state, offline, { qos: 1, retain: true }), 2_000);
    });
    this.announced = false;
    this.refreshState();
  }

  health(): HealthReport {
    return healthReport(this.parts(), this.healthState, this.since, this.problem());
  }

  /** sync-now: re-announce, send the backlog without the rate limit, optionally ask for every list. */
  syncNow(opts: { resyncLists?: boolean } = {}): { connected: boolean; pending: number } {
    this.checkBacklog();
    const client = this.connection.connected;
    if (client !== null) this.announceQuietly(client);
    this.drainer.drainNow();
    if (opts.resyncLists) for (const v of this.store.lists.versions()) this.resync.request(v.list, 'requested', 'sync-now');
    return { connected: client !== null, pending: this.backlog.pending };
  }

  /** New outbox rows were committed: send them now rather than at the next poll. */
  kick(): void {
    this.drainer.kick();
  }

  /** The lane mode or device health changed: publish a fresh state (coalesced). */
  announceSoon(): void {
    if (!this.running || this.announceTimer !== null) return;
    this.announceTimer = this.clock.setTimeout(() => {
      this.announceTimer = null;
      const client = this.connection.connected;
      if (client !== null && this.announced) this.announceQuietly(client);
    }, 500);
  }

  sendEvidence(ref: string): Promise<EvidenceUploadResult> {
    return uploadEvidence(ref, {
      topics: this.topics,
      source: this.opts.evidence !== undefined ? this.opts.evidence : this.running ? (this.store.evidence ?? null) : null,
      maxBytes: this.tuning.maxEvidenceBytes,
      now: () => this.clock.now(),
      publish: (topic, text) => this.publishJson(topic, text, false),
    });
  }

  /** Builds and publishes one telemetry message now (null when telemetry is off or not started). */
  telemetryNow(): ReturnType<Telemetry['tick']> {
    return this.telemetry?.tick() ?? null;
  }

  /** Evidence sent by policy (mqtt.evidence) so far, and what waits. */
  evidenceStatus(): EvidencePolicy['counters'] & { waiting: number } {
    return { ...this.evidencePolicy.counters, waiting: this.evidencePolicy.waiting };
  }

  private makeTelemetry(): Telemetry {
    return new Telemetry({
      topics: this.topics,
      clock: this.clock,
      log: this.log,
      intervalSeconds: this.opts.config.telemetrySeconds ?? 0,
      laneState: this.opts.laneState ?? (() => ({ mode: 'normal', summary: 'ok', devices: {} })),
      birth: () => this.availability.birth,
      counters: () => ({ ...this.health().counters, ...this.evidencePolicy.counters, telemetrySkipped: this.telemetry?.skipped ?? 0 }),
      outbox: () => {
        this.checkBacklog(); // a fresh reading, not one up to backlogCheckMs old
        return {
          pending: this.backlog.pending,
          pendingBytes: this.backlog.bytes,
          oldestAt: this.backlog.oldestAt === null ? null : isoOf(this.backlog.oldestAt),
          quotaUsed: Number(this.quota.ratio(this.backlog.bytes).toFixed(4)),
          deliveredThrough: this.store.outbox.watermark(),
        };
      },
      lists: () => this.store.lists.versions(),
      publish: (topic, text) => {
        const client = this.connection.connected;
        if (client === null || !this.announced) return false;
        // QoS 0: a reading, not a record; the next one replaces a lost one.
        client.publish(topic, text, { qos: 0, retain: false });
        return true;
      },
    });
  }

  status(): SyncStatusSnapshot {
    return syncStatus(this.parts());
  }

  /** The first `limit` undelivered rows (no payloads) and the backlog figures. */
  outboxSnapshot(limit: number): OutboxSnapshot {
    this.checkBacklog();
    return outboxSnapshot(this.parts(), limit);
  }

  private parts(): LinkReportParts {
    return {
      enabled: this.opts.config.enabled,
      running: this.running,
      connection: this.connection,
      drainer: this.drainer,
      commands: this.commands?.counters ?? null,
      lists: this.lists?.counters ?? null,
      backlog: this.backlog,
      quota: this.quota,
      tuning: this.tuning,
      trustedKeys: this.keys.length,
      birth: this.availability.birth,
      announced: this.announced,
      awaitingSnapshot: this.resync.lists(),
      store: this.store,
      topicBase: this.topics.laneBase,
    };
  }

  private async onUp(client: MqttClient, receiveMaximum: number): Promise<void> {
    this.announced = false;
    try {
      try {
        await client.subscribeAsync(this.topics.subscriptions(), { qos: 1 });
        this.subscribeProblem = null;
      } catch (err) {
        // A refused subscription (broker ACL) must not stop the outbox from draining: report it
        // and go on; it is tried again on the next connection. Other errors end the connection.
        if (typeof (err as { code?: unknown }).code !== 'number') throw err;
        this.subscribeProblem = `broker refused a subscription (${(err as Error).message}): commands or lists may not arrive`;
        this.log.error({ topics: this.topics.subscriptions() }, this.subscribeProblem);
      }
      if (this.connection.connected !== client) return;
      await this.announce(client);
    } catch (err) {
      if (this.connection.connected === client) this.connection.drop(`setup after connect failed: ${(err as Error).message}`);
      return;
    }
    if (this.connection.connected !== client || !this.running) return;
    this.everUp = true;
    this.refreshState();
    this.drainer.attach(client, receiveMaximum);
    this.resync.resendAll();
    this.evidencePolicy.resume();
  }

  private onDown(reason: string): void {
    this.announced = false;
    this.drainer.detach();
    this.refreshState();
    this.log.debug({ reason }, 'drain paused until the next connection');
  }

  private onMessage(topic: string, payload: Buffer): void {
    const route = this.topics.classify(topic);
    try {
      switch (route.kind) {
        case 'command':
          void this.commands?.handle(route.name, payload).catch((err: unknown) => this.log.error({ err }, 'command handling failed'));
          return;
        case 'list-delta':
          this.lists?.handleDelta(route.list, payload);
          return;
        case 'list-snapshot':
          this.lists?.handleSnapshotChunk(route.list, payload);
          return;
        case 'own-state': {
          const client = this.connection.connected;
          const due = this.clock.monotonic() - this.lastAnnounceAt >= REANNOUNCE_MIN_MS;
          if (client !== null && this.announced && due && this.availability.isStale(payload)) {
            this.log.info('stale state on our topic (late will or old birth): announcing again');
            this.announceQuietly(client);
          }
          return;
        }
        case 'other':
          return;
      }
    } catch (err) {
      // A store failure while applying a list: the store reports itself; the link keeps running.
      this.log.error({ err, topic }, 'incoming message not processed');
    }
  }

  /** Announce from a timer or a message handler: a failure is logged, the next connect announces anyway. */
  private announceQuietly(client: MqttClient): void {
    this.announce(client).catch((err: unknown) => this.log.debug({ err }, 'state not announced'));
  }

  private async announce(client: MqttClient): Promise<void> {
    this.lastAnnounceAt = this.clock.monotonic();
    const text = JSON.stringify(this.availability.online());
    await client.publishAsync(this.topics.state, text, { qos: 1, retain: true });
    this.announced = true;
  }

  private sendResync(list: string, reason: ResyncReason, detail: string): boolean {
    if (this.connection.connected === null) return false;
    const haveVersion = this.store.lists.versions().find((v) => v.list === list)?.version ?? 0;
    const message = resyncMessage(this.topics.id, list, haveVersion, reason, detail, this.clock.now());
    this.publishJson(this.topics.resyncRequest, JSON.stringify(message), false).catch((err: unknown) =>
      this.log.warn({ err, list }, 'resync request not published; sent again later'),
    );
    return true;
  }

  private publishJson(topic: string, text: string, retain: boolean): Promise<void> {
    const client = this.connection.connected;
    if (client === null) return Promise.reject(new Error('not connected to the broker'));
    return client.publishAsync(topic, text, { qos: 1, retain }).then(() => undefined);
  }

  private checkBacklog(): void {
    if (this.meter === null) return;
    try {
      this.backlog = this.meter.read(this.clock.now());
    } catch (err) {
      this.log.warn({ err }, 'outbox backlog not measured');
      return;
    }
    if (this.quota.update(this.backlog.bytes, this.backlog.pending) !== null) {
      this.drainer.kick(); // the alarm row itself
      this.announceSoon();
      this.refreshState();
    }
    this.resync.tick();
    this.watchDevices();
  }

  /** Device health changes become outbox events; the state message follows. */
  private watchDevices(): void {
    const laneState = this.opts.laneState;
    if (laneState === undefined || this.deviceWatch === null) return;
    try {
      if (this.deviceWatch.check(laneState().devices)) {
        this.drainer.kick();
        this.announceSoon();
      }
    } catch (err) {
      this.log.warn({ err }, 'device health not checked');
    }
  }

  private housekeeping(): void {
    try {
      const forgotten = this.commandLog?.prune(this.clock.now()) ?? 0;
      if (forgotten > 0) this.log.debug({ forgotten }, 'expired command ids forgotten');
    } catch (err) {
      this.log.warn({ err }, 'command log not pruned');
    }
  }

  /** A standing problem that keeps the link degraded even while connected. */
  private problem(): string | null {
    if (!this.opts.config.enabled) return 'mqtt.enabled is false: not connecting; the outbox keeps filling';
    if (this.quota.level !== 'ok') return `outbox ${this.quota.level === 'exceeded' ? 'over' : 'near'} its quota (${this.backlog.pending} messages waiting)`;
    return this.subscribeProblem ?? this.setupError;
  }

  /** stopped / starting (never connected yet) / degraded (offline or a standing problem) / ok. */
  private refreshState(): void {
    if (!this.running || !this.opts.config.enabled) return this.setState('stopped');
    if (!this.everUp) return this.setState(this.problem() === null ? 'starting' : 'degraded');
    const up = this.connection.connected !== null && this.announced;
    this.setState(up && this.problem() === null ? 'ok' : 'degraded');
  }

  private setState(state: HealthState): void {
    if (state === this.healthState) return;
    this.healthState = state;
    this.since = this.clock.now();
  }
}
