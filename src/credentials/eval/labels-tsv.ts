import { readFile } from 'node:fs/promises';

/** Reads a fixtures labels.tsv (header row, tab-separated) keyed by its `file` column; empty when absent. */
export async function readLabels(path: string): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return out;
  }
  const [header, ...rows] = text.split(/\r?\n/u).filter((l) => l.length > 0);
  if (!header) return out;
  const cols = header.split('\t');
  for (const row of rows) {
    const cells = row.split('\t');
    const rec: Record<string, string> = {};
    cols.forEach((c, i) => (rec[c] = cells[i] ?? ''));
    if (rec.file) out.set(rec.file, rec);
  }
  return out;
}
