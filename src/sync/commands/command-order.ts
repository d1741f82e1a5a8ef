import type { SqliteDatabase } from '../../store/database.js';
import type { CommandName } from '../wire/down-messages.js';

/**
 * Issue-order rule for commands whose effect a later command replaces. MQTT QoS 1 with a clean
 * session, broker restarts and central retries can deliver an older command after a newer one;
 * the signature and the replay log do not catch that (both commands are genuine and new). So a
 * command of an order group issued BEFORE the last command of that group the lane took for
 * execution is rejected as `superseded`: a `set-mode locked` of 08:00 arriving after the
 * `set-mode normal` of 08:01 must not lock the lane again.
 *
 * Groups (the effect a command replaces):
 * - barrier: open, close, hold-open. They drive the same target (the lane's barrier/door; a
 *   command carries no target argument), and each one replaces the state the previous one left.
 * - mode: set-mode. The last mode the central system asked for is the one that stands.
 * Exempt (null): reload-config re-reads the file as it is at execution time, so an older request
 * run late does exactly what the newer one did; sync-now is a nudge with the same property;
 * snapshot only reads; send-evidence uploads one named image and does not replace anything.
 * Rejecting those would only lose answers the central system waits for.
 */
export type OrderGroup = 'barrier' | 'mode';

const GROUP_OF: Record<CommandName, OrderGroup | null> = {
  open: 'barrier',
  close: 'barrier',
  'hold-open': 'barrier',
  'set-mode': 'mode',
  'reload-config': null,
  'sync-now': null,
  snapshot: null,
  'send-evidence': null,
};

export function orderGroupOf(name: CommandName): OrderGroup | null {
  return GROUP_OF[name];
}

/** Key prefix in sync_state (store migration 005), beside the link's other restart-proof counters. */
const KEY_PREFIX = 'command-order:';

/**
 * The issuedAt (epoch ms) of the last command taken for execution, per group, in sync_state.
 * Unlike the replay log, these rows are never pruned (one row per group): an older command can
 * still be valid after the newer one's id was forgotten, since lifetimes differ.
 * Callers run `advance` in the transaction that claims the command id (CommandLog.claim), so the
 * rule survives a restart, including one in the middle of executing.
 */
export class CommandOrderTable {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: SqliteDatabase) {
    this.getStmt = db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck();
    // MAX keeps the watermark monotonic even if a caller forgets to check first.
    this.setStmt = db.prepare(
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)',
    );
  }

  lastIssuedAt(group: OrderGroup): number | null {
    const v = this.getStmt.get(KEY_PREFIX + group) as number | undefined;
    return v ?? null;
  }

  advance(group: OrderGroup, issuedAt: number): void {
    this.setStmt.run(KEY_PREFIX + group, issuedAt);
  }
}
