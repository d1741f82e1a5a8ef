import { splitAimIdentifier } from './aim-identifier.js';
import { LineFramer, type LineFramerCounters, type LineSuffix } from './line-framer.js';
import { PacketScanner } from './packet-scanner.js';
import { parseNewlandReply, type ScannerProtocol } from './trigger-commands.js';
import {
  SSI_BARCODE_TYPE_TO_AIM,
  SSI_NAK,
  SSI_OPCODE,
  SSI_STATUS,
  ssiAck,
  ssiNak,
  ssiPacketFormat,
  type SsiPacket,
} from './zebra-ssi.js';

/**
 * Turns a scanner's byte stream into code frames, whatever the family: line framing for scanners that
 * send text lines (generic, Honeywell, Newland, Datalogic), SSI packets for Zebra. Pure: time is passed
 * in, replies the device expects (SSI ACK/NAK) are returned for the driver to write.
 */
export interface WireScan {
  /** The code's bytes, prefix, AIM identifier and terminator removed. */
  data: Buffer;
  symbology: string | null;
}

export type WireEvent =
  | { type: 'ack'; command: string }
  | { type: 'nak'; command: string; reason: number }
  | { type: 'retransmit' }
  | { type: 'missing-aim' }
  | { type: 'missing-prefix' };

export interface WireResult {
  scans: WireScan[];
  replies: Buffer[];
  dropped: Array<{ reason: string; length: number }>;
  events: WireEvent[];
}

export interface ScannerWire {
  push(chunk: Buffer, atMs: number): WireResult;
  flushIdle(atMs: number): WireResult;
  idleDeadline(): number | null;
  reset(): void;
}

export interface WireOptions {
  protocol: ScannerProtocol;
  suffix: LineSuffix;
  prefix?: string;
  interByteTimeoutMs: number;
  /** The scanner is programmed to send AIM identifiers in front of each code. */
  aimIds: boolean;
  maxCodeBytes: number;
}

export function emptyResult(): WireResult {
  return { scans: [], replies: [], dropped: [], events: [] };
}

export function createScannerWire(opts: WireOptions): ScannerWire {
  return opts.protocol === 'zebra-ssi' ? new SsiWire(opts) : new LineWire(opts);
}

const STX = 0x02;
const ETX = 0x03;
/** A Newland reply is a few dozen bytes; anything longer starting with STX is noise. */
const MAX_REPLY_BYTES = 64;

/** Line-mode families. Newland answers commands in-band (STX ... ETX); those replies are taken out first. */
class LineWire implements ScannerWire {
  private readonly framer: LineFramer;
  private readonly aimIds: boolean;
  private readonly maxCodeBytes: number;
  private readonly filterReplies: boolean;
  private reply: number[] | null = null;
  private seen: LineFramerCounters;

  constructor(opts: WireOptions) {
    this.aimIds = opts.aimIds;
    this.maxCodeBytes = opts.maxCodeBytes;
    this.filterReplies = opts.protocol === 'newland';
    this.framer = new LineFramer({
      suffix: opts.suffix,
      ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
      maxFrameBytes: opts.maxCodeBytes + (opts.prefix?.length ?? 0) + (opts.aimIds ? 3 : 0),
      interByteTimeoutMs: opts.interByteTimeoutMs,
    });
    this.seen = this.framer.counters();
  }

  push(chunk: Buffer, atMs: number): WireResult {
    const result = emptyResult();
    const data = this.filterReplies ? this.takeReplies(chunk, result) : chunk;
    this.collect(this.framer.push(data, atMs), result);
    this.noteFramerDrops(result);
    return result;
  }

  flushIdle(atMs: number): WireResult {
    const result = emptyResult();
    this.collect(this.framer.flushIdle(atMs), result);
    this.noteFramerDrops(result);
    return result;
  }

  idleDeadline(): number | null {
    return this.framer.idleDeadline();
  }

  reset(): void {
    this.framer.reset();
    this.reply = null;
  }

  /** The framer drops frames itself (oversize, stale) and counts them; report those as drops too. */
  private noteFramerDrops(result: WireResult): void {
    const now = this.framer.counters();
    for (const [counter, reason] of [['oversize', 'oversize'], ['stale', 'stale']] as const) {
      for (let i = this.seen[counter]; i < now[counter]; i += 1) result.dropped.push({ reason, length: 0 });
    }
    for (let i = this.seen.missingPrefix; i < now.missingPrefix; i += 1) result.events.push({ type: 'missing-prefix' });
    this.seen = now;
  }

  private collect(frames: Buffer[], result: WireResult): void {
    for (const frame of frames) {
      let scan: { data: Buffer; symbology: string | null } | null;
      if (!this.aimIds) scan = { data: frame, symbology: null };
      else {
        scan = splitAimIdentifier(frame);
        if (scan === null) {
          result.events.push({ type: 'missing-aim' });
          scan = { data: frame, symbology: null };
        }
      }
      // The framer allows room for the prefix and the AIM identifier; a frame that lacks them (found
      // by fuzzing) would otherwise hand on a code up to 3 bytes over maxCodeBytes.
      if (scan.data.length > this.maxCodeBytes) result.dropped.push({ reason: 'oversize', length: scan.data.length });
      else result.scans.push(scan);
    }
  }

