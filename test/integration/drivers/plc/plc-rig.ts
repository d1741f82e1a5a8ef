import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opcuaBarrierConfigSchema, type OpcuaBarrierConfig } from '../../../../drivers/barrier/opcua-barrier.config.js';
import { BarrierPlcModel } from '../../../../drivers/sim/plc/barrier-plc-model.js';
import { BarrierPlcServer, simulatorBarrierNodes } from '../../../../drivers/sim/plc/barrier-plc-server.js';
import { systemClock } from '../../../../src/util/clock.js';
import { freePort } from '../../../../src/util/tcp-port.js';
export { freePort };

/** A free TCP port on loopback (the OS picks; closed again before the server takes it). */

export interface PlcRig {
  dir: string;
  model: BarrierPlcModel;
  server: BarrierPlcServer;
  config(overrides?: Partial<Record<string, unknown>>): OpcuaBarrierConfig;
  dispose(): Promise<void>;
}

/** Simulated PLC on loopback with its PKI (and the client's) in one temp dir, removed by dispose(). */
export async function startPlcRig(travelMs = 300): Promise<PlcRig> {
  const dir = mkdtempSync(join(tmpdir(), 'lane-plc-'));
  const model = new BarrierPlcModel({ clock: systemClock, travelMs, loops: ['loop-1'], initial: 'closed' });
  const server = new BarrierPlcServer({ model, port: await freePort(), pkiDir: join(dir, 'server-pki') });
  await server.start();
  return {
    dir,
    model,
    server,
    config: (overrides = {}) =>
      opcuaBarrierConfigSchema.parse({
        type: 'opcua-barrier',
        name: 'exit-boom',
        role: 'vehicle-barrier',
        endpoint: server.endpointUrl,
        security: { mode: 'None', pkiDir: join(dir, 'client-pki') },
        ...simulatorBarrierNodes(['loop-1']),
        publishingIntervalMs: 50,
        heartbeatMs: 200,
        livenessTimeoutMs: 2_000,
        ...overrides,
      }),
    async dispose() {
      await server.stop();
      model.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
