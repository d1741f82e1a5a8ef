import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * labels.tsv of a plate folder laid out like shared/fixtures/plates/: a header row, then one
 * crop per line. Only the columns the evaluation needs are required.
 */
export interface PlateLabel {
  file: string;
  country: string;
  /** Expected reading: letters, digits and Chinese characters only. */
  compact: string;
  rows: 1 | 2;
  category: string;
}

export const REQUIRED_COLUMNS = ['file', 'country', 'plate_compact', 'n_rows'] as const;

export class PlateLabelsError extends Error {
  constructor(
    readonly code: 'no_input' | 'bad_input',
    message: string,
  ) {
    super(message);
    this.name = 'PlateLabelsError';
  }
}

export function parsePlateLabels(text: string, source = 'labels.tsv'): PlateLabel[] {
  const lines = text.split(/\r?\n/u).filter((l) => l.trim().length > 0);
  const header = lines.shift();
  if (!header) throw new PlateLabelsError('bad_input', `${source} is empty`);
  const cols = header.split('\t');
  const missing = REQUIRED_COLUMNS.filter((c) => !cols.includes(c));
  if (missing.length > 0) throw new PlateLabelsError('bad_input', `${source} lacks column(s) ${missing.join(', ')}`);
  const at = (name: string): number => cols.indexOf(name);
  return lines.map((line, i) => {
    const cells = line.split('\t');
    const rows = cells[at('n_rows')]?.trim();
    if (rows !== '1' && rows !== '2') throw new PlateLabelsError('bad_input', `${source} line ${i + 2}: n_rows must be 1 or 2`);
    const file = cells[at('file')]?.trim() ?? '';
    if (!file) throw new PlateLabelsError('bad_input', `${source} line ${i + 2}: empty file column`);
    return {
      file,
      country: cells[at('country')]?.trim() || '?',
      compact: cells[at('plate_compact')]?.trim() ?? '',
      rows: rows === '2' ? 2 : 1,
      category: at('category') >= 0 ? (cells[at('category')]?.trim() ?? '') : '',
    };
  });
}

export async function readPlateLabels(dir: string): Promise<PlateLabel[]> {
  const path = join(dir, 'labels.tsv');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PlateLabelsError('no_input', `${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parsePlateLabels(text, path);
}
