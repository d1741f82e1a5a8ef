import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES } from '../../../drivers/config-schemas.js';
import { formatIssue, validateConfigText } from '../../../src/settings/index.js';
import { issueLines, LANE_HEADER } from './helpers.js';

const validate = (text: string) => validateConfigText(text, { env: {}, sourceName: 'lane.yaml', cwd: '/srv/lane' });

describe('validation errors', () => {
  it('lists every mistake at once, each with its path and line', () => {
    const text = `lane:
  id: Lane_1
  site: mongcai
  kind: people
  direction: entry
log:
  level: loud
devices:
  - type: serial-line-scanner
    name: qr-entry
    path: /dev/ttyACM0
    baudRate: 9601
    role: entry
`;
    const result = validate(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(['lane.id', 'log.level', 'devices[0].baudRate']);
    expect(result.issues.map((i) => i.line)).toEqual([2, 7, 12]);
    expect(issueLines(result)[1]).toBe('log.level: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent", got \'loud\'');
  });

  it('rejects an unknown key and suggests the nearest valid one', () => {
    const lines = issueLines(validate(`${LANE_HEADER}log:\n  levl: debug\n`));
    expect(lines).toEqual(["log.levl: unknown key 'levl'; did you mean 'level'?"]);
  });

  it('suggests keys inside a device, using the schema of that device type', () => {
    const text = `${LANE_HEADER}devices:
  - { type: serial-line-scanner, name: qr, path: /dev/x, role: entry, baudrate: 9600 }
`;
    expect(issueLines(validate(text))).toEqual(["devices[0].baudrate: unknown key 'baudrate'; did you mean 'baudRate'?"]);
  });

  it('gives no suggestion when nothing is close', () => {
    expect(issueLines(validate(`${LANE_HEADER}colour: blue\n`))).toEqual(["colour: unknown key 'colour'"]);
  });

  it('lists the valid device types for an unknown type, with a suggestion', () => {
    const lines = issueLines(validate(`${LANE_HEADER}devices:\n  - { type: relay-barier, name: gate }\n`));
    expect(lines).toEqual([
      `devices[0].type: unknown device type 'relay-barier'; valid types: ${DEVICE_TYPES.join(', ')}; did you mean 'relay-barrier'?`,
    ]);
    expect(DEVICE_TYPES).toEqual(expect.arrayContaining(['fake-io', 'serial-line-scanner', 'relay-barrier']));
  });

  it('reports a missing device type', () => {
    expect(issueLines(validate(`${LANE_HEADER}devices:\n  - { name: qr }\n`))).toEqual([
      `devices[0].type: missing device type; valid types: ${DEVICE_TYPES.join(', ')}`,
    ]);
  });

  it('rejects duplicate device names and duplicate line names', () => {
    const text = `${LANE_HEADER}devices:
  - { type: fake-io, name: io, lines: [ { name: door, direction: out }, { name: door, direction: in } ] }
  - { type: serial-line-scanner, name: io, path: /dev/x, role: any }
`;
    expect(issueLines(validate(text))).toEqual([
      "devices[0].lines[1].name: duplicate line name 'door' (also used by lines[0])",
      "devices[1].name: duplicate device name 'io' (also used by devices[0])",
    ]);
  });

  it('reports missing required keys and a missing lane section', () => {
    expect(issueLines(validate('lane:\n  id: a\n  site: b\n  kind: people\n'))).toEqual([
      'lane.direction: required key is missing (expected one of "entry"|"exit")',
    ]);
    expect(issueLines(validate('log: { level: info }\n'))).toEqual(['lane: required key is missing (expected object)']);
    expect(issueLines(validate('lane:\n  site: b\n  kind: people\n  direction: exit\n'))).toEqual([
      'lane.id: required key is missing (expected string)',
    ]);
  });

  it('gives YAML syntax errors with file:line:column', () => {
    const result = validate(`${LANE_HEADER}log:\n  level: [info\nmqtt: {}\n`);
    const lines = issueLines(result);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^lane\.yaml:\d+:\d+: YAML syntax error: /);
    expect(!result.ok && result.issues[0]?.line).toBeGreaterThanOrEqual(7);
  });

  it('reports duplicate YAML keys as syntax errors with their line', () => {
    const lines = issueLines(validate(`${LANE_HEADER}log: { level: info }\nlog: { level: debug }\n`));
    expect(lines).toEqual(['lane.yaml:7:1: YAML syntax error: Map keys must be unique (DUPLICATE_KEY)']);
  });

  it('explains empty files and non-mapping documents', () => {
    expect(issueLines(validate(''))).toEqual(['(root): lane.yaml is empty (no YAML content)']);
    expect(issueLines(validate('# only a comment\n'))).toEqual(['(root): lane.yaml is empty (no YAML content)']);
    expect(issueLines(validate('- lane\n- log\n'))).toEqual([
      '(root): the top level must be a mapping of sections (lane:, devices:, ...), found a list',
    ]);
    expect(issueLines(validate('just text\n'))).toEqual([
      '(root): the top level must be a mapping of sections (lane:, devices:, ...), found a string',
    ]);
  });

  it('explains an unquoted octal socket mode', () => {
    const lines = issueLines(validate(`${LANE_HEADER}control:\n  socketMode: 0660\n`));
    expect(lines).toEqual([
      "control.socketMode: must be an octal mode in quotes, e.g. '0660' (unquoted 0660 is read by YAML as the number 660)",
    ]);
  });

  it('never echoes an MQTT URL, which may carry credentials', () => {
    const lines = issueLines(validate(`${LANE_HEADER}mqtt:\n  url: mqtts://lane:hunter2@broker:8883\n`));
    expect(lines).toEqual([
      'mqtt.url: must not contain credentials; set mqtt.username here and mqttPassword in the secrets file',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('rejects TLS options on a plain-text MQTT URL and half a client certificate', () => {
    const lines = issueLines(
      validate(`${LANE_HEADER}mqtt:\n  url: mqtt://broker:1883\n  tls: { certFile: /etc/c.pem }\n`),
    );
    expect(lines).toEqual([
      'mqtt.tls: TLS options are set but url uses plain mqtt:// or ws://; use mqtts:// or wss://',
      'mqtt.tls: a client certificate needs both certFile and keyFile',
    ]);
  });

  it('rejects a socket path longer than a Unix socket allows', () => {
    const longDir = `/srv/${'d'.repeat(120)}`;
    const lines = issueLines(validate(`${LANE_HEADER}storage:\n  dataDir: ${longDir}\n`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^control\.socketPath: resolved socket path is 1\d\d bytes; Unix sockets allow at most 107/);
  });

  it('formats a root issue as (root)', () => {
    expect(formatIssue({ path: '', message: 'x' })).toBe('(root): x');
    expect(formatIssue({ path: 'a.b[2]', message: 'y' })).toBe('a.b[2]: y');
  });
});
