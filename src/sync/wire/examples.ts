import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { signEd25519 } from '../signing.js';
import type { CommandName } from './down-messages.js';

/**
 * Example messages for docs/mqtt.md and the generated JSON Schemas. They are real: the commands
 * and lists are signed with the EXAMPLE key below (its seed is public, never use it), so an
 * integrator can check a signer against them. A test validates every example against its schema.
 */
const EXAMPLE_SEED = Buffer.from('6c616e652d636f6e74726f6c6c65722d6578616d706c652d6b65792d2d2d2d21', 'hex');

/** PKCS#8 DER of an Ed25519 key is this fixed prefix followed by the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function exampleKeys(): { privateKey: KeyObject; publicKey: KeyObject; publicKeyBase64: string } {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, EXAMPLE_SEED]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  return { privateKey, publicKey, publicKeyBase64: Buffer.from(x, 'base64url').toString('base64') };
}

export const EXAMPLE_SITE = 'mongcai';
export const EXAMPLE_LANE = 'p-entry-03';
const ISSUED = '2026-03-01T08:00:00.000Z';
const EXPIRES = '2026-03-01T08:05:00.000Z';

const COMMAND_EXAMPLE_ARGS: Record<CommandName, Record<string, unknown>> = {
  open: { reason: 'officer override after manual document check' },
  close: {},
  'hold-open': { seconds: 120, reason: 'wheelchair passage' },
  'set-mode': { mode: 'free-pass', reason: 'evacuation drill' },
  snapshot: {},
  'sync-now': { resyncLists: false },
  'reload-config': {},
  'send-evidence': { ref: '2026/03/01/0195f3a2-7c1e-7d4b-9a51-3f0c2b9e8d11.face-crop.jpg' },
};

export function exampleCommand(name: CommandName): Record<string, unknown> {
  const { privateKey } = exampleKeys();
  const id = `0195f3a0-0000-7000-8000-${String(Object.keys(COMMAND_EXAMPLE_ARGS).indexOf(name)).padStart(12, '0')}`;
  const args = COMMAND_EXAMPLE_ARGS[name];
  const sig = signEd25519(privateKey, 'command', { id, issuedAt: ISSUED, expiresAt: EXPIRES, name, site: EXAMPLE_SITE, lane: EXAMPLE_LANE, args });
  return { id, issuedAt: ISSUED, expiresAt: EXPIRES, args, sig };
}

export function exampleDelta(): Record<string, unknown> {
  const { privateKey } = exampleKeys();
  const body = {
    list: 'vehicles',
    fromVersion: 41,
    toVersion: 42,
    upserts: [{ vehicleId: 'veh-8812', plate: '29A12345', plateCountry: 'VN', vehicleClass: 'truck', companyId: 'co-117' }],
    deletes: ['veh-7730'],
  };
  return { ...body, sig: signEd25519(privateKey, 'list-delta', { ...body, site: EXAMPLE_SITE }) };
}

export function exampleSnapshotChunk(): Record<string, unknown> {
  const { privateKey } = exampleKeys();
  const body = {
    list: 'vehicles',
    snapshotId: 'snap-2026-03-01-a',
    version: 42,
    chunk: 0,
    chunks: 2,
    rows: [{ vehicleId: 'veh-8812', plate: '29A12345', plateCountry: 'VN', vehicleClass: 'truck' }],
  };
  return { ...body, sig: signEd25519(privateKey, 'list-snapshot', { ...body, site: EXAMPLE_SITE }) };
}

const lane = { v: 1, site: EXAMPLE_SITE, lane: EXAMPLE_LANE };

export const UP_EXAMPLES = {
  stateOnline: {
    ...lane,
    state: 'online',
    birth: 17,
    at: '2026-03-01T07:59:58.120Z',
    software: { name: 'lane-controller', version: '0.1.0' },
    mode: 'normal',
    health: { summary: 'degraded', devices: { 'device:entry-scanner': 'ok', 'device:face-camera': 'degraded' } },
    lists: { subjects: 1203, credentials: 88120, 'face-templates': 310, vehicles: 42, cargo: 7, watchlist: 15 },
    outbox: { pending: 312, oldestAt: '2026-03-01T05:12:09.004Z', quotaUsed: 0.0006 },
  },
  stateWill: { ...lane, state: 'offline', birth: 17, at: '2026-03-01T07:59:58.120Z', reason: 'connection-lost' },
  stateShutdown: { ...lane, state: 'offline', birth: 17, at: '2026-03-01T18:00:00.000Z', reason: 'shutdown' },
  event: {
    ...lane,
    id: '0195f3a2-7c1e-7d4b-9a51-3f0c2b9e8d11',
    seq: 90211,
    type: 'event/passage',
    at: '2026-03-01T08:01:12.345Z',
    body: {
      id: '0195f3a2-7c1e-7d4b-9a51-3f0c2b9e8d10',
      lane: EXAMPLE_LANE,
      seq: 40122,
      outcome: 'granted',
      hash: '9f2c4e0b7a1d3c5e8f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6',
      prevHash: '1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff001',
    },
  },
  cmdResultAccepted: {
    ...lane,
    id: '0195f3a0-0000-7000-8000-000000000003',
    name: 'set-mode',
    status: 'accepted',
    receivedAt: '2026-03-01T08:00:00.410Z',
    finishedAt: '2026-03-01T08:00:00.455Z',
    outcome: { result: 'done', detail: 'mode free-pass' },
  },
  cmdResultRejected: {
    ...lane,
    id: '0195f3a0-0000-7000-8000-000000000000',
    name: 'open',
    status: 'rejected',
    reason: 'bad-signature',
    detail: 'signature does not verify with any configured central key for this site, lane and command',
    receivedAt: '2026-03-01T08:00:00.410Z',
    finishedAt: '2026-03-01T08:00:00.411Z',
  },
  resync: {
    ...lane,
    id: '0195f3b0-1111-7222-8333-444455556666',
    list: 'vehicles',
    haveVersion: 40,
    reason: 'gap',
    detail: 'have version 40, delta starts at 41',
    at: '2026-03-01T08:03:00.000Z',
  },
  evidence: {
    ...lane,
    id: '0195f3c0-1111-7222-8333-444455556666',
    ref: '2026/03/01/0195f3a2-7c1e-7d4b-9a51-3f0c2b9e8d11.face-crop.jpg',
    contentType: 'image/jpeg',
    bytes: 4,
    sha256: createHash('sha256').update(Buffer.from('/9j/2Q==', 'base64')).digest('hex'),
    at: '2026-03-01T08:04:00.000Z',
    data: '/9j/2Q==',
  },
  telemetry: {
    ...lane,
    at: '2026-03-01T08:05:00.000Z',
    intervalSeconds: 60,
    uptimeSeconds: 3902,
    birth: 17,
    mode: 'normal',
    health: { summary: 'ok', devices: { 'device:entry-scanner': 'ok', 'device:face-camera': 'ok' } },
    counters: { published: 1288, delivered: 1288, publishFailures: 0, commandsAccepted: 3, commandsRejected: 1, evidenceSent: 12, evidenceTooLarge: 1 },
    outbox: { pending: 0, pendingBytes: 0, oldestAt: null, quotaUsed: 0, deliveredThrough: 90211 },
    process: { cpuPercent: 7.4, rssBytes: 187695104, heapUsedBytes: 61341696, eventLoopLagMs: { p50: 10.1, p99: 14.8, max: 31.2 } },
    lists: {
      subjects: { version: 1203, rows: 48211, ageSeconds: 41 },
      vehicles: { version: 42, rows: 3120, ageSeconds: 905 },
      watchlist: { version: 0, rows: 0, ageSeconds: null },
    },
  },
} as const;
