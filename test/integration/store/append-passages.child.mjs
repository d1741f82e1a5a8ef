// Child process for the kill -9 test: appends passages to a real store (the compiled build, as
// systemd runs it) and prints each acknowledged sequence number only after append() returned,
// i.e. after the commit. Usage: node append-passages.child.mjs DATA_DIR [FULL|NORMAL]
import { writeSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const { Store } = await import(join(root, 'dist', 'src', 'store', 'index.js'));

const [dataDir, synchronous = 'FULL'] = process.argv.slice(2);
const store = new Store({
  dataDir,
  lane: 'lane-k9',
  siteKey: Buffer.from(process.env.LANE_TEST_SITE_KEY ?? '', 'hex'),
  synchronous,
  evidenceSweepIntervalMs: 3_600_000,
});
await store.start();
writeSync(1, 'ready\n');
for (let i = 0; ; i++) {
  const r = store.journal.append({
    kind: 'vehicle',
    direction: 'entry',
    stages: { presented: Date.now() },
    evidence: { plate: '29C12345', epcHash: 'ab'.repeat(32), n: i },
    outcome: i % 5 === 0 ? 'deny' : 'grant',
    reasons: i % 5 === 0 ? ['VEHICLE_NOT_FOUND'] : [],
  });
  // A pipe write on Linux is synchronous: once this returns, the parent can read the line even
  // if this process is killed the next instant.
  writeSync(1, `ack ${r.record.seq} ${r.hash}\n`);
}
