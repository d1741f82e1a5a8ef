// Child process for the kill -9 test: appends passages to a real store (the compiled build, as
// systemd runs it) and prints each acknowledged sequence number only after the append was
// acknowledged, i.e. after the commit. Usage:
//   node append-passages.child.mjs DATA_DIR [FULL|NORMAL] [single|grouped]
// single: store.journal.append() in a loop (one transaction and fsync per passage).
// grouped: 32 concurrent producers awaiting store.journal.appendGrouped() (group commit); each
// ack line also names the producer and its counter, so the test can check the order was kept.
import { writeSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const { Store } = await import(join(root, 'dist', 'src', 'store', 'index.js'));

const [dataDir, synchronous = 'FULL', mode = 'single'] = process.argv.slice(2);
const store = new Store({
  dataDir,
  lane: 'lane-k9',
  siteKey: Buffer.from(process.env.LANE_TEST_SITE_KEY ?? '', 'hex'),
  synchronous,
  evidenceSweepIntervalMs: 3_600_000,
});
await store.start();
writeSync(1, 'ready\n');

const input = (evidence, i) => ({
  kind: 'vehicle',
  direction: 'entry',
  stages: { presented: Date.now() },
  evidence: { plate: '29C12345', epcHash: 'ab'.repeat(32), ...evidence },
  outcome: i % 5 === 0 ? 'deny' : 'grant',
  reasons: i % 5 === 0 ? ['VEHICLE_NOT_FOUND'] : [],
});

if (mode === 'grouped') {
  const producer = async (p) => {
    for (let k = 0; ; k++) {
      const r = await store.journal.appendGrouped(input({ p, k }, k));
      writeSync(1, `ack ${r.record.seq} ${r.hash} ${p} ${k}\n`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, (_, p) => producer(p)));
} else {
  for (let i = 0; ; i++) {
    const r = store.journal.append(input({ n: i }, i));
    // A pipe write on Linux is synchronous: once this returns, the parent can read the line even
    // if this process is killed the next instant.
    writeSync(1, `ack ${r.record.seq} ${r.hash}\n`);
  }
}
