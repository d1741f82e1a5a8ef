/**
 * A REAL Unix datagram socket standing in for systemd's notification socket.
 *
 * Node cannot bind AF_UNIX datagram sockets, and receiving through the addon under test
 * would let a bug hide on both sides, so the receiver is a small long-lived python3 process:
 * it binds the path (or abstract name), turns on SO_PASSCRED so the kernel tells us the
 * sender's pid (what systemd checks for NotifyAccess=main), and prints one JSON line per
 * datagram.
 *
 *   const sock = await openNotifySocket();            // or { abstract: true }
 *   env.NOTIFY_SOCKET = sock.address;
 *   ... code under test sends ...
 *   const all = await sock.flush();                   // everything sent before this call
 *   await sock.close();
 *
 * flush() asks the receiver to send a marker datagram to its own socket: datagrams on one
 * socket are delivered in order, so once the marker is seen every datagram sent before
 * flush() was called has been collected. That lets a test assert that something was NOT
 * sent without waiting for a timeout.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

export interface NotifyDatagram {
  /** The datagram as text (systemd messages are UTF-8). */
  text: string;
  /** KEY=VALUE assignments, one per line. */
  fields: Record<string, string>;
  /** Sender pid from SCM_CREDENTIALS (null if the kernel sent none). */
  senderPid: number | null;
  /** The receiver's CLOCK_MONOTONIC (µs) when the datagram was read. */
  receivedMonotonicUsec: number;
}

export interface NotifySocket {
  /** The value for NOTIFY_SOCKET: an absolute path, or '@name' for an abstract socket. */
  readonly address: string;
  /** Everything received so far, in order (markers excluded). */
  readonly received: readonly NotifyDatagram[];
  /** Resolves with every datagram sent before the call (see above). */
  flush(timeoutMs?: number): Promise<NotifyDatagram[]>;
  /** Resolves with the first datagram (already received or coming) that matches. */
  waitFor(what: string, match: (d: NotifyDatagram) => boolean, timeoutMs?: number): Promise<NotifyDatagram>;
  close(): Promise<void>;
}

const MARKER_KEY = 'X-TEST-MARKER';

const RECEIVER = String.raw`
import base64, json, os, select, socket, struct, sys, time
address = sys.argv[1]
reading = sys.argv[2] == 'read'
bind_to = '\0' + address[1:] if address.startswith('@') else address
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
sock.bind(bind_to)
marker_sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()
emit({'bound': address})
pending = b''
try:
    while True:
        readable, _, _ = select.select([sock, 0] if reading else [0], [], [])
        if sock in readable:
            data, ancillary, _, _ = sock.recvmsg(65536, socket.CMSG_SPACE(12))
            pid = None
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack('iII', payload[:12])[0]
            emit({'data': base64.b64encode(data).decode('ascii'), 'pid': pid,
                  'monoUsec': time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000})
        if 0 in readable:
            chunk = os.read(0, 4096)
            if not chunk:
                break
            pending += chunk
            while b'\n' in pending:
                line, pending = pending.split(b'\n', 1)
                marker_sender.sendto(b'${MARKER_KEY}=' + line, bind_to)
finally:
    if not address.startswith('@'):
        os.unlink(address)
`;

interface ReceiverLine {
  bound?: string;
  data?: string;
  pid?: number | null;
  monoUsec?: number;
}

export function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

export interface NotifySocketOptions {
  /** Bind an abstract name ('@...') instead of a path in a temp dir. */
  abstract?: boolean;
  /**
   * false: bind but never read, like a service manager that hangs, so the queue fills up.
   * flush() and waitFor() then time out; only close() is useful.
   */
  read?: boolean;
}

export async function openNotifySocket(opts: NotifySocketOptions = {}): Promise<NotifySocket> {
  const dir = opts.abstract ? null : mkdtempSync(join(tmpdir(), 'lane-notify-'));
  const address = dir ? join(dir, 'notify.sock') : `@lane-test-${process.pid}-${randomBytes(6).toString('hex')}`;
  const child = spawn('python3', ['-c', RECEIVER, address, opts.read === false ? 'noread' : 'read'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const receiver = new Receiver(address, child, lines, dir);
  try {
    await receiver.bound();
  } catch (err) {
    await receiver.close();
    throw err;
  }
  return receiver;
}

type Waiter = { match: (d: NotifyDatagram) => boolean; resolve: (d: NotifyDatagram) => void };

class Receiver implements NotifySocket {
  readonly received: NotifyDatagram[] = [];
  private readonly waiters = new Set<Waiter>();
  private stderr = '';
  private exited: Promise<void>;
  private onBound: (() => void) | null = null;
  private failure: Error | null = null;
  private markers = 0;

  constructor(
    readonly address: string,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    private readonly dir: string | null,
  ) {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.once('close', () => resolve());
      child.once('error', (err) => {
        this.failure = new Error(`notify-socket helper: cannot run python3 (${err.message}); it is needed for these tests`);
        resolve();
      });
    });
    lines.on('line', (line) => this.onLine(line));
  }

  bound(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onBound = resolve;
      void this.exited.then(() =>
        reject(this.failure ?? new Error(`notify-socket helper exited before binding ${this.address}: ${this.stderr}`)),
      );
    });
  }

  flush(timeoutMs = 5_000): Promise<NotifyDatagram[]> {
    const id = `m${++this.markers}`;
    const seen = this.waitFor(`marker ${id}`, (d) => d.fields[MARKER_KEY] === id, timeoutMs, true);
    this.child.stdin.write(`${id}\n`);
    return seen.then(() => [...this.received]);
  }

  waitFor(
    what: string,
    match: (d: NotifyDatagram) => boolean,
    timeoutMs = 5_000,
    marker = false,
  ): Promise<NotifyDatagram> {
    const already = marker ? undefined : this.received.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const got = this.received.map((d) => JSON.stringify(d.text)).join(', ') || 'nothing';
        reject(new Error(`no datagram matching "${what}" on ${this.address} within ${timeoutMs} ms; got ${got}`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (d) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(d);
        },
      };
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && !this.failure) {
      this.child.stdin.end(); // the receiver exits (and unlinks its socket) when stdin closes
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
      await this.exited;
      clearTimeout(killer);
    } else {
      await this.exited;
    }
    this.lines.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private onLine(line: string): void {
    let parsed: ReceiverLine;
    try {
      parsed = JSON.parse(line) as ReceiverLine;
    } catch {
      return;
    }
    if (parsed.bound !== undefined) {
      this.onBound?.();
      return;
    }
    if (parsed.data === undefined) return;
    const text = Buffer.from(parsed.data, 'base64').toString('utf8');
    const datagram: NotifyDatagram = {
      text,
      fields: parseFields(text),
      senderPid: parsed.pid ?? null,
      receivedMonotonicUsec: parsed.monoUsec ?? 0,
    };
    if (datagram.fields[MARKER_KEY] === undefined) this.received.push(datagram);
    for (const waiter of [...this.waiters]) if (waiter.match(datagram)) waiter.resolve(datagram);
  }
}
