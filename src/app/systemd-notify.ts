import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LogHub, type Logger } from '../util/logger.js';
import { packageRoot } from './package-info.js';

/**
 * systemd's service notification protocol (sd_notify): READY=1, STATUS=, WATCHDOG=1,
 * STOPPING=1, RELOADING=1, each sent as one datagram to $NOTIFY_SOCKET.
 *
 * Node cannot send Unix datagrams, so the sending is done by a small Node-API addon
 * (native/sd-notify). It is loaded only when NOTIFY_SOCKET is set: a developer running the
 * daemon by hand, or a test, never needs the compiled addon. Sending happens in the main
 * process, which lets the unit use NotifyAccess=main. See docs/decisions/0003.
 */
export interface SystemdNotifier {
  /** True when NOTIFY_SOCKET is set and the addon is loaded: messages really leave. */
  readonly enabled: boolean;
  /** READY=1 (start-up finished, or a reload finished) with an optional STATUS= line. */
  ready(status?: string): void;
  /** STATUS= one line shown by `systemctl status`. */
  status(text: string): void;
  /** WATCHDOG=1 keep-alive; the watchdog (watchdog.ts) decides when it is deserved. */
  watchdog(): void;
  /** STOPPING=1: the daemon has begun its orderly shutdown. */
  stopping(status?: string): void;
  /** RELOADING=1 with MONOTONIC_USEC=; call ready() again once the reload is done. */
  reloading(): void;
}

/** The addon's surface: one datagram, throws an Error naming errno on failure. */
export interface SdNotifyAddon {
  notify(socketPath: string, message: string): void;
}

export interface SystemdNotifierOptions {
  /** Path of the compiled addon; by default under the package root. */
  addonPath?: string;
  /** Replaces the loader (tests check the addon is not even required without NOTIFY_SOCKET). */
  loadAddon?: (path: string) => SdNotifyAddon;
}

export const SD_NOTIFY_ADDON_RELATIVE_PATH = 'native/sd-notify/build/Release/sd_notify.node';
export const STATUS_MAX_CHARS = 200;
const BUILD_HINT = 'run `npm run build:native` in the install directory (needs a C compiler and the Node headers)';

/** Where the compiled addon lives, relative to the package root (works from src/ and dist/src/). */
export function defaultAddonPath(): string {
  return join(packageRoot(), SD_NOTIFY_ADDON_RELATIVE_PATH);
}

export function loadSdNotifyAddon(path: string): SdNotifyAddon {
  const required: unknown = createRequire(import.meta.url)(path);
  const notify = (required as { notify?: unknown } | null)?.notify;
  if (typeof notify !== 'function') throw new Error(`${path} does not export notify()`);
  return { notify: notify as SdNotifyAddon['notify'] };
}

/**
 * STATUS= is read up to the end of the line by systemd and shown in one row of
 * `systemctl status`: control characters (newlines included) become spaces and the text
 * is capped, ending with an ellipsis when cut.
 */
export function statusLineFor(text: string): string {
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  const chars = Array.from(oneLine); // code points: never cut a surrogate pair in half
  if (chars.length <= STATUS_MAX_CHARS) return oneLine;
  return `${chars.slice(0, STATUS_MAX_CHARS - 1).join('')}…`;
}

/**
 * CLOCK_MONOTONIC in microseconds, which RELOADING=1 must carry (systemd 253+ uses it to
 * tell a fresh reload from a stale one). process.hrtime reads CLOCK_MONOTONIC on Linux;
 * performance.now() would not do (its origin is the process start).
 */
export function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}

/** Checks NOTIFY_SOCKET the way sd_notify does; returns a reason when it cannot be used. */
export function notifySocketProblem(socket: string): string | null {
  if (!socket.startsWith('/') && !socket.startsWith('@')) {
    return `NOTIFY_SOCKET must be an absolute path or start with '@' (got "${socket.slice(0, 80)}")`;
  }
  if (socket.length < 2) return 'NOTIFY_SOCKET is too short';
  // sun_path holds 108 bytes: a path needs its terminating NUL, an abstract name does not.
  const limit = socket.startsWith('@') ? 108 : 107;
  const bytes = Buffer.byteLength(socket);
  if (bytes > limit) return `NOTIFY_SOCKET is ${bytes} bytes, longer than the ${limit} a Unix socket allows`;
  return null;
}

const NO_OP: SystemdNotifier = Object.freeze({
  enabled: false,
  ready: () => undefined,
  status: () => undefined,
  watchdog: () => undefined,
  stopping: () => undefined,
  reloading: () => undefined,
});

export function createSystemdNotifier(
  env: NodeJS.ProcessEnv = process.env,
  log?: Logger,
  options: SystemdNotifierOptions = {},
): SystemdNotifier {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return NO_OP;
  // Without a logger, one is built on first use only (a LogHub writes to stdout: journald).
  let fallback: Logger | undefined;
  const logger = (): Logger => log ?? (fallback ??= new LogHub().child('systemd'));

  const problem = notifySocketProblem(socket);
  if (problem) {
    logger().error({ socket }, `systemd notification disabled: ${problem}`);
    return NO_OP;
  }

  let addon: SdNotifyAddon;
  let addonPath = options.addonPath ?? '';
  try {
    addonPath ||= defaultAddonPath();
    addon = (options.loadAddon ?? loadSdNotifyAddon)(addonPath);
  } catch (err) {
    // Never fatal: the lane keeps working; systemd will report the start as timed out (and
    // the watchdog as missed), and this line says why and how to fix it.
    logger().error(
      { err, addonPath, socket },
      `systemd notification disabled: the sd_notify addon could not be loaded; ${BUILD_HINT}`,
    );
    return NO_OP;
  }
  return new AddonNotifier(addon, socket, logger);
}

/** Sends through the addon; a failed send is logged (once per distinct error), never thrown. */
class AddonNotifier implements SystemdNotifier {
  readonly enabled = true;
  private lastFailure: string | null = null;

  constructor(
    private readonly addon: SdNotifyAddon,
    private readonly socket: string,
    private readonly logger: () => Logger,
  ) {}

  ready(status?: string): void {
    this.send(withStatus('READY=1', status));
  }

  status(text: string): void {
    this.send(`STATUS=${statusLineFor(text)}`);
  }

  watchdog(): void {
    this.send('WATCHDOG=1');
  }

  stopping(status?: string): void {
    this.send(withStatus('STOPPING=1', status));
  }

  reloading(): void {
    this.send(`RELOADING=1\nMONOTONIC_USEC=${monotonicUsec()}\nSTATUS=reloading configuration`);
  }

  private send(message: string): void {
    try {
      this.addon.notify(this.socket, message);
      if (this.lastFailure !== null) {
        this.lastFailure = null;
        this.logger().info({ socket: this.socket }, 'systemd notification works again');
      }
    } catch (err) {
      // The watchdog sends every few seconds: one line per distinct failure, not per ping.
      const text = err instanceof Error ? err.message : String(err);
      if (text === this.lastFailure) return;
      this.lastFailure = text;
      this.logger().error(
        { err, socket: this.socket, kind: message.slice(0, message.indexOf('=')) },
        'systemd notification failed',
      );
    }
  }
}

function withStatus(first: string, status: string | undefined): string {
  return status === undefined ? first : `${first}\nSTATUS=${statusLineFor(status)}`;
}
