import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../src/settings/index.js';
import { LANE_HEADER } from './helpers.js';

describe('defaults and path resolution', () => {
  it('fills every section from the schema defaults and resolves paths against the working directory', () => {
    const result = validateConfigText(LANE_HEADER, { env: {}, cwd: '/srv/lane' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toEqual({
      lane: { id: 'test-lane', site: 'testsite', kind: 'people', direction: 'entry' },
      log: { level: 'info' },
      storage: { dataDir: '/srv/lane/var', evidenceDir: '/srv/lane/var/evidence', evidenceQuotaMb: 2048, evidenceRetentionDays: 30 },
      control: { socketPath: '/srv/lane/var/lanectl.sock', socketMode: '0660', maxRequestBytes: 65536 },
      mqtt: {
        enabled: false,
        url: 'mqtt://127.0.0.1:1883',
        protocolVersion: 5,
        keepaliveSeconds: 30,
        topicPrefix: 'bg/v1',
        drainRatePerSecond: 200,
        maxInflight: 64,
        clockSkewSeconds: 120,
        maxCommandLifetimeSeconds: 86400,
        outboxQuotaMb: 512,
        maxEvidenceKb: 1024,
        evidence: 'on-refer',
        telemetrySeconds: 60,
      },
      policy: {
        maxListAgeMinutes: 1440,
        faceMatchThreshold: 0.5,
        presentationAttackThreshold: 0.5,
        readWindowSeconds: 30,
        requireDriverCredential: false,
      },
      watchdog: { maxEventLoopLagMs: 1000 },
      display: { enabled: true, host: '127.0.0.1', port: 8090, languages: ['vi', 'zh', 'en'], maxClients: 16 },
      devices: [],
    });
  });

  it('fills the defaults of keys in a partly written section and of devices', () => {
    const text = `${LANE_HEADER}storage:
  dataDir: data
  evidenceDir: /mnt/evidence
mqtt:
  enabled: true
  url: mqtts://broker:8883
  tls: { caFile: pki/ca.pem }
secretsFile: lane.secrets.yaml
devices:
  - type: serial-line-scanner
    name: qr
    path: /dev/serial/by-id/usb-x
    role: entry
  - type: fake-io
    name: io
    lines: [ { name: door, direction: out } ]
`;
    const result = validateConfigText(text, { env: {}, cwd: '/srv/lane' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.storage.dataDir).toBe('/srv/lane/data');
    expect(result.config.storage.evidenceDir).toBe('/mnt/evidence');
    expect(result.config.control.socketPath).toBe('/srv/lane/data/lanectl.sock');
    expect(result.config.mqtt.tls).toEqual({ caFile: '/srv/lane/pki/ca.pem', rejectUnauthorized: true });
    expect(result.config.secretsFile).toBe('/srv/lane/lane.secrets.yaml');
    expect(result.config.devices).toEqual([
      {
        type: 'serial-line-scanner',
        name: 'qr',
        path: '/dev/serial/by-id/usb-x',
        baudRate: 9600,
        suffix: 'cr',
        interByteTimeoutMs: 50,
        livenessTimeoutMs: null,
        role: 'entry',
        aimIds: false,
        readWindow: 'always',
      },
      { type: 'fake-io', name: 'io', lines: [{ name: 'door', direction: 'out', activeLow: false }] },
    ]);
  });
});
