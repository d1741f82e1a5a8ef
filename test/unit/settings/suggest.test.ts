import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../../../src/settings/suggest.js';

describe('nearest-key suggestion', () => {
  it('measures edit distance case-insensitively', () => {
    expect(editDistance('levl', 'level')).toBe(1);
    expect(editDistance('BAUDRATE', 'baudRate')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only close keys', () => {
    const keys = ['enabled', 'url', 'clientId', 'protocolVersion', 'keepaliveSeconds', 'username', 'tls', 'topicPrefix'];
    expect(nearest('usernme', keys)).toBe('username');
    expect(nearest('keepAlive', keys)).toBeUndefined();
    expect(nearest('password', keys)).toBeUndefined();
    expect(nearest('serial-scaner', ['fake-io', 'serial-line-scanner'])).toBe('serial-line-scanner');
    expect(nearest('serial', ['serial-line-scanner', 'serial-mrz-reader'])).toBeUndefined();
  });
});
