import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';

/** Baud rates a UART scanner actually offers; anything else is almost certainly a typo. */
export const STANDARD_BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;

/**
 * Configuration of a QR/barcode scanner that sends one code per line over a serial port (USB-CDC or RS-232),
 * the common "keyboard-less serial mode" of 2D scanners.
 */
export const serialLineScannerConfigSchema = z.strictObject({
  type: z.literal('serial-line-scanner').describe('QR/barcode scanner sending one code per line on a serial port.'),
  name: deviceNameSchema.describe('Device name, unique in the lane.'),
  // /dev/ttyACM0 numbering changes across replugs; the by-id link names the physical scanner.
  path: z
    .string()
    .min(1, { message: 'must name the serial device, e.g. /dev/serial/by-id/usb-...' })
    .describe('Serial device; prefer /dev/serial/by-id/... over /dev/ttyACM0.'),
  baudRate: z.literal(STANDARD_BAUD_RATES).default(9600).describe('Line speed (USB-CDC scanners ignore it).'),
  suffix: z
    .enum(['cr', 'crlf', 'lf', 'none'])
    .default('cr')
    .describe("What ends a code; 'none' splits codes on a pause of interByteTimeoutMs."),
  interByteTimeoutMs: z.number().int().min(1).max(10_000).default(50).describe("Pause that ends a code when suffix is 'none'."),
  prefix: z.string().min(1).optional().describe('Fixed prefix the scanner is programmed to send; stripped.'),
  livenessTimeoutMs: z
    .number()
    .int()
    .min(100)
    .nullable()
    .default(null)
    .describe('Reconnect when nothing arrives for this long; null switches the check off.'),
  aimIds: z.boolean().default(false).describe('The scanner sends AIM symbology identifiers (]Q1, ]C0, ]d1 ...) before each code.'),
  // 'always' keeps configs written before read windows existed working; new lanes should use 'lane'.
  readWindow: z
    .enum(['lane', 'always'])
    .default('always')
    .describe('lane: codes count only while the lane has a read window open; always (default): every code is delivered.'),
  role: z.enum(['entry', 'exit', 'any']).default('any').describe('Which side of the lane the scanner serves (default any).'),
});

export type SerialLineScannerConfig = z.infer<typeof serialLineScannerConfigSchema>;
