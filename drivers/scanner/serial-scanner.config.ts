import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { STANDARD_BAUD_RATES } from './serial-line-scanner.config.js';
import { SCANNER_PROTOCOLS, TRIGGERABLE_PROTOCOLS, type ScannerProtocol } from './trigger-commands.js';

/**
 * Configuration of a serial QR/barcode scanner of one of the common protocol families: plain line output,
 * Honeywell serial trigger, Newland serial commands, Zebra SSI packets, Datalogic single-character
 * commands. The technician picks the family the scanner is programmed for; everything else has defaults.
 */
export const serialScannerConfigSchema = z
  .strictObject({
    type: z.literal('serial-scanner').describe('QR/barcode scanner on a serial port, with the trigger protocol of its family.'),
    name: deviceNameSchema.describe('Device name, unique in the lane.'),
    path: z
      .string()
      .min(1, { message: 'must name the serial device, e.g. /dev/serial/by-id/usb-...' })
      .describe('Serial device; prefer /dev/serial/by-id/... over /dev/ttyACM0.'),
    baudRate: z.literal(STANDARD_BAUD_RATES).default(9600).describe('Line speed (USB-CDC scanners ignore it).'),
    protocol: z
      .enum(SCANNER_PROTOCOLS as [ScannerProtocol, ...ScannerProtocol[]])
      .default('line')
      .describe('line: text lines only; honeywell (SYN T CR), newland (~SOH...SCNTRG), zebra-ssi (SSI packets), datalogic (E/D).'),
    mode: z
      .enum(['continuous', 'triggered'])
      .default('continuous')
      .describe('continuous: the scanner reads whenever a code is shown; triggered: the lane starts each read.'),
    readWindow: z
      .enum(['lane', 'always'])
      .default('lane')
      .describe('lane: codes count only while the lane has a read window open; always: every code is delivered.'),
    suffix: z
      .enum(['cr', 'crlf', 'lf', 'none'])
      .default('cr')
      .describe("Line families: what ends a code; 'none' splits codes on a pause of interByteTimeoutMs."),
    interByteTimeoutMs: z.number().int().min(1).max(10_000).default(50).describe("Pause that ends a code when suffix is 'none'."),
    prefix: z.string().min(1).optional().describe('Line families: fixed prefix the scanner is programmed to send; stripped.'),
    aimIds: z.boolean().default(false).describe('The scanner sends AIM symbology identifiers (]Q1, ]C0, ]d1 ...) before each code.'),
    maxCodeBytes: z.number().int().min(16).max(65_536).default(4096).describe('Longest accepted code in bytes (a version-40 QR holds 2953).'),
    livenessTimeoutMs: z
      .number()
      .int()
      .min(100)
      .nullable()
      .default(null)
      .describe('Reconnect when nothing arrives for this long; null switches the check off (scanners are silent when idle).'),
    commandTimeoutMs: z.number().int().min(50).max(10_000).default(1000).describe('zebra-ssi: how long to wait for the ACK of a command.'),
    role: z.enum(['entry', 'exit', 'any']).default('any').describe('Which side of the lane the scanner serves (default any).'),
  })
  .superRefine(
    (cfg, ctx) => {
      const protocol: unknown = cfg.protocol;
      const mode: unknown = cfg.mode;
      if (mode === 'triggered' && typeof protocol === 'string' && !TRIGGERABLE_PROTOCOLS.includes(protocol as ScannerProtocol)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mode'],
          message: `protocol '${protocol}' has no host trigger; use mode continuous or one of ${TRIGGERABLE_PROTOCOLS.join(', ')}`,
        });
      }
      if (protocol === 'zebra-ssi' && (cfg.prefix !== undefined || cfg.aimIds === true)) {
        ctx.addIssue({
          code: 'custom',
          path: [cfg.prefix !== undefined ? 'prefix' : 'aimIds'],
          message: 'zebra-ssi sends packets: prefix and aimIds apply to line families only (SSI reports the symbology itself)',
        });
      }
    },
    { when: () => true },
  );

export type SerialScannerConfig = z.infer<typeof serialScannerConfigSchema>;
