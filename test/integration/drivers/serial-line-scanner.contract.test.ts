import { describe, it } from 'vitest';
import { socatMissing } from '../../helpers/pty.js';
import { describeScannerContract } from './scanner-contract.js';
import { startSerialScannerRig } from './serial-line-scanner-rig.js';

const missing = socatMissing();

if (missing) {
  // Reported as skipped with the reason, never as passing.
  describe.skip(`scanner contract: serial-line-scanner (${missing})`, () => {
    it('needs socat', () => undefined);
  });
} else {
  describeScannerContract('serial-line-scanner (suffix cr)', ({ name }) => startSerialScannerRig({ name }));
  describeScannerContract('serial-line-scanner (suffix crlf, prefix)', ({ name }) =>
    startSerialScannerRig({ name, config: { suffix: 'crlf', prefix: '~S' } }),
  );
}
