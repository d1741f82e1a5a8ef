import { connect, createServer } from 'node:net';

/**
 * Loopback TCP helpers for the parts that start their own servers (the demo, the chaos run, benches,
 * tests): a port the kernel says is free now, and whether something accepts connections on one.
 */

/** A loopback port that was free a moment ago (bind to it soon: another process may take it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** True when a TCP connection to 127.0.0.1:port is accepted (the connection is closed at once). */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
