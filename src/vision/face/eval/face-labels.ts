import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One row of DIR/labels.tsv (layout of shared/fixtures/faces/). */
export interface FaceLabel {
  file: string;
  /** Identities shown (';'-separated in the file); empty when unlabelled. */
  identities: string[];
  kind: string;
}

export async function readFaceLabels(dir: string): Promise<FaceLabel[]> {
  const path = join(dir, 'labels.tsv');
  const text = await readFile(path, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split('\t') ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: no '${name}' column in the header`);
    return i;
  };
  const [fi, ii, ki] = [col('file'), col('identity'), col('kind')];
  return lines.slice(1).map((line, n) => {
    const cells = line.split('\t');
    const file = cells[fi]?.trim();
    if (!file) throw new Error(`${path}:${n + 2}: empty file name`);
    return {
      file,
      identities: (cells[ii] ?? '').split(';').map((s) => s.trim()).filter(Boolean),
      kind: (cells[ki] ?? '').trim(),
    };
  });
}
