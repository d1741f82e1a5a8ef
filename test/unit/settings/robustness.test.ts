import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateConfigText } from '../../../src/settings/index.js';

const check = (text: string, env: NodeJS.ProcessEnv = {}) => {
  const result = validateConfigText(text, { env, cwd: '/srv/lane' });
  if (!result.ok) {
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0);
  }
  return result;
};

describe('bad input gives reasons, never a crash', () => {
  it('arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void check(text)), { numRuns: 300 });
  });

  it('arbitrary YAML structures around the lane sections', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, 0, -1, 0.5, '', 'x', 'fake-io', 'serial-line-scanner', '0660'),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('lane', 'id', 'type', 'name', 'devices', 'lines', 'mqtt', 'tls', 'level', 'zz'), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(fc.property(value, (doc) => void check(stringify(doc))), { numRuns: 300 });
  });

  it('arbitrary LANE__ environment overrides', () => {
    const name = fc.array(fc.constantFrom('MQTT', 'URL', 'LOG', 'LEVEL', 'TLS', 'CAFILE', 'DEVICES', '0', 'X', ''), { minLength: 1, maxLength: 4 });
    const env = fc.dictionary(name.map((parts) => `LANE__${parts.join('__')}`), fc.string({ maxLength: 20 }), { maxKeys: 4 });
    fc.assert(fc.property(env, (vars) => void check('lane: { id: a, site: b, kind: people, direction: exit }\n', vars)), { numRuns: 300 });
  });
});
