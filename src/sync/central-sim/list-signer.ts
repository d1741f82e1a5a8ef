import type { KeyObject } from 'node:crypto';
import { signEd25519 } from '../signing.js';

export interface DeltaBody {
  list: string;
  fromVersion: number;
  toVersion: number;
  upserts: unknown[];
  deletes: unknown[];
}

/** Signs list messages for one site: the site is signed (not sent), so a message cannot be replayed at another site. */
export class ListSigner {
  constructor(
    private readonly key: KeyObject,
    private readonly site: string,
  ) {}

  delta(body: DeltaBody): Record<string, unknown> {
    const message = { list: body.list, fromVersion: body.fromVersion, toVersion: body.toVersion, upserts: body.upserts, deletes: body.deletes };
    return { ...message, sig: signEd25519(this.key, 'list-delta', { ...message, site: this.site }) };
  }

  /** The snapshot as chunks of at most `chunkRows` rows (at least one chunk, even for an empty list). */
  snapshot(list: string, version: number, rows: readonly unknown[], snapshotId: string, chunkRows = 5_000): Record<string, unknown>[] {
    const size = Math.max(1, Math.trunc(chunkRows));
    const chunks = Math.max(1, Math.ceil(rows.length / size));
    const out: Record<string, unknown>[] = [];
    for (let chunk = 0; chunk < chunks; chunk++) {
      const message = { list, snapshotId, version, chunk, chunks, rows: rows.slice(chunk * size, (chunk + 1) * size) };
      out.push({ ...message, sig: signEd25519(this.key, 'list-snapshot', { ...message, site: this.site }) });
    }
    return out;
  }
}
