import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = LevelWithSilent;
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Field names that carry personal data. Whatever component logs them, at the top level or
 * nested two levels down, the value is replaced. Keep this list in one place: the security
 * tests scan log output for marked identities.
 */
export const PERSONAL_DATA_KEYS = [
  'documentNumber',
  'docNumber',
  'mrz',
  'mrzLines',
  'qr',
  'qrPayload',
  'payload',
  'token',
  'template',
  'faceTemplate',
  'embedding',
  'holderName',
  'birthDate',
  'dateOfBirth',
  'secret',
  'password',
] as const;

export const REDACTED = '[redacted]';

const PERSONAL_KEY_SET: ReadonlySet<string> = new Set(PERSONAL_DATA_KEYS);
const REDACT_MAX_DEPTH = 4;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Replaces the value of every personal-data key in plain objects and arrays down to
 * REDACT_MAX_DEPTH levels. Copies only the branches it changes. Written by hand rather than with
 * pino's `redact` paths: wildcard paths (`*.key`, `*.*.key`) made every log call about 15x
 * slower (bench: `npm run bench -- logging`), and they stop at a fixed depth.
 */
export function redactPersonalData<T>(value: T, depth = 0): T {
  if (depth > REDACT_MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const next = redactPersonalData(item, depth + 1);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? out : value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const next = PERSONAL_KEY_SET.has(key) ? REDACTED : redactPersonalData(item, depth + 1);
    if (next !== item) {
      copy ??= { ...value };
      copy[key] = next;
    }
  }
  return (copy ?? value) as T;
}

export interface LogHubOptions {
  level?: LogLevel;
  lane?: string;
  /** Where JSON lines go; stdout by default (journald captures it). */
  destination?: DestinationStream;
  /** Identical warnings/errors from one component within this window are folded into a count. */
  throttleWindowMs?: number;
  now?: () => number;
}

interface ThrottleEntry {
  firstAt: number;
  suppressed: number;
}

/**
 * Owns the root logger and every child made from it, so a run-time level change
 * (`lanectl log level debug`) reaches all components at once: pino children copy the
 * level when they are created and do not follow the parent afterwards.
 */
export class LogHub {
  readonly root: Logger;
  private readonly children = new Set<Logger>();
  private readonly throttle = new Map<string, ThrottleEntry>();
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(opts: LogHubOptions = {}) {
    this.windowMs = opts.throttleWindowMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    const hub = this;
    this.root = pino(
      {
        level: opts.level ?? 'info',
        base: opts.lane ? { lane: opts.lane } : {},
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: {
          level: (label) => ({ level: label }),
          log: (object) => redactPersonalData(object),
        },
        hooks: {
          logMethod(args, method, level) {
            // Only warnings and worse are folded: info/debug lines are rare and wanted.
            if (level < 40) return method.apply(this, args);
            const decision = hub.checkThrottle(this, args);
            if (decision === 'drop') return;
            if (typeof decision === 'number') {
              const [first, ...rest] = args;
              if (first && typeof first === 'object') {
                return method.apply(this, [{ ...(first as object), repeated: decision }, ...rest] as typeof args);
              }
              return method.apply(this, [{ repeated: decision }, ...args] as unknown as typeof args);
            }
            return method.apply(this, args);
          },
        },
      },
      opts.destination ?? pino.destination({ dest: 1, sync: true }),
    );
    this.children.add(this.root);
  }

  /** A logger for one component (and optionally one device); fields appear on every line. */
  child(component: string, fields: Record<string, unknown> = {}): Logger {
    const log = this.root.child({ component, ...fields });
    this.children.add(log);
    return log;
  }

  setLevel(level: LogLevel): void {
    for (const log of this.children) log.level = level;
  }

  get level(): LogLevel {
    return this.root.level as LogLevel;
  }

  /**
   * Returns 'pass' for a first occurrence, 'drop' for a repeat inside the window, or the
   * number of repeats that were dropped when the window has passed (logged as `repeated`).
   */
  private checkThrottle(logger: Logger, args: unknown[]): 'pass' | 'drop' | number {
    const msg = args.find((a) => typeof a === 'string') ?? '';
    const bindings = logger.bindings() as Record<string, unknown>;
    const first = args[0];
    const errText = first instanceof Error ? first.message : (first as { err?: Error } | undefined)?.err?.message ?? '';
    const key = `${String(bindings.component ?? '')}|${String(bindings.device ?? '')}|${String(msg)}|${errText}`;
    const at = this.now();
    const entry = this.throttle.get(key);
    if (!entry || at - entry.firstAt >= this.windowMs) {
      const suppressed = entry?.suppressed ?? 0;
      this.throttle.set(key, { firstAt: at, suppressed: 0 });
      if (this.throttle.size > 1_000) this.pruneThrottle(at);
      return suppressed > 0 ? suppressed : 'pass';
    }
    entry.suppressed += 1;
    return 'drop';
  }

  private pruneThrottle(at: number): void {
    for (const [key, entry] of this.throttle) {
      if (at - entry.firstAt >= this.windowMs) this.throttle.delete(key);
    }
  }
}
