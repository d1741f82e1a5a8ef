import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { STANDARD_BAUD_RATES } from '../scanner/serial-line-scanner.config.js';

/** Read filtering shared by every RFID reader type. */
export const tagFilterConfigShape = {
  dedupeWindowMs: z
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(3_000)
    .describe('A tag is reported again only after it was out of sight this long (one event per passing truck).'),
  minRssi: z
    .number()
    .min(-128)
    .max(0)
    .nullable()
    .default(null)
    .describe('Drop reads weaker than this many dBm (tags in the next lane); null keeps all. Readers without RSSI are not filtered.'),
};

/**
 * Configuration of a UHF RFID reader on a serial port: the "UHFReader18" protocol (Len Adr Cmd Data
 * CRC-16) or the Impinj R2000 module protocol (A0 Len Addr Cmd Data Check). The driver polls the
 * reader for inventory rounds.
 */
export const serialRfidReaderConfigSchema = z.strictObject({
  type: z.literal('serial-rfid-reader').describe('UHF RFID reader on a serial port (UHFReader18 or R2000 protocol).'),
  name: deviceNameSchema.describe('Device name, unique in the lane.'),
  path: z
    .string()
    .min(1, { message: 'must name the serial device, e.g. /dev/serial/by-id/usb-...' })
    .describe('Serial device; prefer /dev/serial/by-id/... over /dev/ttyUSB0.'),
  protocol: z.enum(['uhfreader18', 'r2000']).describe('uhfreader18: Len Adr Cmd Data CRC-16/MCRF4XX; r2000: A0 Len Addr Cmd Data Checksum.'),
  baudRate: z.literal(STANDARD_BAUD_RATES).default(57600).describe('Line speed (UHFReader18 default 57600, R2000 modules often 115200).'),
  address: z.number().int().min(0).max(255).default(0xff).describe('Reader address on the bus (255: broadcast, any reader answers).'),
  powerDbm: z.number().min(0).max(33).nullable().default(null).describe('Output power to set after connecting; null leaves the reader as it is.'),
  antenna: z.number().int().min(1).max(4).default(1).describe('r2000: antenna port to read on.'),
  pollIntervalMs: z.number().int().min(0).max(60_000).default(50).describe('Pause between inventory rounds.'),
  responseTimeoutMs: z.number().int().min(50).max(30_000).default(1_000).describe('How long to wait for an answer to a command or round.'),
  livenessTimeoutMs: z
    .number()
    .int()
    .min(100)
    .nullable()
    .default(3_000)
    .describe('Reconnect when the polled reader has not answered for this long (a dead pty does not always close).'),
  ...tagFilterConfigShape,
  role: z.enum(['entry', 'exit', 'any']).default('any').describe('Which side of the lane the reader serves (default any).'),
});

export type SerialRfidReaderConfig = z.infer<typeof serialRfidReaderConfigSchema>;
