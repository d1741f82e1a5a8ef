import { FieldReader, LlrpDecodeError, bitsV, parseParams, tlv, u16, u32, u8, type LlrpParam } from './llrp-binary.js';

/** LLRP 1.0.1 message and parameter type numbers used by the lane (client side and simulator). */
export const MSG = {
  GET_READER_CAPABILITIES: 1,
  SET_READER_CONFIG: 3,
  CLOSE_CONNECTION_RESPONSE: 4,
  SET_READER_CONFIG_RESPONSE: 13,
  CLOSE_CONNECTION: 14,
  ADD_ROSPEC: 20,
  DELETE_ROSPEC: 21,
  START_ROSPEC: 22,
  STOP_ROSPEC: 23,
  ENABLE_ROSPEC: 24,
  DISABLE_ROSPEC: 25,
  ADD_ROSPEC_RESPONSE: 30,
  DELETE_ROSPEC_RESPONSE: 31,
  START_ROSPEC_RESPONSE: 32,
  STOP_ROSPEC_RESPONSE: 33,
  ENABLE_ROSPEC_RESPONSE: 34,
  DISABLE_ROSPEC_RESPONSE: 35,
  ADD_ACCESSSPEC: 40,
  DELETE_ACCESSSPEC: 41,
  ENABLE_ACCESSSPEC: 42,
  ADD_ACCESSSPEC_RESPONSE: 50,
  DELETE_ACCESSSPEC_RESPONSE: 51,
  ENABLE_ACCESSSPEC_RESPONSE: 52,
  RO_ACCESS_REPORT: 61,
  KEEPALIVE: 62,
  READER_EVENT_NOTIFICATION: 63,
  KEEPALIVE_ACK: 72,
  ERROR_MESSAGE: 100,
} as const;

export const MESSAGE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(MSG).map(([name, type]) => [type, name]));

/** Requests and the response type each one gets (responses carry the request's message ID). */
export const RESPONSE_OF: ReadonlyMap<number, number> = new Map([
  [MSG.SET_READER_CONFIG, MSG.SET_READER_CONFIG_RESPONSE],
  [MSG.CLOSE_CONNECTION, MSG.CLOSE_CONNECTION_RESPONSE],
  [MSG.ADD_ROSPEC, MSG.ADD_ROSPEC_RESPONSE],
  [MSG.DELETE_ROSPEC, MSG.DELETE_ROSPEC_RESPONSE],
  [MSG.START_ROSPEC, MSG.START_ROSPEC_RESPONSE],
  [MSG.STOP_ROSPEC, MSG.STOP_ROSPEC_RESPONSE],
  [MSG.ENABLE_ROSPEC, MSG.ENABLE_ROSPEC_RESPONSE],
  [MSG.DISABLE_ROSPEC, MSG.DISABLE_ROSPEC_RESPONSE],
  [MSG.ADD_ACCESSSPEC, MSG.ADD_ACCESSSPEC_RESPONSE],
  [MSG.DELETE_ACCESSSPEC, MSG.DELETE_ACCESSSPEC_RESPONSE],
  [MSG.ENABLE_ACCESSSPEC, MSG.ENABLE_ACCESSSPEC_RESPONSE],
]);

export const PARAM = {
  UTC_TIMESTAMP: 128,
  UPTIME: 129,
  ROSPEC: 177,
  RO_BOUNDARY_SPEC: 178,
  ROSPEC_START_TRIGGER: 179,
  GPI_TRIGGER_VALUE: 181,
  ROSPEC_STOP_TRIGGER: 182,
  AI_SPEC: 183,
  AI_SPEC_STOP_TRIGGER: 184,
  INVENTORY_PARAMETER_SPEC: 186,
  ACCESS_SPEC: 207,
  ACCESS_SPEC_STOP_TRIGGER: 208,
  ACCESS_COMMAND: 209,
  KEEPALIVE_SPEC: 220,
  RO_REPORT_SPEC: 237,
  TAG_REPORT_CONTENT_SELECTOR: 238,
  ACCESS_REPORT_SPEC: 239,
  TAG_REPORT_DATA: 240,
  EPC_DATA: 241,
  READER_EVENT_NOTIFICATION_DATA: 246,
  GPI_EVENT: 248,
  ROSPEC_EVENT: 249,
  CONNECTION_ATTEMPT_EVENT: 256,
  CONNECTION_CLOSE_EVENT: 257,
  LLRP_STATUS: 287,
  C1G2_TAG_SPEC: 338,
  C1G2_TARGET_TAG: 339,
  C1G2_READ: 341,
  C1G2_READ_OP_SPEC_RESULT: 349,
} as const;

export const TV = {
  ANTENNA_ID: 1,
  FIRST_SEEN_UTC: 2,
  FIRST_SEEN_UPTIME: 3,
  LAST_SEEN_UTC: 4,
  PEAK_RSSI: 6,
  TAG_SEEN_COUNT: 8,
  ROSPEC_ID: 9,
  EPC_96: 13,
  ACCESS_SPEC_ID: 16,
} as const;

