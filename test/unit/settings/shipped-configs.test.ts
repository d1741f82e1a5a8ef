import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES } from '../../../drivers/config-schemas.js';
import { formatIssue, loadConfigFile } from '../../../src/settings/index.js';

const projectFile = (relative: string) => new URL(`../../../${relative}`, import.meta.url).pathname;

describe('configs shipped in config/', () => {
  it('demo.yaml validates, points editors at the schema and uses no real hardware', () => {
    const path = projectFile('config/demo.yaml');
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./lane.schema.json');
    const result = loadConfigFile(path, { env: {}, cwd: '/work/project' });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.config.lane).toEqual({ id: 'demo-people-1', site: 'mongcai', kind: 'people', direction: 'entry', name: 'Demo people lane 1' });
    expect(result.config.mqtt.enabled).toBe(false);
    expect(result.config.storage.dataDir).toBe('/work/project/var');
    expect(result.config.devices.map((d) => d.type)).toEqual(['fake-io']);
    const io = result.config.devices[0];
    expect(io?.type === 'fake-io' && io.lines.map((l) => `${l.name}:${l.direction}`)).toEqual([
      'entry-door:out', 'exit-door:out', 'entry-beam:in', 'exit-beam:in', 'emergency:in',
    ]);
  });

  for (const example of ['people-lane', 'vehicle-lane']) {
    it(`examples/${example}.yaml validates with absolute paths and TLS`, () => {
      // The secrets file named in the example exists only on a lane PC, so its check is skipped here.
      const result = loadConfigFile(projectFile(`config/examples/${example}.yaml`), { env: {}, checkSecrets: false, cwd: '/nowhere' });
      if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
      const { config } = result;
      expect(config.storage.dataDir).toBe(`/var/lib/lane-controller/${config.lane.id}`);
      expect(config.control.socketPath).toBe(`/run/lane-controller/${config.lane.id}.sock`);
      expect(config.secretsFile).toBe(`/etc/lane-controller/${config.lane.id}.secrets.yaml`);
      expect(config.mqtt.url.startsWith('mqtts://')).toBe(true);
      expect(config.mqtt.tls?.certFile).toBeDefined();
      expect(config.devices.some((d) => d.type === 'serial-line-scanner' && d.path.startsWith('/dev/serial/by-id/'))).toBe(true);
      expect(config.devices.every((d) => DEVICE_TYPES.includes(d.type))).toBe(true);
    });
  }
});
