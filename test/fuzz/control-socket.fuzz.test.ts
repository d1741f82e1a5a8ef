import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/control/commands/index.js';
import { dispatchRequest } from '../../src/control/dispatch.js';
import { LineReader } from '../../src/control/line-reader.js';
import { encodeReply, parseRequestLine, type ControlReply } from '../../src/control/protocol.js';
import { CommandRegistry } from '../../src/control/registry.js';
import { exchange, FakeContext, startServer, tempDir, type Running } from '../unit/control/harness.js';
import { checksCoverage, chunked, fuzz, fuzzAsync, must, mutated, mutatedText } from './fuzz-kit.js';
import { LineClient } from './line-client.js';

/**
 * Control-socket requests: what a local user (or a broken script) can write to the socket. The line
 * reader must bound every line, the parser must turn any line into a request or a coded refusal, and
 * dispatch must answer every command with a reply, never an internal error caused by its arguments.
 */

const registry = new CommandRegistry(COMMANDS);
const names = registry.all().map((c) => c.name);
const VALID_LINES = [
  '{"id":1,"cmd":"status","args":{}}',
  '{"id":"a","cmd":"log level","args":{"level":"debug"}}',
  '{"id":2,"cmd":"passages last","args":{"count":10}}',
  '{"id":3,"cmd":"passage","args":{"id":"0195f3a0-0000-7000-8000-000000000003"}}',
  '{"id":4,"cmd":"health","args":{}}',
  '{"id":5,"cmd":"config reload","args":{}}',
];
const JSON_CHARS = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', 'u', '0', '1', '-', 'e', 'n', 't', ' ', 'a', '\u0000', '\u2028', '😀');

/** Requests that parse as JSON: every registered command name with generated arguments. */
const requests = fc.record(
  {
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 140 }), fc.constant(null), fc.double(), fc.constant(1e308 * 10)),
    cmd: fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 20 }), fc.constantFrom('', ' ', 'STATUS', 'status ', '__proto__', 'constructor')),
    args: fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom('level', 'count', 'id', 'camera', 'waitMs', 'plate', 'epc', 'token', 'name', 'device', '__proto__', 'x'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })),
  },
  { requiredKeys: [] },
).map((r) => JSON.stringify(r));

const lines = fc.oneof(
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 4, arbitrary: requests },
  { weight: 4, arbitrary: mutatedText(VALID_LINES, JSON_CHARS) },
);

function checkReply(reply: ControlReply, line: string): void {
  const text = encodeReply(reply); // must be encodable, one line
  must(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, 'reply is not exactly one line');
  if (!reply.ok) {
    must(typeof reply.error.code === 'string' && reply.error.code.length > 0, 'error without a code');
    must(reply.error.message.length > 0 && reply.error.message.length < 4_000, 'error without a (bounded) message');
    must(reply.error.code !== 'internal', () => `internal error for request ${line.slice(0, 200)}: ${reply.error.message}`);
  }
}

describe('control socket requests under generated and mutated input', () => {
  it('the line reader bounds every line and loses no complete line', () => {
    const max = 512;
    let reader = new LineReader(max);
    const input = chunked(fc.oneof(fc.uint8Array({ maxLength: 700 }).map((b) => Buffer.from(b)), mutated(VALID_LINES.map((l) => Buffer.from(`${l}\n`)))));
    fuzz('control/line-reader', input, (chunks) => {
      for (const chunk of chunks) {
        const { lines: out, overflow } = reader.push(chunk);
        for (const line of out) must(line.length <= max, `line of ${line.length} bytes`);
        // After an overflow the connection is closed: start over, as the server does.
        if (overflow) reader = new LineReader(max);
      }
    });
  }, 240_000);

  it('parse + dispatch answer every line with one reply line and a coded reason, never `internal`', async () => {
    const ctx = new FakeContext();
    const seen = new Set<string>();
    const report = await fuzzAsync('control/parse-dispatch', lines, async (line) => {
      const parsed = parseRequestLine(line);
      if (!parsed.ok) {
        checkReply({ id: parsed.id, ok: false, error: parsed.error }, line);
        seen.add(parsed.error.code);
        return;
      }
      const outcome = await dispatchRequest(registry, ctx, parsed.request);
      must(outcome.internalError === undefined, () => `handler failed on ${line.slice(0, 200)}: ${String(outcome.internalError)}`);
      must(outcome.reply.id === parsed.request.id, 'reply id differs from request id');
      checkReply(outcome.reply, line);
      seen.add(outcome.reply.ok ? 'ok' : outcome.reply.error.code);
    });
    if (checksCoverage(report)) for (const code of ['bad_json', 'bad_request', 'unknown_command', 'ok']) expect(seen).toContain(code);
  }, 240_000);
});

describe('control socket: a real server under hostile lines', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let running: Running;
  let logLines = 0;
  beforeAll(async () => {
    dir = await tempDir();
    // The harness's default logger keeps every line in an array, which 100,000 cases would turn into
    // heap growth of the test, not of the server: log at debug level (the server's refusal path logs
    // there) into a sink that only counts.
    const sink = new Writable({
      write(_chunk: Buffer, _enc, done) {
        logLines += 1;
        done();
      },
    });
    running = await startServer(dir.dir, { rateLimit: { perSecond: 1_000_000, burst: 1_000_000 }, maxRequestBytes: 4_096, log: pino({ level: 'debug' }, sink) });
  });
  afterAll(async () => {
    await running.server.stop();
    await dir.cleanup();
  });

  /**
   * 100,000 batches on one long-lived connection (as lanectl's interactive mode and monitoring scripts
   * use it), and every 50th batch on a fresh connection (2,000 connections opened and closed). Each
   * reply must carry the id of its own request line, in order: a reply lost, doubled or swapped shows.
   */
  it('answers every batch of lines written at once, in order, and keeps serving', async () => {
    const batch = fc.array(lines.filter((l) => !l.includes('\n') && l.trim() !== ''), { minLength: 1, maxLength: 5 });
    const client = new LineClient(running.socketPath);
    let n = 0;
    let fresh = 0;
    try {
      await fuzzAsync('control/server', batch, async (ls) => {
        const payload = `${ls.join('\n')}\n`;
        let replies: string[];
        if (n++ % 50 === 0) {
          fresh += 1;
          replies = (await exchange(running.socketPath, payload, ls.length)).lines;
        } else {
          replies = await client.exchange(payload, ls.length);
        }
        must(replies.length === ls.length, `${replies.length} replies for ${ls.length} requests`);
        replies.forEach((r, i) => {
          const reply = JSON.parse(r) as { id?: unknown; error?: { code?: string } };
          must(!reply.error || reply.error.code !== 'internal', `internal: ${r}`);
          const parsed = parseRequestLine(ls[i]!);
          const expected = parsed.ok ? parsed.request.id : parsed.id;
          must(JSON.stringify(reply.id ?? null) === JSON.stringify(expected ?? null), () => `reply ${i} has id ${JSON.stringify(reply.id)}, its request ${JSON.stringify(expected)}`);
        });
      });
    } finally {
      client.close();
    }
    expect(fresh).toBeGreaterThan(0);
    expect(logLines).toBeGreaterThan(0);
    expect(running.server.health().counters['internalErrors']).toBe(0);
    const { lines: last } = await exchange(running.socketPath, '{"id":1,"cmd":"status","args":{}}\n');
    expect(JSON.parse(last[0]!).ok).toBe(true);
  }, 600_000);
});
