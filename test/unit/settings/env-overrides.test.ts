import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../src/settings/index.js';
import { issueLines, LANE_HEADER } from './helpers.js';

const validate = (text: string, env: NodeJS.ProcessEnv) => validateConfigText(text, { env, cwd: '/srv/lane' });

describe('environment overrides', () => {
  it('sets nested keys, matching camelCase case-insensitively and parsing YAML scalars', () => {
    const result = validate(`${LANE_HEADER}log:\n  level: info\n`, {
      LANE__LOG__LEVEL: 'debug',
      LANE__MQTT__ENABLED: 'true',
      LANE__MQTT__URL: 'mqtts://broker.example:8883',
      LANE__MQTT__PROTOCOLVERSION: '4',
      LANE__MQTT__TLS__CAFILE: '/etc/ca.pem',
      LANE__STORAGE__DATADIR: '/data/lane',
      LANE__POLICY__FACEMATCHTHRESHOLD: '0.62',
      LANE__CONTROL__SOCKETMODE: '0640',
      LANE__LANE__ID: '007',
      UNRELATED: 'x',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.log.level).toBe('debug');
    expect(result.config.mqtt.enabled).toBe(true);
    expect(result.config.mqtt.url).toBe('mqtts://broker.example:8883');
    expect(result.config.mqtt.protocolVersion).toBe(4);
    expect(result.config.mqtt.tls).toEqual({ caFile: '/etc/ca.pem', rejectUnauthorized: true });
    expect(result.config.storage.dataDir).toBe('/data/lane');
    expect(result.config.storage.evidenceDir).toBe('/data/lane/evidence');
    expect(result.config.policy.faceMatchThreshold).toBe(0.62);
    // Text keys keep the raw string: YAML would read 0640 as 640 and 007 as 7.
    expect(result.config.control.socketMode).toBe('0640');
    expect(result.config.lane.id).toBe('007');
    expect(result.overrides).toContain('mqtt.url from LANE__MQTT__URL');
  });

  it('reports an override naming an unknown key, with a suggestion', () => {
    expect(issueLines(validate(LANE_HEADER, { LANE__MQTT__URLL: 'mqtt://x' }))).toEqual([
      "mqtt.urll: unknown key 'URLL' in environment variable LANE__MQTT__URLL; did you mean 'url'?",
    ]);
    expect(issueLines(validate(LANE_HEADER, { LANE__LOGG__LEVEL: 'debug' }))).toEqual([
      "logg: unknown key 'LOGG' in environment variable LANE__LOGG__LEVEL; did you mean 'log'?",
    ]);
  });

  it('validates override values like values in the file', () => {
    expect(issueLines(validate(LANE_HEADER, { LANE__MQTT__ENABLED: 'sometimes', LANE__LOG__LEVEL: 'loud' }))).toEqual([
      "log.level: expected one of \"fatal\"|\"error\"|\"warn\"|\"info\"|\"debug\"|\"trace\"|\"silent\", got 'loud'",
      'mqtt.enabled: expected boolean, received string',
    ]);
  });

  it('refuses to set whole sections, lists and malformed names', () => {
    expect(
      issueLines(validate(LANE_HEADER, { LANE__MQTT: 'x', LANE__DEVICES__0__NAME: 'x', LANE__LOG____LEVEL: 'x' })),
    ).toEqual([
      'devices: LANE__DEVICES__0__NAME: only keys of sections can be set from the environment, not inside this value',
      'env LANE__LOG____LEVEL: malformed override name; expected LANE__<SECTION>__<KEY>',
      'mqtt: LANE__MQTT names a whole section; only single keys can be set from the environment',
    ]);
  });

  it('rejects a value that is a list or mapping', () => {
    expect(issueLines(validate(LANE_HEADER, { LANE__POLICY__READWINDOWSECONDS: '[1, 2]' }))).toEqual([
      'policy.readWindowSeconds: value of LANE__POLICY__READWINDOWSECONDS must be a single value, not a list or mapping',
    ]);
  });
});
