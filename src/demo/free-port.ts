import { createServer } from 'node:net';

/** Binds `port` on loopback and releases it; resolves with the port actually bound (0 = any free one). */
function probe(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The preferred port when it is free (so the printed URLs stay the same from run to run), else any
 * free one. `preferred` 0 always picks a free one (tests). Another process may take the port between
 * this check and its use; the demo then fails to start with that port named.
 */
export async function pickPort(preferred: number): Promise<number> {
  if (preferred > 0) {
    try {
      return await probe(preferred);
    } catch {
      // busy: fall through to any free port
    }
  }
  return probe(0);
}
