import { SSI_OPCODE, encodeSsi } from './zebra-ssi.js';

/**
 * The host commands of the scanner families a lane meets, byte for byte. Shared by the drivers and
 * the simulators so both sides speak the same bytes (the unit tests pin them to the manuals' values).
 */
export type ScannerProtocol = 'line' | 'honeywell' | 'newland' | 'zebra-ssi' | 'datalogic';
export type ScanMode = 'continuous' | 'triggered';

export const SCANNER_PROTOCOLS: readonly ScannerProtocol[] = ['line', 'honeywell', 'newland', 'zebra-ssi', 'datalogic'];
/** Families whose read can be started and stopped by the host. */
export const TRIGGERABLE_PROTOCOLS: readonly ScannerProtocol[] = ['honeywell', 'newland', 'zebra-ssi', 'datalogic'];

const SYN = 0x16;
const CR = 0x0d;
const SOH = 0x01;
const STX = 0x02;
const ETX = 0x03;
const ACK = 0x06;
const NAK = 0x15;

/** Honeywell serial trigger (the scanner must be in manual/serial trigger mode): SYN T CR / SYN U CR. */
export const HONEYWELL_TRIGGER_ON = Buffer.from([SYN, 0x54, CR]);
export const HONEYWELL_TRIGGER_OFF = Buffer.from([SYN, 0x55, CR]);

/** Newland serial command: `~` SOH `0000#` body `;` ETX (`0000` = no storage; `#` = volatile setting). */
export function newlandCommand(body: string): Buffer {
  return Buffer.concat([Buffer.from([0x7e, SOH]), Buffer.from(`0000#${body};`, 'latin1'), Buffer.from([ETX])]);
}

export const NEWLAND_TRIGGER_ON = newlandCommand('SCNTRG1');
export const NEWLAND_TRIGGER_OFF = newlandCommand('SCNTRG0');

/** Newland reply: STX SOH `0000#` body ACK|NAK `;` ETX. */
export function newlandReply(body: string, ok: boolean): Buffer {
  return Buffer.concat([Buffer.from([STX, SOH]), Buffer.from(`0000#${body}`, 'latin1'), Buffer.from([ok ? ACK : NAK, 0x3b, ETX])]);
}

export interface NewlandReply {
  body: string;
  ok: boolean;
}

/** Parses the bytes between STX and ETX (both excluded) of a Newland reply; null if it is not one. */
export function parseNewlandReply(inner: Buffer): NewlandReply | null {
  // SOH '0000#' body (ACK|NAK) ';'
  if (inner.length < 9 || inner[0] !== SOH || inner.toString('latin1', 1, 6) !== '0000#') return null;
  if (inner[inner.length - 1] !== 0x3b) return null;
  const status = inner[inner.length - 2];
  if (status !== ACK && status !== NAK) return null;
  return { body: inner.toString('latin1', 6, inner.length - 2), ok: status === ACK };
}

/** Datalogic RS-232 single-character host commands. */
export const DATALOGIC_ENABLE = Buffer.from('E', 'latin1');
export const DATALOGIC_DISABLE = Buffer.from('D', 'latin1');

export const SSI_SCAN_ENABLE = encodeSsi({ opcode: SSI_OPCODE.SCAN_ENABLE });
export const SSI_START_DECODE = encodeSsi({ opcode: SSI_OPCODE.START_DECODE });
export const SSI_STOP_DECODE = encodeSsi({ opcode: SSI_OPCODE.STOP_DECODE });

export interface ScannerCommands {
  /** Sent after every (re)connect: a power-cycled scanner has forgotten its state. */
  setup: Buffer[];
  /** Starts a read when the lane opens its read window (triggered mode). */
  triggerOn: Buffer | null;
  /** Stops it when the window closes or expires. */
  triggerOff: Buffer | null;
}

export function scannerCommands(protocol: ScannerProtocol, mode: ScanMode): ScannerCommands {
  const triggered = mode === 'triggered';
  switch (protocol) {
    case 'line':
      return { setup: [], triggerOn: null, triggerOff: null };
    case 'honeywell':
      return { setup: triggered ? [HONEYWELL_TRIGGER_OFF] : [], triggerOn: HONEYWELL_TRIGGER_ON, triggerOff: HONEYWELL_TRIGGER_OFF };
    case 'newland':
      return { setup: triggered ? [NEWLAND_TRIGGER_OFF] : [], triggerOn: NEWLAND_TRIGGER_ON, triggerOff: NEWLAND_TRIGGER_OFF };
    case 'datalogic':
      // Triggered: the scanner stays disabled between windows, so nothing is read outside them.
      return { setup: [triggered ? DATALOGIC_DISABLE : DATALOGIC_ENABLE], triggerOn: DATALOGIC_ENABLE, triggerOff: DATALOGIC_DISABLE };
    case 'zebra-ssi':
      return { setup: [SSI_SCAN_ENABLE], triggerOn: SSI_START_DECODE, triggerOff: SSI_STOP_DECODE };
  }
}