export const START_TRIGGER = { NULL: 0, IMMEDIATE: 1, PERIODIC: 2, GPI: 3 } as const;
export const STOP_TRIGGER = { NULL: 0, DURATION: 1, GPI: 2 } as const;
export const CONNECTION_ATTEMPT = {
  SUCCESS: 0,
  READER_INITIATED_EXISTS: 1,
  CLIENT_INITIATED_EXISTS: 2,
  OTHER_FAILURE: 3,
  ANOTHER_ATTEMPTED: 4,
} as const;
export const STATUS_SUCCESS = 0;
/** Air protocol EPCglobal Class 1 Gen 2. */
const PROTOCOL_C1G2 = 1;
/** C1G2 memory bank of the TID. */
export const MEMORY_BANK_TID = 2;

// ---- building client requests ----

export function setReaderConfigBody(opts: { reset: boolean; keepaliveMs: number }): Buffer {
  // KeepaliveSpec: trigger type 1 = periodic, interval in ms.
  return Buffer.concat([u8(opts.reset ? 0x80 : 0), tlv(PARAM.KEEPALIVE_SPEC, u8(1), u32(opts.keepaliveMs))]);
}

export type RospecTrigger = { kind: 'immediate' } | { kind: 'command' } | { kind: 'gpi'; port: number };

export interface RospecOptions {
  id: number;
  trigger: RospecTrigger;
  /** Antenna IDs to use; empty = all antennas. */
  antennas: readonly number[];
}

/** Report every tag at once with antenna, peak RSSI and first-seen time (the lane needs them quickly). */
const REPORT_CONTENT = 0x1000 /* AntennaID */ | 0x0400 /* PeakRSSI */ | 0x0200 /* FirstSeenTimestamp */ | 0x0040; /* AccessSpecID */

export function addRospecBody(opts: RospecOptions): Buffer {
  const gpiValue = (port: number, event: boolean): Buffer => tlv(PARAM.GPI_TRIGGER_VALUE, u16(port), u8(event ? 0x80 : 0), u32(0));
  const start =
    opts.trigger.kind === 'gpi'
      ? tlv(PARAM.ROSPEC_START_TRIGGER, u8(START_TRIGGER.GPI), gpiValue(opts.trigger.port, true))
      : tlv(PARAM.ROSPEC_START_TRIGGER, u8(opts.trigger.kind === 'immediate' ? START_TRIGGER.IMMEDIATE : START_TRIGGER.NULL));
  // GPI: the ROSpec stops when the input drops again (the truck left the loop); otherwise it runs until disabled.
  const stop =
    opts.trigger.kind === 'gpi'
      ? tlv(PARAM.ROSPEC_STOP_TRIGGER, u8(STOP_TRIGGER.GPI), u32(0), gpiValue(opts.trigger.port, false))
      : tlv(PARAM.ROSPEC_STOP_TRIGGER, u8(STOP_TRIGGER.NULL), u32(0));
  const antennas = opts.antennas.length === 0 ? [0] : opts.antennas;
  const aiSpec = tlv(
    PARAM.AI_SPEC,
    u16(antennas.length),
    ...antennas.map((antenna) => u16(antenna)),
    tlv(PARAM.AI_SPEC_STOP_TRIGGER, u8(0), u32(0)),
    tlv(PARAM.INVENTORY_PARAMETER_SPEC, u16(1), u8(PROTOCOL_C1G2)),
  );
  // ROReportTrigger 2 = upon N tags or end of ROSpec, N = 1: one report per tag read.
  const report = tlv(PARAM.RO_REPORT_SPEC, u8(2), u16(1), tlv(PARAM.TAG_REPORT_CONTENT_SELECTOR, u16(REPORT_CONTENT)));
  return tlv(PARAM.ROSPEC, u32(opts.id), u8(0), u8(0), tlv(PARAM.RO_BOUNDARY_SPEC, start, stop), aiSpec, report);
}

/** ENABLE/START/STOP/DISABLE/DELETE_ROSPEC and ENABLE/DELETE_ACCESSSPEC all carry one 32-bit ID. */
export function idBody(id: number): Buffer {
  return u32(id);
}

export interface TidReadOptions {
  accessSpecId: number;
  rospecId: number;
  opSpecId: number;
  /** TID words to read (6 words = 96 bits covers the serialised TIDs of current chips). */
  wordCount: number;
}

