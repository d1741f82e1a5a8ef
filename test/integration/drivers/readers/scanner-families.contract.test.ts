/**
 * The scanner contract (test/integration/drivers/scanner-contract.ts), which every scanner driver
 * passes with its simulator, run against the serial scanner in each protocol family it speaks.
 * Each rig opens a long read window, as the lane does when it expects a code: codes outside windows
 * are dropped by design (see serial-scanner.test.ts).
 */
import { describe, it } from 'vitest';
import { SerialScanner } from '../../../../drivers/scanner/serial-scanner.js';
import { serialScannerConfigSchema } from '../../../../drivers/scanner/serial-scanner.config.js';
import { socatMissing } from '../../../helpers/pty.js';
import { describeScannerContract, type ScannerRig } from '../scanner-contract.js';
import { startSerialReaderRig } from './support/serial-reader-rig.js';

const missing = socatMissing();
const MAX_CODE_BYTES = 256;

interface Family {
  label: string;
  config: Record<string, unknown>;
  sim: Record<string, unknown>;
}

const FAMILIES: Family[] = [
  { label: 'honeywell, triggered, AIM identifiers', config: { protocol: 'honeywell', mode: 'triggered', aimIds: true }, sim: { protocol: 'honeywell', mode: 'triggered', aimIds: true } },
  { label: 'newland, triggered, CRLF', config: { protocol: 'newland', mode: 'triggered', suffix: 'crlf' }, sim: { protocol: 'newland', mode: 'triggered', suffix: 'crlf' } },
  { label: 'zebra-ssi, continuous', config: { protocol: 'zebra-ssi' }, sim: { protocol: 'zebra-ssi' } },
  { label: 'datalogic, triggered, prefix', config: { protocol: 'datalogic', mode: 'triggered', prefix: '~S' }, sim: { protocol: 'datalogic', mode: 'triggered', prefix: '~S' } },
];

async function makeRig(family: Family, name: string): Promise<ScannerRig> {
  const rig = await startSerialReaderRig({
    name,
    device: 'scanner',
    simOptions: family.sim,
    makeDriver: (path, deps) =>
      new SerialScanner(serialScannerConfigSchema.parse({ type: 'serial-scanner', name, path, maxCodeBytes: MAX_CODE_BYTES, ...family.config }), deps),
  });
  rig.driver.openReadWindow(3_600_000);
  return {
    driver: rig.driver,
    log: rig.log,
    logText: () => rig.logs.raw.join('\n'),
    maxCodeBytes: MAX_CODE_BYTES,
    sim: {
      code: (text) => rig.sim().send({ op: 'code', text }),
      burst: (texts) => rig.sim().send({ op: 'burst', texts }),
      garbage: (length) => rig.sim().send({ op: 'garbage', length }),
      oversize: (length) => rig.sim().send({ op: 'oversize', length }),
    },
    unplug: rig.unplug,
    replug: rig.replug,
    async cleanup() {
      rig.driver.closeReadWindow();
      await rig.cleanup();
    },
  };
}

if (missing) {
  describe.skip(`scanner contract: serial-scanner families (${missing})`, () => {
    it('needs socat', () => undefined);
  });
} else {
  for (const family of FAMILIES) describeScannerContract(`serial-scanner (${family.label})`, ({ name }) => makeRig(family, name));
}
