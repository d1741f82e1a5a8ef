import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../../../src/cli/render.js';
import { displayWidth, renderFields, renderTable, truncate } from '../../../src/cli/table.js';

describe('renderTable', () => {
  it('aligns columns two spaces apart with no trailing spaces', () => {
    const text = renderTable(['NAME', 'STATE', 'NOTE'], [
      ['store', 'ok', ''],
      ['device:entry-scanner', 'degraded', 'ENOENT'],
    ]);
    expect(text.split('\n')).toEqual([
      'NAME                  STATE     NOTE',
      'store                 ok',
      'device:entry-scanner  degraded  ENOENT',
    ]);
  });

  it('counts wide characters as two cells so plates line up', () => {
    expect(displayWidth('桂P·12345')).toBe(9); // 桂 counts 2
    const text = renderTable(['PLATE', 'LANE'], [['桂P·12345', 'v1'], ['29A-123.45', 'v2']]);
    const [, a, b] = text.split('\n');
    expect(displayWidth(a!.slice(0, a!.indexOf('v1')))).toBe(displayWidth(b!.slice(0, b!.indexOf('v2'))));
  });

  it('keeps each row on one line and cuts long cells', () => {
    const text = renderTable(['ERR'], [['line one\nline two\tend'], ['x'.repeat(100)]], { maxCellWidth: 20 });
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('line one ⏎ line two…');
    expect(displayWidth(lines[2]!)).toBe(20);
    expect(lines[2]!.endsWith('…')).toBe(true);
  });

  it('says (none) for an empty table', () => {
    expect(renderTable(['A', 'B'], [])).toBe('A  B\n(none)');
  });

  it('truncate leaves short text alone and cuts wide text on a character boundary', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('桂桂桂', 4)).toBe('桂…');
  });
});

describe('renderFields and renderBlocks', () => {
  it('pads labels to one width', () => {
    expect(renderFields([['lane', 'gate-3'], ['uptime', '5s']])).toBe('lane    gate-3\nuptime  5s');
  });

  it('joins blocks with newlines and ends with one', () => {
    expect(renderBlocks([{ kind: 'text', text: 'hello' }, { kind: 'fields', rows: [['a', 'b']] }])).toBe('hello\na  b\n');
    expect(renderBlocks([])).toBe('');
  });
});