/** An AccessSpec that reads the TID bank of every tag the ROSpec inventories. */
export function addTidAccessSpecBody(opts: TidReadOptions): Buffer {
  // C1G2TargetTag with empty mask and data: matches every tag.
  const target = tlv(PARAM.C1G2_TARGET_TAG, u8(0x60 /* MB 1 (EPC), Match 1 */), u16(0), bitsV(Buffer.alloc(0), 0), bitsV(Buffer.alloc(0), 0));
  const read = tlv(PARAM.C1G2_READ, u16(opts.opSpecId), u32(0), u8(MEMORY_BANK_TID << 6), u16(0), u16(opts.wordCount));
  return tlv(
    PARAM.ACCESS_SPEC,
    u32(opts.accessSpecId),
    u16(0), // all antennas
    u8(PROTOCOL_C1G2),
    u8(0), // disabled until ENABLE_ACCESSSPEC
    u32(opts.rospecId),
    tlv(PARAM.ACCESS_SPEC_STOP_TRIGGER, u8(0), u16(0)),
    tlv(PARAM.ACCESS_COMMAND, tlv(PARAM.C1G2_TAG_SPEC, target), read),
    tlv(PARAM.ACCESS_REPORT_SPEC, u8(0)),
  );
}

// ---- reading reader messages ----

export interface LlrpStatus {
  code: number;
  description: string;
}

/** The LLRPStatus parameter of a response or ERROR_MESSAGE (its first parameter). */
export function parseStatus(body: Buffer): LlrpStatus {
  const status = parseParams(body).find((p) => !p.tv && p.type === PARAM.LLRP_STATUS);
  if (!status) throw new LlrpDecodeError('response without LLRPStatus');
  const fields = new FieldReader(status.body);
  return { code: fields.u16(), description: fields.utf8v() };
}

export interface ReaderEvent {
  /** ConnectionAttemptEvent status (0 = success) when present. */
  connectionAttempt: number | null;
  connectionClosed: boolean;
  gpi: { port: number; state: boolean } | null;
}

export function parseReaderEvent(body: Buffer): ReaderEvent {
  const data = parseParams(body).find((p) => !p.tv && p.type === PARAM.READER_EVENT_NOTIFICATION_DATA);
  if (!data) throw new LlrpDecodeError('READER_EVENT_NOTIFICATION without ReaderEventNotificationData');
  const event: ReaderEvent = { connectionAttempt: null, connectionClosed: false, gpi: null };
  for (const param of parseParams(data.body)) {
    if (param.type === PARAM.CONNECTION_ATTEMPT_EVENT) event.connectionAttempt = new FieldReader(param.body).u16();
    else if (param.type === PARAM.CONNECTION_CLOSE_EVENT) event.connectionClosed = true;
    else if (param.type === PARAM.GPI_EVENT) {
      const fields = new FieldReader(param.body);
      event.gpi = { port: fields.u16(), state: (fields.u8() & 0x80) !== 0 };
    }
  }
  return event;
}

export interface ReportedTag {
  epc: Buffer;
  antenna: number | null;
  rssi: number | null;
  /** FirstSeenTimestampUTC in microseconds since the epoch, when reported. */
  firstSeenUtcUs: bigint | null;
  /** Data read by an AccessSpec's C1G2Read, keyed by OpSpecID. */
  reads: Map<number, Buffer>;
}

/** TagReportData entries of an RO_ACCESS_REPORT; throws LlrpDecodeError on malformed content. */
export function parseRoAccessReport(body: Buffer): ReportedTag[] {
  return parseParams(body)
    .filter((p) => !p.tv && p.type === PARAM.TAG_REPORT_DATA)
    .map((p) => parseTagReportData(p));
}

function parseTagReportData(param: LlrpParam): ReportedTag {
  const tag: ReportedTag = { epc: Buffer.alloc(0), antenna: null, rssi: null, firstSeenUtcUs: null, reads: new Map() };
  let hasEpc = false;
  for (const p of parseParams(param.body)) {
    if (p.tv) {
      if (p.type === TV.EPC_96) {
        tag.epc = Buffer.from(p.body);
        hasEpc = true;
      } else if (p.type === TV.ANTENNA_ID) tag.antenna = p.body.readUInt16BE(0);
      else if (p.type === TV.PEAK_RSSI) tag.rssi = p.body.readInt8(0);
      else if (p.type === TV.FIRST_SEEN_UTC) tag.firstSeenUtcUs = p.body.readBigUInt64BE(0);
      continue;
    }
    if (p.type === PARAM.EPC_DATA) {
      const fields = new FieldReader(p.body);
      const bits = fields.u16();
      tag.epc = Buffer.from(fields.bytes(Math.ceil(bits / 8)));
      hasEpc = true;
    } else if (p.type === PARAM.C1G2_READ_OP_SPEC_RESULT) {
      const fields = new FieldReader(p.body);
      const result = fields.u8();
      const opSpecId = fields.u16();
      const words = fields.u16();
      const data = fields.bytes(words * 2);
      if (result === 0) tag.reads.set(opSpecId, Buffer.from(data));
    }
  }
  if (!hasEpc) throw new LlrpDecodeError('TagReportData without EPC');
  return tag;
}
