import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { STANDARD_BAUD_RATES } from '../scanner/serial-line-scanner.config.js';

/**
 * Configuration of a passport/ID-card reader that sends the MRZ over a serial port (RS-232 or USB-CDC):
 * 3M/Thales RTE block framing, or plain CR-separated lines (Desko, ARH, Access-IS in serial mode).
 */
export const serialMrzReaderConfigSchema = z.strictObject({
  type: z.literal('serial-mrz-reader').describe('Passport/ID MRZ reader on a serial port.'),
  name: deviceNameSchema.describe('Device name, unique in the lane.'),
  path: z
    .string()
    .min(1, { message: 'must name the serial device, e.g. /dev/serial/by-id/usb-...' })
    .describe('Serial device; prefer /dev/serial/by-id/... over /dev/ttyACM0.'),
  baudRate: z.literal(STANDARD_BAUD_RATES).default(9600).describe('Line speed (USB-CDC readers ignore it).'),
  framing: z
    .enum(['rte', 'lines'])
    .default('rte')
    .describe('rte: <SOH>...<ETX><BCC> blocks (3M/Thales RTE); lines: one MRZ line per terminator.'),
  suffix: z.enum(['cr', 'crlf', 'lf']).default('cr').describe("framing 'lines': what ends a line."),
  documentGapMs: z
    .number()
    .int()
    .min(50)
    .max(10_000)
    .default(500)
    .describe("framing 'lines': a document missing lines after this pause is reported incomplete."),
  maxFrameBytes: z.number().int().min(64).max(16_384).default(512).describe('Longest accepted block or line in bytes.'),
  livenessTimeoutMs: z
    .number()
    .int()
    .min(100)
    .nullable()
    .default(null)
    .describe('Reconnect when nothing arrives for this long; null switches the check off (readers are silent when idle).'),
  role: z.enum(['entry', 'exit', 'any']).default('any').describe('Which side of the lane the reader serves (default any).'),
});

export type SerialMrzReaderConfig = z.infer<typeof serialMrzReaderConfigSchema>;
