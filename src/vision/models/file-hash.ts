import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 of a file as lowercase hex, streamed so a large model never sits twice in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
