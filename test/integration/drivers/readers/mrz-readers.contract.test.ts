import { describe, it } from 'vitest';
import { SerialMrzReader } from '../../../../drivers/mrz/serial-mrz-reader.js';
import { serialMrzReaderConfigSchema } from '../../../../drivers/mrz/serial-mrz-reader.config.js';
import { socatMissing } from '../../../helpers/pty.js';
import { describeMrzContract, type MrzRig } from './mrz-contract.js';
import { startSerialReaderRig } from './support/serial-reader-rig.js';

const missing = socatMissing();

async function makeRig(framing: 'rte' | 'lines', name: string, unplugged = false): Promise<MrzRig> {
  const rig = await startSerialReaderRig({
    name,
    device: 'mrz',
    unplugged,
    simOptions: { framing },
    makeDriver: (path, deps) =>
      new SerialMrzReader(serialMrzReaderConfigSchema.parse({ type: 'serial-mrz-reader', name, path, framing, documentGapMs: 300 }), deps),
  });
  const faults: Array<[Record<string, unknown>, string]> =
    framing === 'rte'
      ? [
          [{ op: 'garbage', length: 40 }, 'garbage'],
          [{ op: 'badChecksum', format: 'TD3' }, 'dropped'],
          [{ op: 'partial', format: 'TD3' }, 'partial'],
          [{ op: 'oversize', length: 2_000 }, 'oversize'],
          [{ op: 'wrongBaud', format: 'TD1', baud: 38_400 }, 'dropped'],
        ]
      : [
          [{ op: 'garbage', length: 40 }, 'garbage'],
          [{ op: 'partial', format: 'TD3' }, 'unreadable'],
          [{ op: 'oversize', length: 2_000 }, 'oversize'],
          [{ op: 'wrongBaud', format: 'TD3', baud: 2_400 }, 'dropped'],
        ];
  return {
    driver: rig.driver,
    log: rig.log,
    logText: () => rig.logs.raw.join('\n'),
    send: (step) => rig.sim().send(step),
    faults,
    unplug: rig.unplug,
    replug: rig.replug,
    cleanup: rig.cleanup,
  };
}

if (missing) {
  describe.skip(`mrz reader contract (${missing})`, () => {
    it('needs socat', () => undefined);
  });
} else {
  describeMrzContract('serial-mrz-reader (RTE blocks)', ({ name, unplugged }) => makeRig('rte', name, unplugged));
  describeMrzContract('serial-mrz-reader (CR lines)', ({ name, unplugged }) => makeRig('lines', name, unplugged));
}
