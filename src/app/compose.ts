import { createDevice } from '../../drivers/registry.js';
import type { ControlContext } from '../control/contract.js';
import type { DeviceHandle } from '../control/lane-control.js';
import { ControlServer } from '../control/server.js';
import { LaneDisplayServer } from '../display/index.js';
import type { LaneConfig, LaneSecrets } from '../settings/index.js';
import { Store } from '../store/index.js';
import { MqttLink, createBasicCommandHandler } from '../sync/index.js';
import { packageInfo } from './package-info.js';
import { resolveSiteKey } from './site-key.js';
import type { Clock } from '../util/clock.js';
import type { LogHub } from '../util/logger.js';
import type { Service } from './service.js';

export interface ComposeDeps {
  config: LaneConfig;
  secrets: LaneSecrets;
  logHub: LogHub;
  clock: Clock;
  control: ControlContext;
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

  if (config.display.enabled) {
    services.push(
      new LaneDisplayServer({
        lane: { id: config.lane.id, kind: config.lane.kind, name: config.lane.name },
        languages: config.display.languages,
        host: config.display.host,
        port: config.display.port,
        maxClients: config.display.maxClients,
        log: logHub.child('display'),
        clock,
      }),
    );
  }

  const link = config.mqtt.enabled ? buildMqttLink(deps, store) : null;
  if (link) services.push(link);

  const driversLog = logHub.child('drivers');
  const devices: DeviceHandle[] = [];
  for (const device of config.devices) {
    const supervisor = createDevice(device, { clock, log: driversLog });
    services.push(supervisor);
    devices.push({ name: device.name, type: device.type, kind: supervisor.driver.kind, health: () => supervisor.health(), driver: supervisor.driver });
  }
  return { all: services, store, link, devices };
}

function buildMqttLink(deps: ComposeDeps, store: Store): MqttLink {
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
    // Until the lane runner exists, actuator commands (open, close, ...) are answered not-supported.
    commandHandler: createBasicCommandHandler({
      link: () => link,
      reloadConfig: () => deps.control.reloadConfig(),
      laneStatus: () => deps.control.status(),
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
  return link;
}
