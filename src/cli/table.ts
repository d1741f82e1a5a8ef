/**
 * Plain-text tables for lanectl's human output: aligned columns, two spaces apart, no box
 * drawing (it survives copy-paste into tickets and `| grep`). Widths count East Asian wide
 * characters as two cells, since plates like 桂P·12345 show up in later commands.
 */

export interface TableOptions {
  /** Cells longer than this are cut with an ellipsis (last errors can be long). */
  maxCellWidth?: number;
}

const DEFAULT_MAX_CELL = 60;

function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}

/** Terminal cells a string occupies. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

/** One line, no control characters: a newline inside an error message must not break the table. */
export function sanitizeCell(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r?\n/g, ' ⏎ ').replace(/[\u0000-\u001f\u007f]/g, ' ');
}

export function truncate(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
    if (width + w > maxWidth - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Header row and data rows, columns aligned; no trailing spaces on any line. */
export function renderTable(
  columns: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  opts: TableOptions = {},
): string {
  const maxCell = opts.maxCellWidth ?? DEFAULT_MAX_CELL;
  const cells = [columns, ...rows].map((row) => columns.map((_, i) => truncate(sanitizeCell(row[i] ?? ''), maxCell)));
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => displayWidth(row[i] ?? ''))));
  const lines = cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  if (rows.length === 0) lines.push('(none)');
  return lines.join('\n');
}

/** `label  value` pairs with the labels padded to one width. */
export function renderFields(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...rows.map(([label]) => displayWidth(label)));
  return rows.map(([label, value]) => `${pad(label, width)}  ${sanitizeCell(value)}`.trimEnd()).join('\n');
}
