import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { tagFilterConfigShape } from './serial-rfid-reader.config.js';

/**
 * Configuration of a UHF RFID reader speaking LLRP 1.0.1 over TCP (Impinj, Zebra FX, and most fixed
 * readers), port 5084.
 */
export const llrpReaderConfigSchema = z.strictObject({
  type: z.literal('llrp-reader').describe('UHF RFID reader speaking LLRP over TCP (port 5084).'),
  name: deviceNameSchema.describe('Device name, unique in the lane.'),
  host: z.string().min(1, { message: 'must name the reader, e.g. 192.168.10.21' }).describe('Reader host name or IP address.'),
  port: z.number().int().min(1).max(65_535).default(5084).describe('LLRP port (5084; 5085 is LLRP over TLS, not supported).'),
  startTrigger: z
    .enum(['immediate', 'command', 'gpi'])
    .default('immediate')
    .describe('immediate: read from the moment the ROSpec is enabled; command: START_ROSPEC; gpi: read while a GPI input is high.'),
  gpiPort: z.number().int().min(1).max(16).default(1).describe("startTrigger 'gpi': the reader's input (e.g. the lane's induction loop)."),
  antennas: z.array(z.number().int().min(1).max(64)).max(64).default([]).describe('Antenna ports to read on; empty: all.'),
  readTid: z.boolean().default(false).describe('Also read each tag\'s TID (an AccessSpec reading the TID bank).'),
  tidWords: z.number().int().min(2).max(32).default(6).describe('TID words to read when readTid is on.'),
  keepaliveMs: z.number().int().min(100).max(300_000).default(5_000).describe('Reader keepalive period; 3 missed keepalives count as a dead link.'),
  connectTimeoutMs: z.number().int().min(100).max(60_000).default(5_000).describe('Bound on the TCP connect and on each request.'),
  ...tagFilterConfigShape,
  role: z.enum(['entry', 'exit', 'any']).default('any').describe('Which side of the lane the reader serves (default any).'),
});

export type LlrpReaderConfig = z.infer<typeof llrpReaderConfigSchema>;
