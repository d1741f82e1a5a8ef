import type Database from 'better-sqlite3';
import type { Clock } from '../util/clock.js';
import type { SqliteDatabase } from './database.js';
import { STATUS_ACTIVE, STATUS_USED } from './lists/list-codes.js';
import { overlayLookupSql } from './lists/pending-overlay.js';
import type { StoreHealth } from './store-health.js';

export type RedeemOutcome = 'consumed' | 'already-used' | 'unknown';

/**
 * Single-use QR tokens (src/credentials/token/opaque-token.ts TokenRepository). One UPDATE marks
 * an active single-use token inside its validity window as used, so two lanes or two scans can
 * never both consume it. The store does not judge anything else: a revoked or expired token
 * answers 'consumed' (not blocked by single use) and is refused by the decision engine from its
 * facts, which keeps every rule in one place. A not-yet-valid token is not burned early.
 */
export class TokenRedemption {
  private readonly consumePending: Database.Statement;
  private readonly consumeMerged: Database.Statement;
  private readonly read: Database.Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly health: StoreHealth,
    private readonly clock: Clock,
  ) {
    const usable = `single_use = 1 AND status = ${STATUS_ACTIVE}
         AND (valid_from IS NULL OR valid_from <= @now) AND (valid_until IS NULL OR @now < valid_until)`;
    // The row visible through the pending overlay (migration 006) is the one consumed: the pending
    // row when a delta has not been merged yet, else the main row.
    this.consumePending = db.prepare(`UPDATE credentials_pending SET status = ${STATUS_USED} WHERE hash = @hash AND removed = 0 AND ${usable}`);
    this.consumeMerged = db.prepare(
      `UPDATE credentials SET status = ${STATUS_USED}
       WHERE hash = @hash AND ${usable} AND NOT EXISTS (SELECT 1 FROM credentials_pending WHERE hash = @hash)`,
    );
    this.read = db.prepare(overlayLookupSql('credentials', 'credentials_pending', 'hash', 'status, single_use AS singleUse'));
  }

  consumeSingleUse(hash: Uint8Array): RedeemOutcome {
    const now = this.clock.now();
    return this.health.write('consume token', () =>
      this.db
        .transaction((): RedeemOutcome => {
          if (this.consumePending.run({ hash, now }).changes === 1) return 'consumed';
          if (this.consumeMerged.run({ hash, now }).changes === 1) return 'consumed';
          const row = this.read.get({ key: hash }) as { status: number; singleUse: number } | undefined;
          if (row === undefined) return 'unknown';
          return row.singleUse === 1 && row.status === STATUS_USED ? 'already-used' : 'consumed';
        })
        .immediate(),
    );
  }
}
