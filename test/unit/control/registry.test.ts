import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineLocalCommand, defineRemoteCommand, UsageError } from '../../../src/control/command-spec.js';
import { COMMANDS } from '../../../src/control/commands/index.js';
import { dispatchRequest } from '../../../src/control/dispatch.js';
import { CommandRegistry } from '../../../src/control/registry.js';
import { FakeContext } from './harness.js';

const noop = (name: string) =>
  defineRemoteCommand({
    name,
    summary: 's',
    usage: '',
    args: z.object({}).strict(),
    parseCli: () => ({}),
    handle: () => null,
    formatHuman: () => [],
  });

describe('the command registry', () => {
  it('holds the commands of this issue, each with a summary and a CLI parser', () => {
    const registry = new CommandRegistry(COMMANDS);
    // Later issues add more; these must stay.
    expect(registry.all().map((c) => c.name)).toEqual(
      expect.arrayContaining(['status', 'health', 'version', 'config check', 'config reload', 'log level']),
    );
    for (const command of registry.all()) {
      expect(command.summary.length).toBeGreaterThan(10);
      expect(typeof command.parseCli).toBe('function');
    }
    expect(registry.remote('config check')).toBeUndefined();
    expect(registry.get('config check')?.local).toBe(true);
  });

  it('refuses duplicate and malformed names', () => {
    expect(() => new CommandRegistry([noop('status'), noop('status')])).toThrow(/registered twice/);
    expect(() => new CommandRegistry([noop('Status')])).toThrow(/lower-case words/);
    expect(() => new CommandRegistry([noop('log  level')])).toThrow(/single spaces/);
  });

  it('matches the longest multi-word name and hands over the rest', () => {
    const registry = new CommandRegistry([noop('events'), noop('events tail'), noop('config reload')]);
    expect(registry.match(['events', 'tail', '5'])).toMatchObject({ command: { name: 'events tail' }, rest: ['5'] });
    expect(registry.match(['events', 'x'])).toMatchObject({ command: { name: 'events' }, rest: ['x'] });
    expect(registry.match(['config'])).toBeNull();
    expect(registry.startingWith(['config']).map((c) => c.name)).toEqual(['config reload']);
  });
});

describe('command CLI parsers', () => {
  const registry = new CommandRegistry(COMMANDS);
  const parse = (name: string, rest: string[]): unknown => registry.get(name)!.parseCli(rest);

  it('accept what they document', () => {
    expect(parse('status', [])).toEqual({});
    expect(parse('log level', [])).toEqual({});
    expect(parse('log level', ['debug'])).toEqual({ level: 'debug' });
    expect(parse('config check', ['lane.yaml'])).toEqual({ file: 'lane.yaml' });
    expect(parse('config check', ['--', '-odd.yaml'])).toEqual({ file: '-odd.yaml' });
  });

  it.each([
    ['status', ['extra']],
    ['health', ['--all']],
    ['log level', ['loud']],
    ['log level', ['debug', 'info']],
    ['config check', []],
    ['config check', ['a.yaml', 'b.yaml']],
    ['config check', ['--strict', 'a.yaml']],
  ])('refuse %s %j with a UsageError', (name, rest) => {
    expect(() => parse(name, rest)).toThrow(UsageError);
  });
});

describe('dispatchRequest', () => {
  it('validates args with the command schema before the handler sees them', async () => {
    const ctx = new FakeContext();
    const registry = new CommandRegistry(COMMANDS);
    const refused = await dispatchRequest(registry, ctx, { id: 1, cmd: 'log level', args: { level: 'LOUD' } });
    expect(refused.reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(refused.reply.ok ? '' : refused.reply.error.message).toMatch(/^log level: args\.level: /);
    expect(ctx.level).toBe('info');
  });

  it('turns undefined results into null so the reply keeps a result field', async () => {
    const registry = new CommandRegistry([
      defineRemoteCommand({ ...noop('quiet'), handle: () => undefined }),
      defineLocalCommand({ name: 'offline', local: true, summary: 's', usage: '', parseCli: () => ({}), runLocal: async () => ({ exitCode: 0, json: {}, human: [] }) }),
    ]);
    const { reply } = await dispatchRequest(registry, new FakeContext(), { id: 'q', cmd: 'quiet', args: {} });
    expect(JSON.parse(JSON.stringify(reply))).toEqual({ id: 'q', ok: true, result: null });
    const offline = await dispatchRequest(registry, new FakeContext(), { id: 'o', cmd: 'offline', args: {} });
    expect(offline.reply).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
  });
});

describe('log level list', () => {
  it('matches the logger module (kept separate so lanectl does not load pino)', async () => {
    const { LOG_LEVELS: cli } = await import('../../../src/control/commands/log-level.js');
    const { LOG_LEVELS: logger } = await import('../../../src/util/logger.js');
    expect([...cli]).toEqual([...logger]);
  });
});
