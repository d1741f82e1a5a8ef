import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { IDENTIFIER_KIND, type IdentifierHasher } from '../../../src/credentials/identifiers.js';
import { parseOpaqueToken, redeemOpaqueToken, type TokenRepository } from '../../../src/credentials/token/opaque-token.js';

/**
 * The single-use consume is one UPDATE ... WHERE used_at IS NULL: SQLite runs each statement
 * atomically under its write lock, so of any number of racing lanes or processes exactly one
 * sees `changes === 1`. This table and repository are the reference for the store engineer.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS qr_tokens (
    token_hash BLOB PRIMARY KEY,
    single_use INTEGER NOT NULL,
    used_at    INTEGER
  ) WITHOUT ROWID;`;

class SqliteTokenRepository implements TokenRepository {
  private readonly consume: Database.Statement;
  private readonly find: Database.Statement;
  constructor(db: Database.Database, private readonly now: () => number) {
    this.consume = db.prepare('UPDATE qr_tokens SET used_at = ? WHERE token_hash = ? AND single_use = 1 AND used_at IS NULL');
    this.find = db.prepare('SELECT single_use, used_at FROM qr_tokens WHERE token_hash = ?');
  }
  consumeSingleUse(hash: Uint8Array): 'consumed' | 'already-used' | 'unknown' {
    if (this.consume.run(this.now(), Buffer.from(hash)).changes === 1) return 'consumed';
    const row = this.find.get(Buffer.from(hash)) as { single_use: number; used_at: number | null } | undefined;
    if (!row) return 'unknown';
    return row.single_use === 1 ? 'already-used' : 'consumed';
  }
}

// Same construction as src/store/keyed-hash.ts: HMAC-SHA256 over `kind:value`.
const KEY = randomBytes(32);
const hash: IdentifierHasher = (kind, value) => createHmac('sha256', KEY).update(`${kind}:${value}`).digest();

const dir = mkdtempSync(join(tmpdir(), 'qr-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

describe('opaque token format', () => {
  it('accepts base64, base64url, hex and UUID tokens and drops scanner CR/LF', () => {
    for (const t of ['dGhpcy1pcy1hLXRva2VuLTAx', 'q1Z_f-2kd9Lm0wR7xY4bV8', '9f86d081884c7d659a2feaa0c55ad015', '0190f7a2-4c1e-7b3a-9d2e-5f6a7b8c9d0e']) {
      expect(parseOpaqueToken(`${t}\r\n`)).toEqual({ ok: true, token: t });
    }
  });

  it('refuses anything else with a reason and without quoting the token', () => {
    expect(parseOpaqueToken('')).toMatchObject({ ok: false, reason: 'TOKEN_EMPTY' });
    expect(parseOpaqueToken('short-token')).toMatchObject({ ok: false, reason: 'TOKEN_TOO_SHORT' });
    expect(parseOpaqueToken('x'.repeat(300))).toMatchObject({ ok: false, reason: 'TOKEN_TOO_LONG' });
    const spaced = parseOpaqueToken('secret token value 123');
    expect(spaced).toMatchObject({ ok: false, reason: 'TOKEN_BAD_CHARACTERS', detail: expect.stringContaining('position 6') });
    if (!spaced.ok) expect(spaced.detail).not.toContain('secret');
    expect(parseOpaqueToken('tökenwithumlaut-0123456')).toMatchObject({ ok: false, reason: 'TOKEN_BAD_CHARACTERS' });
  });
});

describe('redeeming tokens against a real SQLite cache', () => {
  it('consumes a single-use token once, leaves multi-use tokens, and knows unknown ones', () => {
    const db = openDb(join(dir, 'redeem.db'));
    const single = 'single-use-token-000000001';
    const multi = 'multi-use-token-0000000002';
    db.prepare('INSERT INTO qr_tokens (token_hash, single_use) VALUES (?, 1), (?, 0)').run(hash(IDENTIFIER_KIND.qrToken, single), hash(IDENTIFIER_KIND.qrToken, multi));
    const deps = { hash, repository: new SqliteTokenRepository(db, () => 1_700_000_000_000) };
    expect(redeemOpaqueToken(single, deps)).toMatchObject({ ok: true });
    expect(redeemOpaqueToken(`${single}\n`, deps)).toMatchObject({ ok: false, reason: 'TOKEN_ALREADY_USED' });
    expect(redeemOpaqueToken(multi, deps)).toMatchObject({ ok: true });
    expect(redeemOpaqueToken(multi, deps)).toMatchObject({ ok: true });
    expect(redeemOpaqueToken('never-issued-token-000003', deps)).toMatchObject({ ok: false, reason: 'TOKEN_UNKNOWN' });
    expect(redeemOpaqueToken('bad', deps)).toMatchObject({ ok: false, reason: 'TOKEN_TOO_SHORT' });
    db.close();
    // A store that fails (here: its connection closed under it) is a reason, not an exception.
    const gone = openDb(join(dir, 'redeem.db'));
    const broken = { hash, repository: new SqliteTokenRepository(gone, () => 0) };
    gone.close();
    expect(redeemOpaqueToken(single, broken)).toMatchObject({ ok: false, reason: 'TOKEN_STORE_ERROR' });
  });

  it('lets exactly one of several racing connections consume each single-use token', async () => {
    const file = join(dir, 'race.db');
    const db = openDb(file);
    const tokens = Array.from({ length: 200 }, (_, i) => `race-token-${String(i).padStart(16, '0')}`);
    const insert = db.prepare('INSERT INTO qr_tokens (token_hash, single_use) VALUES (?, 1)');
    db.transaction(() => tokens.forEach((t) => insert.run(hash(IDENTIFIER_KIND.qrToken, t))))();
    db.close();
    const hashes = tokens.map((t) => Buffer.from(hash(IDENTIFIER_KIND.qrToken, t)).toString('hex'));
    // Four threads, each with its own connection, consume every token with the same statement.
    const workerCode = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(workerData.sqlitePath);
      const db = new Database(workerData.file);
      db.pragma('busy_timeout = 5000');
      const consume = db.prepare('UPDATE qr_tokens SET used_at = ? WHERE token_hash = ? AND single_use = 1 AND used_at IS NULL');
      const wins = [];
      for (const h of workerData.hashes) if (consume.run(Date.now(), Buffer.from(h, 'hex')).changes === 1) wins.push(h);
      db.close();
      parentPort.postMessage(wins);`;
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    const runs = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        new Promise<string[]>((resolve, reject) => {
          const order = i % 2 === 0 ? hashes : [...hashes].reverse();
          const w = new Worker(workerCode, { eval: true, workerData: { file, hashes: order, sqlitePath } });
          w.once('message', resolve);
          w.once('error', reject);
        }),
      ),
    );
    const wins = runs.flat();
    expect(wins.length).toBe(tokens.length);
    expect(new Set(wins).size).toBe(tokens.length);
    const check = openDb(file);
    expect((check.prepare('SELECT COUNT(*) AS n FROM qr_tokens WHERE used_at IS NULL').get() as { n: number }).n).toBe(0);
    check.close();
  });
});
