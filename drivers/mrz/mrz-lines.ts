import type { MrzFormat, MrzUnreadableReason } from './mrz-reader.js';

/**
 * Shapes of the machine-readable zone (ICAO 9303): how many lines of which length make a document.
 * Pure functions; the reader drivers use them for both framed (one block per document) and
 * line-by-line output.
 */
export const MRZ_LINE_LENGTHS: Readonly<Record<MrzFormat, { lines: number; length: number }>> = {
  TD1: { lines: 3, length: 30 },
  TD2: { lines: 2, length: 36 },
  TD3: { lines: 2, length: 44 },
};

const FORMAT_BY_LENGTH: ReadonlyMap<number, MrzFormat> = new Map(
  (Object.entries(MRZ_LINE_LENGTHS) as Array<[MrzFormat, { length: number }]>).map(([format, shape]) => [shape.length, format]),
);

const MRZ_CHARACTERS = /^[A-Z0-9<]+$/;

export type MrzClassification =
  | { ok: true; format: MrzFormat; lines: string[] }
  | { ok: false; reason: MrzUnreadableReason };

/**
 * Readers pad short OCR lines (3M/Thales RTE pads with `_`) and may add spaces; both are removed.
 * Characters the OCR could not read (readers send `?` or similar) make the line unreadable.
 */
export function cleanMrzLine(line: string): string {
  return line.replace(/[_ \t]+$/u, '');
}

/** Decides the format of a complete set of lines, or says why they are not an MRZ. */
export function classifyMrz(rawLines: readonly string[]): MrzClassification {
  const lines = rawLines.map(cleanMrzLine).filter((line) => line.length > 0);
  if (lines.length === 0) return { ok: false, reason: 'line-count' };
  if (!lines.every((line) => MRZ_CHARACTERS.test(line))) return { ok: false, reason: 'characters' };
  const format = FORMAT_BY_LENGTH.get(lines[0]!.length);
  if (!format || !lines.every((line) => line.length === lines[0]!.length)) return { ok: false, reason: 'line-length' };
  if (lines.length !== MRZ_LINE_LENGTHS[format].lines) return { ok: false, reason: 'line-count' };
  return { ok: true, format, lines };
}

export type AssemblerOutput = { document: { format: MrzFormat; lines: string[] } } | { unreadable: MrzUnreadableReason };

/**
 * Builds documents from readers that send the MRZ one line at a time (CR-separated line output). The
 * line length says the format and so how many lines to wait for; a document is complete the moment
 * its last line arrives. A partial document followed by a pause of gapMs, or by a line of another
 * length, is reported as `incomplete` (a document pulled away mid-read).
 */
export class MrzLineAssembler {
  private readonly gapMs: number;
  private partial: string[] = [];
  private lastLineAt: number | null = null;

  constructor(opts: { gapMs: number }) {
    this.gapMs = opts.gapMs;
  }

  push(rawLine: string, atMs: number): AssemblerOutput[] {
    const out = this.flushIdle(atMs);
    const line = cleanMrzLine(rawLine);
    if (line.length === 0) return out;
    this.lastLineAt = atMs;
    if (!MRZ_CHARACTERS.test(line)) {
      this.partial = [];
      out.push({ unreadable: 'characters' });
      return out;
    }
    const format = FORMAT_BY_LENGTH.get(line.length);
    if (!format) {
      this.partial = [];
      out.push({ unreadable: 'line-length' });
      return out;
    }
    if (this.partial.length > 0 && this.partial[0]!.length !== line.length) {
      this.partial = [];
      out.push({ unreadable: 'incomplete' });
    }
    this.partial.push(line);
    if (this.partial.length === MRZ_LINE_LENGTHS[format].lines) {
      out.push({ document: { format, lines: this.partial } });
      this.partial = [];
    }
    return out;
  }

  flushIdle(atMs: number): AssemblerOutput[] {
    if (this.partial.length === 0 || this.lastLineAt === null || atMs - this.lastLineAt < this.gapMs) return [];
    this.partial = [];
    return [{ unreadable: 'incomplete' }];
  }

  idleDeadline(): number | null {
    return this.partial.length > 0 && this.lastLineAt !== null ? this.lastLineAt + this.gapMs : null;
  }

  reset(): void {
    this.partial = [];
    this.lastLineAt = null;
  }
}
