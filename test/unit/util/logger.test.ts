import { describe, expect, it } from 'vitest';
import { LogHub, REDACTED } from '../../../src/util/logger.js';
import { LogCapture } from '../../helpers/log-capture.js';

function hub(opts: { now?: () => number; level?: 'info' | 'debug' } = {}) {
  const sink = new LogCapture();
  const logHub = new LogHub({ destination: sink, lane: 'mc-p1', ...opts });
  return { sink, logHub };
}

describe('LogHub', () => {
  it('puts lane, component and device on every line of a child', () => {
    const { sink, logHub } = hub();
    logHub.child('scanner', { device: 'entry-qr' }).info('port opened');
    expect(sink.lines[0]).toMatchObject({ lane: 'mc-p1', component: 'scanner', device: 'entry-qr', level: 'info', msg: 'port opened' });
  });

  it('redacts personal data at the top level and nested, keeping other fields', () => {
    const { sink, logHub } = hub();
    const log = logHub.child('lane');
    log.info({ documentNumber: 'C01X00T47', qrPayload: 'HC1:6BFOXN', passage: 7 }, 'decided');
    log.info({ evidence: { documentNumber: 'B1234567', score: 0.9 } }, 'evidence');
    log.info({ passage: { face: { template: [0.1, 0.2] } } }, 'face');
    const all = sink.raw.join('\n');
    expect(all).not.toContain('C01X00T47');
    expect(all).not.toContain('HC1:6BFOXN');
    expect(all).not.toContain('B1234567');
    expect(all).not.toContain('0.1,0.2');
    expect(sink.lines[0]).toMatchObject({ documentNumber: REDACTED, qrPayload: REDACTED, passage: 7 });
    expect(sink.lines[1]).toMatchObject({ evidence: { documentNumber: REDACTED, score: 0.9 } });
    expect(sink.lines[2]).toMatchObject({ passage: { face: { template: REDACTED } } });
  });

  it('folds identical warnings inside the window into one line with a repeat count', () => {
    let now = 1_000;
    const { sink, logHub } = hub({ now: () => now });
    const log = logHub.child('scanner', { device: 'entry-qr' });
    for (let i = 0; i < 50; i++) log.warn({ err: new Error('ENOENT /dev/ttyUSB0') }, 'port missing');
    expect(sink.find('port missing')).toHaveLength(1);
    now += 10_001;
    log.warn({ err: new Error('ENOENT /dev/ttyUSB0') }, 'port missing');
    const lines = sink.find('port missing');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ repeated: 49 });
  });

  it('does not fold warnings from different devices or different messages', () => {
    const { sink, logHub } = hub();
    logHub.child('scanner', { device: 'a' }).warn('port missing');
    logHub.child('scanner', { device: 'b' }).warn('port missing');
    logHub.child('scanner', { device: 'a' }).warn('bad frame');
    expect(sink.lines).toHaveLength(3);
  });

  it('never folds info lines', () => {
    const { sink, logHub } = hub();
    const log = logHub.child('lane');
    for (let i = 0; i < 5; i++) log.info('passage decided');
    expect(sink.find('passage decided')).toHaveLength(5);
  });

  it('changes the level of every existing child at run time', () => {
    const { sink, logHub } = hub({ level: 'info' });
    const a = logHub.child('a');
    const b = logHub.child('b');
    a.debug('hidden');
    logHub.setLevel('debug');
    a.debug('shown a');
    b.debug('shown b');
    logHub.setLevel('warn');
    b.info('hidden again');
    expect(sink.lines.map((l) => l.msg)).toEqual(['shown a', 'shown b']);
    expect(logHub.level).toBe('warn');
  });
});

describe('redaction depth and shapes', () => {
  it('redacts inside arrays and four levels down, and leaves errors and buffers alone', () => {
    const sink = new LogCapture();
    const log = new LogHub({ destination: sink }).child('lane');
    log.info({ batch: [{ token: 'TOKEN-SECRET-1' }, { ok: 1 }], a: { b: { c: { mrz: 'P<VNMNGUYEN' } } }, err: new Error('boom') }, 'batch');
    const all = sink.raw.join('\n');
    expect(all).not.toContain('TOKEN-SECRET-1');
    expect(all).not.toContain('P<VNMNGUYEN');
    expect(sink.lines[0]).toMatchObject({ batch: [{ token: REDACTED }, { ok: 1 }], a: { b: { c: { mrz: REDACTED } } }, err: { message: 'boom' } });
  });

  it('does not modify the caller\'s object', () => {
    const sink = new LogCapture();
    const record = { documentNumber: 'B1234567', nested: { qr: 'HC1:XYZ' } };
    new LogHub({ destination: sink }).child('lane').info(record, 'x');
    expect(record).toEqual({ documentNumber: 'B1234567', nested: { qr: 'HC1:XYZ' } });
  });
});
