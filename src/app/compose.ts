import { createDevice } from '../../drivers/registry.js';
import type { ControlContext } from '../control/contract.js';
import { ControlServer } from '../control/server.js';
import { LaneDisplayServer } from '../display/index.js';
import type { LaneConfig } from '../settings/index.js';
import type { Clock } from '../util/clock.js';
import type { LogHub } from '../util/logger.js';
import type { Service } from './service.js';

export interface ComposeDeps {
  config: LaneConfig;
  logHub: LogHub;
  clock: Clock;
  control: ControlContext;
}

/**
 * Turns a validated config into the daemon's services. Order here is only a tie-breaker:
 * ServiceGroup orders by `dependsOn`. The control socket comes first among independent services
 * so a technician can ask `lanectl status` while devices are still being opened.
 */
export function buildServices(deps: ComposeDeps): Service[] {
  const { config, logHub, clock } = deps;
  const services: Service[] = [];

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

  const driversLog = logHub.child('drivers');
  for (const device of config.devices) {
    services.push(createDevice(device, { clock, log: driversLog }));
  }
  return services;
}
