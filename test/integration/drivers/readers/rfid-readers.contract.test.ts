import { describe, it } from 'vitest';
import { LlrpReader } from '../../../../drivers/rfid/llrp-reader.js';
import { llrpReaderConfigSchema } from '../../../../drivers/rfid/llrp-reader.config.js';
import { SerialRfidReader } from '../../../../drivers/rfid/serial-rfid-reader.js';
import { serialRfidReaderConfigSchema } from '../../../../drivers/rfid/serial-rfid-reader.config.js';
import { LogHub } from '../../../../src/util/logger.js';
import { LogCapture } from '../../../helpers/log-capture.js';
import { socatMissing } from '../../../helpers/pty.js';
import { describeRfidContract, type RfidFault, type RfidRig } from './rfid-contract.js';
import { startReaderSim, type ReaderSimProcess } from './support/reader-sim-process.js';
import { startSerialReaderRig } from './support/serial-reader-rig.js';
import { systemClock } from '../../../../src/util/clock.js';

const missing = socatMissing();
const FILTER = { dedupeWindowMs: 300, pollIntervalMs: 20 };

async function serialRig(protocol: 'uhfreader18' | 'r2000', name: string, unplugged = false): Promise<RfidRig> {
  const rig = await startSerialReaderRig({
    name,
    device: protocol,
    unplugged,
    makeDriver: (path, deps) =>
      new SerialRfidReader(serialRfidReaderConfigSchema.parse({ type: 'serial-rfid-reader', name, path, protocol, ...FILTER }), deps),
  });
  const serialFaults: Record<RfidFault, [Record<string, unknown>, string] | null> = {
    garbage: [{ op: 'garbage', length: 48 }, 'garbage'],
    'bad-checksum': [{ op: 'badChecksum' }, 'badChecksum'],
    // Polled readers answer again within milliseconds, so a cut-off frame is followed by a good one
    // (counted as garbage, not as a stale partial): what matters is that it is dropped.
    partial: [{ op: 'partial' }, 'dropped'],
    oversize: [{ op: 'oversize' }, 'oversize'],
    'wrong-baud': [{ op: 'wrongBaud', baud: 9600 }, 'dropped'],
    malformed: null,
  };
  return {
    driver: rig.driver,
    log: rig.log,
    logText: () => rig.logs.raw.join('\n'),
    setTags: (tags) => rig.sim().send({ op: 'tags', tags }),
    async fault(kind) {
      const fault = serialFaults[kind];
      if (!fault) return null;
      await rig.sim().send(fault[0]);
      return fault[1];
    },
    commands: () => rig.sim().commands(),
    configCommand: protocol === 'r2000' ? 'GET_FIRMWARE_VERSION' : 'GET_READER_INFO',
    unplug: rig.unplug,
    replug: rig.replug,
    cleanup: rig.cleanup,
  };
}

async function llrpRig(name: string, unplugged = false): Promise<RfidRig> {
  const sim: ReaderSimProcess = await startReaderSim({ kind: 'llrp', options: { reportIntervalMs: 20 } });
  const port = Number(sim.ready.port);
  if (unplugged) await sim.send({ op: 'offline' });
  const logs = new LogCapture();
  const log = new LogHub({ level: 'debug', throttleWindowMs: 0, destination: logs }).child('drivers', { device: name });
  const driver = new LlrpReader(
    llrpReaderConfigSchema.parse({ type: 'llrp-reader', name, host: '127.0.0.1', port, keepaliveMs: 300, connectTimeoutMs: 2_000, dedupeWindowMs: 300 }),
    { clock: systemClock, log },
  );
  const faults: Record<RfidFault, [Record<string, unknown>, string] | null> = {
    malformed: [{ op: 'malformed' }, 'malformed'],
    // A TCP stream cannot resync: garbage makes the driver reconnect (counted), as does a half message.
    garbage: [{ op: 'garbage', length: 48 }, 'garbage'],
    'bad-checksum': null,
    partial: null,
    oversize: null,
    'wrong-baud': null,
  };
  return {
    driver,
    log,
    logText: () => logs.raw.join('\n'),
    setTags: (tags) => sim.send({ op: 'tags', tags }),
    async fault(kind) {
      const fault = faults[kind];
      if (!fault) return null;
      await sim.send(fault[0]);
      return fault[1];
    },
    commands: () => sim.commands(),
    configCommand: 'SET_READER_CONFIG',
    unplug: () => sim.send({ op: 'offline' }),
    replug: () => sim.send({ op: 'online' }),
    cleanup: () => sim.stop(),
  };
}

if (missing) {
  describe.skip(`rfid reader contract: serial readers (${missing})`, () => {
    it('needs socat', () => undefined);
  });
} else {
  describeRfidContract('serial-rfid-reader (uhfreader18)', ({ name, unplugged }) => serialRig('uhfreader18', name, unplugged));
  describeRfidContract('serial-rfid-reader (r2000)', ({ name, unplugged }) => serialRig('r2000', name, unplugged));
}
describeRfidContract('llrp-reader', ({ name, unplugged }) => llrpRig(name, unplugged));
