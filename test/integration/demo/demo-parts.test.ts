import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMrz } from '../../../src/credentials/index.js';
import { fillTemplate, renderDemoConfigs } from '../../../src/demo/demo-configs.js';
import { demoLists, loadOrCreateDemoData } from '../../../src/demo/demo-data.js';
import { ensureDemoKeys, writeLaneSecrets } from '../../../src/demo/demo-keys.js';
import { demoPassport } from '../../../src/demo/demo-mrz.js';
import { demoPaths } from '../../../src/demo/demo-paths.js';
import { loadConfigFile, validateConfigText } from '../../../src/settings/index.js';
import { ROOT } from '../../helpers/daemon-process.js';

/**
 * The demo's generated material, checked with the project's own parsers: the lane configs the
 * templates produce validate (flow wiring included), the fictional passport's MRZ is valid, the keys and
 * secrets files are private and load as the daemon loads them.
 */
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'lane-demo-parts-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('demo material', () => {
  it('fills every placeholder and refuses a template with one it has no value for', () => {
    expect(fillTemplate('a: ${X}\nb: ${Y}', { X: '1', Y: 'two' })).toBe('a: 1\nb: two');
    expect(() => fillTemplate('a: ${X}\nb: ${TYPO}', { X: '1' })).toThrow(/no value for TYPO/);
  });

  for (const faces of [null, { kind: 'folder', path: '/tmp/my-photos' } as const]) {
    it(`the people and vehicle configs validate with the flow section (faces ${faces === null ? 'off' : 'on'})`, () => {
      const texts = renderDemoConfigs(ROOT, {
        demoDir: '/tmp/demo-x', site: 'mongcai', logLevel: 'info', brokerUrl: 'mqtt://127.0.0.1:1883',
        peopleDisplayPort: 8090, vehicleDisplayPort: 8091, plcPort: 4841, faces,
      });
      for (const [lane, text] of Object.entries(texts)) {
        const r = validateConfigText(text, { env: {} });
        if (!r.ok) throw new Error(`${lane}: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
        expect(text).toContain('flow:');
      }
      expect(texts.people).toContain(`requireFace: ${faces === null ? 'false' : 'true'}`);
      if (faces) expect(texts.people).toContain('faceCamera: face-cam');
    });
  }

  it("makes a fictional passport whose MRZ is valid today (check digits, dates)", () => {
    const p = demoPassport('D12345678', new Date('2026-12-04T00:00:00Z'));
    const r = parseMrz([...p.lines]);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.valid).toBe(true);
      expect(r.documentNumber).toBe('D12345678');
      expect(r.format).toBe('TD3');
    }
  });

  it('keeps the keys, data and lane secrets private, and the daemon accepts the secrets file', () => {
    const dir = tempDir();
    const paths = demoPaths(dir);
    const keys = ensureDemoKeys(paths);
    expect(keys.created).toBe(true);
    expect(ensureDemoKeys(paths).created).toBe(false); // kept across starts
    expect(ensureDemoKeys(paths).centralPublicKey).toBe(keys.centralPublicKey);
    for (const f of [paths.centralKey, paths.siteKey]) expect(statSync(f).mode & 0o777).toBe(0o600);
    const data = loadOrCreateDemoData(paths.dataFile);
    expect(statSync(paths.dataFile).mode & 0o777).toBe(0o600);
    expect(loadOrCreateDemoData(paths.dataFile)).toEqual(data);

    const secrets = join(dir, 'lane.secrets.yaml');
    writeLaneSecrets(secrets, keys);
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    const config = join(dir, 'lane.yaml');
    writeFileSync(config, `lane: { id: t-1, site: mongcai, kind: people, direction: entry }\nstorage: { dataDir: ${dir} }\nsecretsFile: ${secrets}\n`);
    const loaded = loadConfigFile(config, { env: {} });
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
    expect(loaded.secrets.siteHmacKey).toBe(keys.siteHmacKey);
    expect(loaded.secrets.centralPublicKeys).toHaveLength(1);
    expect(readFileSync(secrets, 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('lists every cache list at one version, with the revoked token revoked and cargo on hold for one vehicle', () => {
    const data = loadOrCreateDemoData(join(tempDir(), 'data.json'));
    const lists = demoLists(data);
    expect(Object.keys(lists).sort()).toEqual(['cargo', 'credentials', 'face-templates', 'subjects', 'vehicles', 'watchlist']);
    expect(new Set(Object.values(lists).map((l) => l.version))).toEqual(new Set([data.version]));
    expect(lists.credentials!.rows).toContainEqual(expect.objectContaining({ value: data.qr.revoked, status: 'revoked' }));
    expect(lists.cargo!.rows).toContainEqual(expect.objectContaining({ vehicleId: data.vehicles.onHold.vehicleId, status: 'hold' }));
    expect(new Set(Object.values(data.vehicles).map((v) => v.epc)).size).toBe(3);
  });
});
