import { createDevice } from '../../drivers/registry.js';
import type { DeviceStateChange } from '../../drivers/supervisor.js';
import type { ControlContext } from '../control/contract.js';
import type { DeviceHandle } from '../control/lane-control.js';
import { ControlServer } from '../control/server.js';
import { LaneDisplayServer } from '../display/index.js';
import type { LaneConfig, LaneSecrets } from '../settings/index.js';
import { Store } from '../store/index.js';
import { MqttLink, createBasicCommandHandler } from '../sync/index.js';
import { laneStateInfo } from '../sync/availability.js';
import { packageInfo } from './package-info.js';
import { readSignerCertificates } from './qr-signers.js';
import { resolveSiteKey } from './site-key.js';
import type { Clock } from '../util/clock.js';
import type { LogHub } from '../util/logger.js';
import type { Service } from './service.js';
import type { LaneControl } from '../control/lane-control.js';
import { buildLaneRunner } from '../lane/runner/build-runner.js';
import type { LaneDevice } from '../lane/runner/device-adapters.js';
import { RunnerLaneControl } from '../lane/runner/lane-control-impl.js';
import type { LaneRunner } from '../lane/runner/lane-runner.js';
import { policyFor } from '../lane/runner/lane-policy.js';
import { createMqttActuatorHandler } from '../lane/runner/mqtt-commands.js';
import type { Logger } from '../util/logger.js';

export interface ComposeDeps {
  config: LaneConfig;
  secrets: LaneSecrets;
  logHub: LogHub;
  clock: Clock;
  control: ControlContext;
  /** The config in force (it changes on reload); the runner reads its policy at every step. Default: `config`. */
  currentConfig?: () => LaneConfig;
}

/**
 * Turns a validated config into the daemon's services. Order here is only a tie-breaker:
 * ServiceGroup orders by `dependsOn`. The control socket comes first among independent services
 * so a technician can ask `lanectl status` while devices are still being opened.
 */
export interface LaneServices {
  all: Service[];
  store: Store;
  /** Null when mqtt.enabled is false: passages stay in the outbox until it is turned on. */
  link: MqttLink | null;
  /** The configured devices, in config order. */
  devices: DeviceHandle[];
  /** The passage flow; null when the config has no `flow:` section (devices only). */
  runner: LaneRunner | null;
  lane: LaneControl | null;
}

export function buildServices(deps: ComposeDeps): LaneServices {
  const { config, logHub, clock } = deps;
  const services: Service[] = [];

  const storeLog = logHub.child('store');
  const store = new Store({
    dataDir: config.storage.dataDir,
    lane: config.lane.id,
    siteKey: resolveSiteKey(deps.secrets.siteHmacKey, config.storage.dataDir, storeLog),
    clock,
    log: storeLog,
    evidence: {
      dir: config.storage.evidenceDir,
      quotaBytes: config.storage.evidenceQuotaMb * 1024 * 1024,
      retentionMs: config.storage.evidenceRetentionDays * 24 * 3600 * 1000,
    },
  });
  services.push(store);

  services.push(
    new ControlServer({
      socketPath: config.control.socketPath,
      socketMode: parseInt(config.control.socketMode, 8),
      group: config.control.group,
      maxRequestBytes: config.control.maxRequestBytes,
      context: deps.control,
      log: logHub.child('control'),
      clock,
    }),
  );

  const display = config.display.enabled
    ? new LaneDisplayServer({
        lane: { id: config.lane.id, kind: config.lane.kind, name: config.lane.name },
        languages: config.display.languages,
        host: config.display.host,
        port: config.display.port,
        maxClients: config.display.maxClients,
        log: logHub.child('display'),
        clock,
      })
    : null;
  if (display) services.push(display);

  const driversLog = logHub.child('drivers');
  const devices: DeviceHandle[] = [];
  const laneDevices: LaneDevice[] = [];
  const deviceServices: Service[] = [];
  for (const device of config.devices) {
    const supervisor = createDevice(device, { clock, log: driversLog });
    deviceServices.push(supervisor);
    devices.push({ name: device.name, type: device.type, kind: supervisor.driver.kind, health: () => supervisor.health(), driver: supervisor.driver });
    laneDevices.push({
      name: device.name,
      kind: supervisor.driver.kind,
      driver: supervisor.driver,
      health: () => supervisor.health(),
      onState: (listener: (c: DeviceStateChange) => void) => {
        supervisor.on('state', listener);
        return () => void supervisor.off('state', listener);
      },
    });
  }

  // The runner commits passages before the link exists; it tells the link through this late binding.
  let outboxCommitted = (): void => {};
  const flow = buildFlow(deps, store, display, laneDevices, deviceServices, () => outboxCommitted());
  const link = config.mqtt.enabled ? buildMqttLink(deps, store, flow) : null;
  if (link) {
    // After the runner's step (the doors move first), once per turn of the event loop.
    let kickQueued = false;
    outboxCommitted = () => {
      if (kickQueued) return;
      kickQueued = true;
      setImmediate(() => {
        kickQueued = false;
        link.kick();
      });
    };
  }
  if (link) services.push(link);
  services.push(...deviceServices);
  if (flow) services.push(flow.runner);
  return { all: services, store, link, devices, runner: flow?.runner ?? null, lane: flow?.lane ?? null };
}

