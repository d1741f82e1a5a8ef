import { FieldReader, LlrpDecodeError, bitsV, parseParams, tlv, tv, u16, u32, u64, u8, utf8v, type LlrpParam } from '../rfid/llrp/llrp-binary.js';
import { PARAM, TV } from '../rfid/llrp/llrp-messages.js';

/**
 * The reader's side of LLRP for the simulator: decoding what a client configures (ROSpecs, AccessSpecs,
 * keepalive) and encoding what a reader sends (status, events, reports). The client side lives in
 * drivers/rfid/llrp/; both use the same binary layer, and the unit tests check each against the other
 * and against hand-assembled bytes.
 */
export interface SimRospec {
  id: number;
  startTrigger: number;
  gpiPort: number | null;
  stopTrigger: number;
  antennas: number[];
}

export interface SimAccessSpec {
  id: number;
  rospecId: number;
  opSpecId: number;
  memoryBank: number;
  wordCount: number;
}

function only(params: LlrpParam[], type: number, where: string): LlrpParam {
  const found = params.find((p) => !p.tv && p.type === type);
  if (!found) throw new LlrpDecodeError(`${where}: missing parameter ${type}`);
  return found;
}

export function decodeSetReaderConfig(body: Buffer): { reset: boolean; keepaliveMs: number | null } {
  const fields = new FieldReader(body);
  const reset = (fields.u8() & 0x80) !== 0;
  const keepalive = fields.rest().find((p) => !p.tv && p.type === PARAM.KEEPALIVE_SPEC);
  if (!keepalive) return { reset, keepaliveMs: null };
  const spec = new FieldReader(keepalive.body);
  const trigger = spec.u8();
  const interval = spec.u32();
  return { reset, keepaliveMs: trigger === 1 && interval > 0 ? interval : null };
}

export function decodeAddRospec(body: Buffer): SimRospec {
  const rospec = only(parseParams(body), PARAM.ROSPEC, 'ADD_ROSPEC');
  const fields = new FieldReader(rospec.body);
  const id = fields.u32();
  fields.u8(); // priority
  fields.u8(); // current state
  const params = fields.rest();
  const boundary = parseParams(only(params, PARAM.RO_BOUNDARY_SPEC, 'ROSpec').body);
  const start = new FieldReader(only(boundary, PARAM.ROSPEC_START_TRIGGER, 'ROBoundarySpec').body);
  const startTrigger = start.u8();
  const gpi = start.rest().find((p) => p.type === PARAM.GPI_TRIGGER_VALUE);
  const stopTrigger = new FieldReader(only(boundary, PARAM.ROSPEC_STOP_TRIGGER, 'ROBoundarySpec').body).u8();
  const ai = new FieldReader(only(params, PARAM.AI_SPEC, 'ROSpec').body);
  const count = ai.u16();
  const antennas = Array.from({ length: count }, () => ai.u16()).filter((antenna) => antenna !== 0);
  return { id, startTrigger, gpiPort: gpi ? new FieldReader(gpi.body).u16() : null, stopTrigger, antennas };
}

export function decodeAddAccessSpec(body: Buffer): SimAccessSpec {
  const spec = only(parseParams(body), PARAM.ACCESS_SPEC, 'ADD_ACCESSSPEC');
  const fields = new FieldReader(spec.body);
  const id = fields.u32();
  fields.u16(); // antenna
  fields.u8(); // protocol
  fields.u8(); // current state
  const rospecId = fields.u32();
  const command = parseParams(only(fields.rest(), PARAM.ACCESS_COMMAND, 'AccessSpec').body);
  const read = new FieldReader(only(command, PARAM.C1G2_READ, 'AccessCommand').body);
  const opSpecId = read.u16();
  read.u32(); // access password
  const memoryBank = read.u8() >> 6;
  read.u16(); // word pointer
  return { id, rospecId, opSpecId, memoryBank, wordCount: read.u16() };
}

export function decodeId(body: Buffer): number {
  return new FieldReader(body).u32();
}

export function statusBody(code: number, description = ''): Buffer {
  return tlv(PARAM.LLRP_STATUS, u16(code), utf8v(description));
}

function eventBody(nowUs: bigint, event: Buffer): Buffer {
  return tlv(PARAM.READER_EVENT_NOTIFICATION_DATA, tlv(PARAM.UTC_TIMESTAMP, u64(nowUs)), event);
}

export function connectionAttemptBody(status: number, nowUs: bigint): Buffer {
  return eventBody(nowUs, tlv(PARAM.CONNECTION_ATTEMPT_EVENT, u16(status)));
}

export function connectionCloseBody(nowUs: bigint): Buffer {
  return eventBody(nowUs, tlv(PARAM.CONNECTION_CLOSE_EVENT));
}

export function gpiEventBody(port: number, state: boolean, nowUs: bigint): Buffer {
  return eventBody(nowUs, tlv(PARAM.GPI_EVENT, u16(port), u8(state ? 0x80 : 0)));
}

export interface SimTagReport {
  epc: Buffer;
  antenna: number;
  rssi: number;
  firstSeenUs: bigint;
  /** A C1G2Read result to attach (AccessSpec reading the TID). */
  read?: { accessSpecId: number; opSpecId: number; data: Buffer };
}

/** One TagReportData: EPC-96 as TV when the EPC is 96 bits, EPCData otherwise. */
export function tagReportData(tag: SimTagReport): Buffer {
  const epc = tag.epc.length === 12 ? tv(TV.EPC_96, tag.epc) : tlv(PARAM.EPC_DATA, bitsV(tag.epc));
  const rssi = Buffer.alloc(1);
  rssi.writeInt8(Math.max(-128, Math.min(127, tag.rssi)));
  const parts = [epc, tv(TV.ANTENNA_ID, u16(tag.antenna)), tv(TV.PEAK_RSSI, rssi), tv(TV.FIRST_SEEN_UTC, u64(tag.firstSeenUs))];
  if (tag.read) {
    parts.push(tv(TV.ACCESS_SPEC_ID, u32(tag.read.accessSpecId)));
    parts.push(tlv(PARAM.C1G2_READ_OP_SPEC_RESULT, u8(0), u16(tag.read.opSpecId), u16(tag.read.data.length / 2), tag.read.data));
  }
  return tlv(PARAM.TAG_REPORT_DATA, ...parts);
}