  /** Removes STX ... ETX replies from the stream, reporting ACK/NAK; returns the remaining bytes. */
  private takeReplies(chunk: Buffer, result: WireResult): Buffer {
    const rest: number[] = [];
    for (const byte of chunk) {
      if (this.reply === null) {
        if (byte === STX) this.reply = [];
        else rest.push(byte);
        continue;
      }
      if (byte === ETX) {
        const parsed = parseNewlandReply(Buffer.from(this.reply));
        if (parsed) result.events.push(parsed.ok ? { type: 'ack', command: parsed.body } : { type: 'nak', command: parsed.body, reason: 0 });
        else result.dropped.push({ reason: 'bad-reply', length: this.reply.length + 2 });
        this.reply = null;
        continue;
      }
      this.reply.push(byte);
      if (this.reply.length > MAX_REPLY_BYTES) {
        // Not a reply after all: hand the bytes to the framer, where the STX marks the frame as garbage.
        rest.push(STX, ...this.reply);
        this.reply = null;
      }
    }
    return Buffer.from(rest);
  }
}

/** Zebra SSI: decode data in packets, every scanner packet acknowledged. */
class SsiWire implements ScannerWire {
  private readonly scanner = new PacketScanner(ssiPacketFormat, { staleGapMs: 500 });
  private readonly maxCodeBytes: number;
  private readonly staleGapMs = 500;
  private assembly: { chunks: Buffer[]; bytes: number; type: number; oversize: boolean; lastAt: number } | null = null;
  private lastDecode: Buffer | null = null;

  constructor(opts: WireOptions) {
    this.maxCodeBytes = opts.maxCodeBytes;
  }

  push(chunk: Buffer, atMs: number): WireResult {
    const result = emptyResult();
    this.dropStaleAssembly(atMs, result);
    const scanned = this.scanner.push(chunk, atMs);
    // A packet spoilt on the line: ask the scanner at once to send it again.
    for (let i = 0; i < scanned.rejected; i += 1) result.replies.push(ssiNak(SSI_NAK.RESEND));
    this.noteDrops(scanned.dropped, result);
    for (const packet of scanned.packets) this.take(packet, atMs, result);
    return result;
  }

  flushIdle(atMs: number): WireResult {
    const result = emptyResult();
    this.noteDrops(this.scanner.flushIdle(atMs).dropped, result);
    this.dropStaleAssembly(atMs, result);
    return result;
  }

  idleDeadline(): number | null {
    const scanner = this.scanner.idleDeadline();
    const assembly = this.assembly ? this.assembly.lastAt + this.staleGapMs : null;
    if (scanner === null) return assembly;
    return assembly === null ? scanner : Math.min(scanner, assembly);
  }

  reset(): void {
    this.scanner.reset();
    this.assembly = null;
    this.lastDecode = null;
  }

  private noteDrops(drops: Array<{ reason: string; length: number }>, result: WireResult): void {
    for (const drop of drops) result.dropped.push(drop);
  }

  private dropStaleAssembly(atMs: number, result: WireResult): void {
    if (this.assembly && atMs - this.assembly.lastAt >= this.staleGapMs) {
      result.dropped.push({ reason: 'partial', length: this.assembly.bytes });
      this.assembly = null;
    }
  }

  private take(packet: SsiPacket, atMs: number, result: WireResult): void {
    switch (packet.opcode) {
      case SSI_OPCODE.CMD_ACK:
        result.events.push({ type: 'ack', command: 'SSI' });
        return;
      case SSI_OPCODE.CMD_NAK:
        result.events.push({ type: 'nak', command: 'SSI', reason: packet.data[0] ?? 0 });
        return;
      case SSI_OPCODE.DECODE_DATA:
        result.replies.push(ssiAck());
        this.takeDecode(packet, atMs, result);
        return;
      default:
        // Anything else the scanner volunteers (revision, events) is acknowledged and ignored.
        result.replies.push(ssiAck());
    }
  }

  private takeDecode(packet: SsiPacket, atMs: number, result: WireResult): void {
    const raw = Buffer.concat([Buffer.of(packet.status), packet.data]);
    if (packet.status & SSI_STATUS.RETRANSMIT && this.lastDecode?.subarray(1).equals(raw.subarray(1))) {
      // Our ACK was lost and the scanner sent the same packet again: already delivered.
      result.events.push({ type: 'retransmit' });
      return;
    }
    this.lastDecode = raw;
    if (packet.data.length < 1) {
      result.dropped.push({ reason: 'garbage', length: 0 });
      return;
    }
    const type = packet.data[0]!;
    const body = packet.data.subarray(1);
    const assembly = this.assembly ?? { chunks: [], bytes: 0, type, oversize: false, lastAt: atMs };
    assembly.lastAt = atMs;
    assembly.bytes += body.length;
    if (assembly.bytes > this.maxCodeBytes) assembly.oversize = true;
    if (!assembly.oversize) assembly.chunks.push(body);
    if (packet.status & SSI_STATUS.CONTINUATION) {
      this.assembly = assembly;
      return;
    }
    this.assembly = null;
    if (assembly.oversize) {
      result.dropped.push({ reason: 'oversize', length: assembly.bytes });
      return;
    }
    result.scans.push({ data: Buffer.concat(assembly.chunks), symbology: SSI_BARCODE_TYPE_TO_AIM.get(assembly.type) ?? null });
  }
}