interface FlowParts {
  runner: LaneRunner;
  lane: LaneControl;
  passBarrier: string;
}

/** The passage flow when the config has a `flow:` section (validated against `devices:` by the schema). */
function buildFlow(
  deps: ComposeDeps,
  store: Store,
  display: LaneDisplayServer | null,
  devices: LaneDevice[],
  deviceServices: Service[],
  outboxCommitted: () => void,
): FlowParts | null {
  const { config } = deps;
  const flow = config.flow;
  if (!flow) return null;
  const log = deps.logHub.child('lane');
  const current = deps.currentConfig ?? (() => config);
  const policy = () => {
    const c = current();
    return policyFor({ kind: c.lane.kind, direction: c.lane.direction, policy: c.policy });
  };
  const { runner, problems } = buildLaneRunner({
    kind: config.lane.kind,
    flow,
    devices,
    store,
    display,
    clock: deps.clock,
    log,
    policy,
    qrSigners: readSignerCertificates(flow.qrSigners, log),
    dependsOn: ['store', ...deviceServices.map((s) => s.name)],
    outboxCommitted,
  });
  for (const p of problems) log.warn({ problem: p }, 'signed-QR signer certificate not loaded');
  const lane = new RunnerLaneControl(runner, () => policy().requireFace);
  const passBarrier = config.lane.kind === 'people' ? flow.exitDoor!.barrier : flow.barrier!.barrier;
  return { runner, lane, passBarrier };
}

function mqttActuators(deps: ComposeDeps, flow: FlowParts): ReturnType<typeof createMqttActuatorHandler> {
  const handler = createMqttActuatorHandler({ lane: flow.lane, passBarrier: flow.passBarrier, clock: deps.clock });
  flow.runner.onStop(() => handler.stop());
  return handler;
}

function buildMqttLink(deps: ComposeDeps, store: Store, flow: FlowParts | null): MqttLink {
  const { config } = deps;
  const { drainRatePerSecond, maxInflight, clockSkewSeconds, maxCommandLifetimeSeconds, outboxQuotaMb, maxEvidenceKb, ...mqtt } = config.mqtt;
  let link: MqttLink | null = null;
  link = new MqttLink({
    config: { ...mqtt, site: config.lane.site, lane: config.lane.id },
    secrets: deps.secrets,
    store,
    clock: deps.clock,
    log: deps.logHub.child('sync'),
    software: packageInfo(),
    // The retained state tells the central system the lane's mode (lanectl mode / set-mode) and device health.
    laneState: () => laneStateInfo(flow?.lane.snapshot().mode ?? 'normal', Object.fromEntries(deps.control.devices().map((d) => [d.name, d.health()]))),
    // Actuator commands (open, close, hold-open, set-mode) go to the lane runner's interlocks; without a flow they are not-supported.
    commandHandler: createBasicCommandHandler({
      link: () => link,
      reloadConfig: () => deps.control.reloadConfig(),
      laneStatus: () => deps.control.status(),
      ...(flow ? { actuators: mqttActuators(deps, flow) } : {}),
    }),
    tuning: {
      drainRatePerSecond,
      maxInflight,
      clockSkewSeconds,
      maxCommandLifetimeSeconds,
      outboxQuotaBytes: outboxQuotaMb * 1024 * 1024,
      maxEvidenceBytes: maxEvidenceKb * 1024,
    },
  });
  // A mode change is news for the central system: announce the state again (coalesced by the link).
  flow?.lane.events.on('event', (e) => {
    if (e.type === 'action' && e.detail['action'] === 'set-mode' && e.detail['accepted'] === true) link?.announceSoon();
  });
  return link;
}
