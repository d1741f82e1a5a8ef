import type { TimerHandle } from '../../src/util/clock.js';
import { LineFramer, decodeLineFrame } from '../scanner/line-framer.js';
import { PacketScanner } from '../scanner/packet-scanner.js';
import { SerialDeviceBase, type SerialDeviceDeps } from '../scanner/serial-device-base.js';
import { MrzLineAssembler, classifyMrz, type AssemblerOutput } from './mrz-lines.js';
import type { MrzReaderDriver, MrzReaderEvents, MrzUnreadableReason } from './mrz-reader.js';
import { rteBlockFormat, type RteBlock } from './rte-frame.js';
import type { SerialMrzReaderConfig } from './serial-mrz-reader.config.js';

/**
 * A passport/ID-card MRZ reader on a serial port. Frames the reader's output (RTE blocks with block
 * check, or CR-separated lines), assembles the lines into a TD1/TD2/TD3 MRZ and emits `document`
 * with the lines; the lane hands them to the MRZ parser (src/credentials/mrz/). Unreadable documents
 * are reported as `unreadable` with a reason, so the lane can ask the traveller to present it again.
 *
 * Counters: `documents`, `unreadable`, `garbage`, `badChecksum`, `oversize`, `partial`, `stale`,
 * plus the base `bytes`, `errors`, `dropped`.
 */
export class SerialMrzReader extends SerialDeviceBase<MrzReaderEvents> implements MrzReaderDriver {
  readonly kind = 'mrz' as const;
  readonly config: SerialMrzReaderConfig;
  private readonly blocks: PacketScanner<RteBlock> | null;
  private readonly framer: LineFramer | null;
  private readonly assembler: MrzLineAssembler;
  private idleTimer: TimerHandle | null = null;
  private framerSeen = { oversize: 0, stale: 0 };

  constructor(config: SerialMrzReaderConfig, deps: SerialDeviceDeps) {
    super({ name: config.name, path: config.path, baudRate: config.baudRate, livenessTimeoutMs: config.livenessTimeoutMs }, deps);
    this.config = config;
    this.blocks = config.framing === 'rte' ? new PacketScanner(rteBlockFormat(config.maxFrameBytes), { staleGapMs: 1_000 }) : null;
    this.framer =
      config.framing === 'lines' ? new LineFramer({ suffix: config.suffix, maxFrameBytes: config.maxFrameBytes, staleGapMs: config.documentGapMs }) : null;
    this.assembler = new MrzLineAssembler({ gapMs: config.documentGapMs });
    for (const name of ['documents', 'unreadable', 'garbage', 'badChecksum', 'oversize']) this.bump(name, 0);
  }

  protected override onOpened(): void {
    this.resetParsers();
  }

  protected override onClosing(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    this.resetParsers();
  }

  protected onBytes(chunk: Buffer, atMs: number): void {
    if (this.blocks) {
      const result = this.blocks.push(chunk, atMs);
      for (const drop of result.dropped) this.drop(drop.reason, drop.length);
      for (const block of result.packets) this.takeBlock(block);
    } else if (this.framer) {
      for (const frame of this.framer.push(chunk, atMs)) this.takeLine(frame, atMs);
      this.noteFramerDrops();
    }
    this.armIdleTimer();
  }

  private takeBlock(block: RteBlock): void {
    const decoded = decodeLineFrame(block.data.filter((byte) => byte !== 0x0d));
    if (!decoded.ok) {
      this.drop('garbage', block.data.length);
      return;
    }
    const classified = classifyMrz(block.data.toString('latin1').split('\r'));
    if (classified.ok) this.document(classified.format, classified.lines);
    else this.unreadable(classified.reason);
  }

  private takeLine(frame: Buffer, atMs: number): void {
    const decoded = decodeLineFrame(frame);
    if (!decoded.ok) {
      this.drop('garbage', frame.length);
      return;
    }
    this.handleAssembled(this.assembler.push(decoded.text, atMs));
  }

  private handleAssembled(outputs: AssemblerOutput[]): void {
    for (const output of outputs) {
      if ('document' in output) this.document(output.document.format, output.document.lines);
      else this.unreadable(output.unreadable);
    }
  }

  private document(format: 'TD1' | 'TD2' | 'TD3', lines: string[]): void {
    this.bump('documents');
    this.log.info({ format }, 'mrz read');
    this.emit('document', { format, lines, at: this.clock.now() });
  }

  private unreadable(reason: MrzUnreadableReason): void {
    this.bump('unreadable');
    this.log.info({ reason }, 'mrz unreadable');
    this.emit('unreadable', { reason, at: this.clock.now() });
  }

  private noteFramerDrops(): void {
    if (!this.framer) return;
    const now = this.framer.counters();
    for (let i = this.framerSeen.oversize; i < now.oversize; i += 1) this.drop('oversize', 0);
    for (let i = this.framerSeen.stale; i < now.stale; i += 1) this.drop('stale', 0);
    this.framerSeen = { oversize: now.oversize, stale: now.stale };
  }

  private idleDeadline(): number | null {
    const deadlines = [this.blocks?.idleDeadline() ?? null, this.framer?.idleDeadline() ?? null, this.assembler.idleDeadline()];
    const set = deadlines.filter((d): d is number => d !== null);
    return set.length === 0 ? null : Math.min(...set);
  }

  private armIdleTimer(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    const deadline = this.idleDeadline();
    if (deadline === null) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      if (!this.isOpen) return;
      const now = this.clock.monotonic();
      if (this.blocks) for (const drop of this.blocks.flushIdle(now).dropped) this.drop(drop.reason, drop.length);
      if (this.framer) {
        for (const frame of this.framer.flushIdle(now)) this.takeLine(frame, now);
        this.noteFramerDrops();
      }
      this.handleAssembled(this.assembler.flushIdle(now));
      this.armIdleTimer();
    }, Math.max(0, deadline - this.clock.monotonic()));
  }

  private resetParsers(): void {
    this.blocks?.reset();
    this.framer?.reset();
    this.assembler.reset();
  }
}
