import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One fleet lane's files: config, secrets (0600), data folder. Every fleet lane is a PEOPLE lane with the
 * demo's mantrap (config/demo-people.yaml without the passport reader): a serial QR scanner on the lane
 * end of a socat pty pair, two relay doors and the beams on fake io, a traffic light. No face camera
 * and no models: a vehicle lane cannot decide without its plate model, so the fleet has none.
 * Doors have no limit switches, so the driver assumes a position 500 ms (the schema's minimum travel
 * time) after the relay pulse: each passage moves a door four times, and this is what makes a passage
 * take seconds rather than milliseconds.
 */
export const SITE = 'benchsite';

export const laneId = (i: number): string => `fl-${String(i + 1).padStart(3, '0')}`;

export interface LaneFiles {
  lane: string;
  config: string;
  dataDir: string;
  socket: string;
  /** The pty end the lane's scanner driver opens (the bench's scanner simulator writes the other end). */
  scannerPath: string;
}

export interface FleetKeys {
  /** Base64 of the central Ed25519 public key (SPKI DER), as the secrets file takes it. */
  centralPublicKey: string;
  /** The site HMAC key every lane hashes identifiers with. */
  siteHmacKey: string;
}

export function lanePaths(dir: string, i: number): LaneFiles {
  const lane = laneId(i);
  const laneDir = join(dir, lane);
  return { lane, config: join(laneDir, 'lane.yaml'), dataDir: join(laneDir, 'data'), socket: join(laneDir, 'c.sock'), scannerPath: join(dir, 'pty', lane) };
}

export function writeLane(dir: string, i: number, brokerUrl: string, keys: FleetKeys): LaneFiles {
  const files = lanePaths(dir, i);
  mkdirSync(files.dataDir, { recursive: true });
  const secrets = join(dir, files.lane, 'secrets.yaml');
  writeFileSync(secrets, `siteHmacKey: "${keys.siteHmacKey}"\ncentralPublicKeys:\n  - "${keys.centralPublicKey}"\n`, { mode: 0o600 });
  chmodSync(secrets, 0o600); // the daemon refuses a secrets file others may read
  const fakeOut = (lines: string[]) => ['    io:', '      backend: fake', '      lines:', ...lines.map((l) => `        - { name: ${l}, direction: out }`)];
  writeFileSync(
    files.config,
    [
      `lane: { id: ${files.lane}, site: ${SITE}, kind: people, direction: entry }`,
      'log: { level: warn }',
      `storage: { dataDir: ${files.dataDir} }`,
      `control: { socketPath: ${files.socket} }`,
      'display: { enabled: false }',
      `mqtt: { enabled: true, url: '${brokerUrl}' }`,
      'policy: { requireFace: false }',
      `secretsFile: ${secrets}`,
      'flow:',
      '  readers: [qr-entry]',
      '  signals: lane-light',
      '  entryDoor: { barrier: entry-door, presence: [entry-beam] }',
      '  exitDoor: { barrier: exit-door, presence: [exit-beam] }',
      '  entryBeam: entry-beam',
      '  exitBeam: exit-beam',
      'devices:',
      '  - type: serial-line-scanner',
      '    name: qr-entry',
      `    path: ${files.scannerPath}`,
      '    suffix: cr',
      '    role: entry',
      '  - type: relay-barrier',
      '    name: entry-door',
      '    role: door',
      '    pulseMs: 100',
      '    travelTimeoutMs: 500',
      ...fakeOut(['open', 'close']),
      '  - type: relay-barrier',
      '    name: exit-door',
      '    role: egress-door',
      '    pulseMs: 100',
      '    travelTimeoutMs: 500',
      // An egress door must be held open in an emergency (docs/safety.md).
      ...fakeOut(['open', 'close', 'hold-open']),
      '  - type: lane-sensors',
      '    name: beams',
      '    presence: [entry-beam, exit-beam]',
      '    emergency: [emergency]',
      '    io:',
      '      backend: fake',
      '      lines:',
      '        - { name: entry-beam, direction: in }',
      '        - { name: exit-beam, direction: in }',
      '        - { name: emergency, direction: in }',
      '  - type: lane-signals',
      '    name: lane-light',
      ...fakeOut(['green', 'red', 'buzzer']),
      '',
    ].join('\n'),
  );
  return files;
}
