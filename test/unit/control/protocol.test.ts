import { describe, expect, it } from 'vitest';
import { encodeReply, parseReplyLine, parseRequestLine } from '../../../src/control/protocol.js';

describe('parseRequestLine', () => {
  it('accepts a well-formed request and defaults args to {}', () => {
    expect(parseRequestLine('{"id":1,"cmd":"status"}')).toEqual({ ok: true, request: { id: 1, cmd: 'status', args: {} } });
    expect(parseRequestLine('{"id":"x","cmd":" log level ","args":{"level":"debug"}}')).toEqual({
      ok: true,
      request: { id: 'x', cmd: 'log level', args: { level: 'debug' } },
    });
  });

  it.each([
    ['', 'bad_json'],
    ['{', 'bad_json'],
    ['42', 'bad_request'],
    ['true', 'bad_request'],
    ['[]', 'bad_request'],
    ['{"id":1,"cmd":""}', 'bad_request'],
    ['{"id":1,"cmd":7}', 'bad_request'],
    ['{"id":1,"cmd":"status","args":"x"}', 'bad_request'],
    ['{"id":1,"cmd":"status","args":null}', 'bad_request'],
    ['{"id":null,"cmd":"status"}', 'bad_request'],
    [`{"id":"${'x'.repeat(200)}","cmd":"status"}`, 'bad_request'],
  ])('refuses %j with %s', (line, code) => {
    const parsed = parseRequestLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe(code);
      expect(parsed.error.message.length).toBeGreaterThan(10);
    }
  });

  it('keeps a usable id on a refused request so the client can match it', () => {
    const parsed = parseRequestLine('{"id":"q7","cmd":false}');
    expect(parsed).toMatchObject({ ok: false, id: 'q7' });
  });
});

describe('parseReplyLine', () => {
  it('round-trips both reply shapes', () => {
    const ok = encodeReply({ id: 3, ok: true, result: { a: 1 } });
    const err = encodeReply({ id: null, ok: false, error: { code: 'too_large', message: 'm' } });
    expect(ok.endsWith('\n')).toBe(true);
    expect(parseReplyLine(ok.trim())).toEqual({ id: 3, ok: true, result: { a: 1 } });
    expect(parseReplyLine(err.trim())).toEqual({ id: null, ok: false, error: { code: 'too_large', message: 'm' } });
  });

  it('returns null for lines that are not replies', () => {
    for (const line of ['nope', '{}', '{"ok":"yes"}', '{"ok":false}', '{"ok":false,"error":{"code":1}}', '[]']) {
      expect(parseReplyLine(line)).toBeNull();
    }
  });
});
