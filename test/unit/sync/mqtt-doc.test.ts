import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyCommand } from '../../../src/sync/commands/verify-command.js';
import { exampleKeys } from '../../../src/sync/wire/examples.js';
import { expectWireValid } from './support/json-schema-check.js';

const DOC = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'mqtt.md'), 'utf8');

/** Every ```json block right after a `<!-- schema: NAME -->` marker. */
function examples(): { schema: string; json: unknown }[] {
  const out: { schema: string; json: unknown }[] = [];
  const re = /<!-- schema: ([a-z-]+) -->\s*```json\n([\s\S]*?)```/g;
  for (let m = re.exec(DOC); m !== null; m = re.exec(DOC)) out.push({ schema: m[1]!, json: JSON.parse(m[2]!) });
  return out;
}

describe('docs/mqtt.md', () => {
  it('every marked example is valid against its published JSON Schema', () => {
    const found = examples();
    expect(found.length).toBeGreaterThanOrEqual(10);
    for (const e of found) expectWireValid(e.schema, e.json);
  });

  it('the command example really verifies with the documented example public key', () => {
    const { publicKey, publicKeyBase64 } = exampleKeys();
    expect(DOC).toContain(publicKeyBase64);
    const cmd = examples().find((e) => e.schema === 'cmd-set-mode')!.json;
    const r = verifyCommand('set-mode', Buffer.from(JSON.stringify(cmd)), {
      site: 'mongcai',
      lane: 'p-entry-03',
      keys: [publicKey],
      now: Date.parse('2026-03-01T08:01:00.000Z'),
      maxBytes: 65536,
      clockSkewMs: 120_000,
      maxLifetimeMs: 86_400_000,
    });
    expect(r.ok).toBe(true);
  });

  it('links every schema file it mentions', () => {
    for (const m of DOC.matchAll(/\(schemas\/mqtt\/([a-z-]+)\.json\)/g)) expect(() => readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'schemas', 'mqtt', `${m[1]}.json`))).not.toThrow();
  });
});
