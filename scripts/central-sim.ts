#!/usr/bin/env node
// A small central system for integrators and technicians: `npm run central-sim -- --url ... --site ...`.
// See `--help` and docs/mqtt.md (central-sim). The logic lives in src/sync/central-sim/.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { CentralSim } from '../src/sync/central-sim/central-sim.js';
import { parseSimArgs, SimUsageError, SIM_USAGE, type SimArgs } from '../src/sync/central-sim/sim-args.js';
import { readSimListsFile } from '../src/sync/central-sim/sim-lists-file.js';
import { parseEd25519PrivateKey } from '../src/sync/signing.js';

function out(json: boolean, obj: Record<string, unknown>, text: string): void {
  process.stdout.write(`${json ? JSON.stringify(obj) : `${new Date().toISOString().slice(11, 23)} ${text}`}\n`);
}

function generateKey(file: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  process.stdout.write(`private key written to ${file} (mode 0600)\npublic key for the lanes' secrets file:\ncentralPublicKeys:\n  - ${Buffer.from(x, 'base64url').toString('base64')}\n`);
}

function report(sim: CentralSim, json: boolean): void {
  for (const lane of sim.ledger.lanesSeen()) {
    const r = sim.ledger.report(lane);
    const gaps = r.missing.length === 0 ? 'no gaps' : `${r.missing.length} missing seq (first ${r.missing.slice(0, 5).join(', ')})`;
    out(json, { report: r }, `report ${lane}: ${r.unique} unique, ${r.duplicates} duplicates, seq ${r.lowestSeq}..${r.highestSeq}, ${gaps}, ${r.seqConflicts} seq conflicts, ${r.outOfOrder} out of order`);
  }
}

async function main(args: SimArgs): Promise<number> {
  if (args.generateKey !== undefined) {
    generateKey(args.generateKey);
    return 0;
  }
  const key = args.keyFile === undefined ? undefined : parseEd25519PrivateKey(readFileSync(args.keyFile, 'utf8'));
  const listsFile = args.listsFile === undefined ? undefined : readSimListsFile(args.listsFile);
  const sim = new CentralSim({
    url: args.url,
    site: args.site,
    prefix: args.prefix,
    key,
    lists: listsFile?.lists,
    chunkRows: args.chunkRows,
    mqtt: {
      protocolVersion: args.protocol,
      username: args.username,
      password: args.passwordFile === undefined ? undefined : readFileSync(args.passwordFile, 'utf8').trim(),
      ca: args.caFile === undefined ? undefined : readFileSync(args.caFile),
      cert: args.certFile === undefined ? undefined : readFileSync(args.certFile),
      key: args.clientKeyFile === undefined ? undefined : readFileSync(args.clientKeyFile),
    },
  });
  const json = args.json;
  sim.on('state', (lane, s) => out(json, { lane, state: s }, `${lane} state ${s.state} birth=${s.birth}${s.state === 'offline' ? ` (${s.reason})` : ` mode=${s.mode} health=${s.health.summary} outbox=${s.outbox.pending}`}`));
  sim.on('event', (e) => out(json, { event: e }, `${e.lane} ${e.type} seq=${e.seq} id=${e.id}${e.verdict === 'new' ? '' : ` ${e.verdict.toUpperCase()}`}`));
  sim.on('result', (r) => out(json, { result: r }, `${r.lane} cmd-result ${r.name ?? '?'} id=${r.id ?? '-'} ${r.status}${r.reason ? ` (${r.reason}: ${r.detail ?? ''})` : ''}${r.outcome ? ` -> ${r.outcome.result}${r.outcome.detail ? `: ${r.outcome.detail}` : ''}` : ''}`));
  sim.on('resync', (q) => out(json, { resync: q }, `${q.lane} asks for a snapshot of ${q.list} (has ${q.haveVersion}, ${q.reason})${listsFile?.lists[q.list] ? ' -> sending' : ' -> not in --lists'}`));
  sim.on('malformed', (topic, reason) => out(json, { malformed: { topic, reason } }, `MALFORMED ${topic}: ${reason}`));
  await sim.start();
  out(json, { connected: args.url }, `connected to ${args.url}, listening on ${args.prefix}/${args.site}/#`);

  let oneShot = false;
  if (args.command) {
    oneShot = true;
    const c = args.command;
    const result = await sim.command(c.lane, c.name, c.args, { ttlMs: c.ttlSeconds * 1000, timeoutMs: 15_000 }).catch((err: Error) => err);
    if (result instanceof Error) out(json, { error: result.message }, `no result: ${result.message}`);
  }
  if (args.publishDeltas && listsFile) {
    oneShot = true;
    for (const d of listsFile.deltas) {
      await sim.publishDelta(d);
      out(json, { published: d.list, fromVersion: d.fromVersion, toVersion: d.toVersion }, `published delta ${d.list} ${d.fromVersion} -> ${d.toVersion}`);
    }
  }
  if (args.snapshot && listsFile) {
    oneShot = true;
    const list = listsFile.lists[args.snapshot.list];
    if (list === undefined) throw new SimUsageError(`--snapshot ${args.snapshot.list}: not in the lists file`);
    const chunks = await sim.publishSnapshot(args.snapshot.list, list.version, list.rows, args.snapshot.lane);
    out(json, { snapshot: args.snapshot.list, chunks }, `published snapshot ${args.snapshot.list} v${list.version} in ${chunks} chunk(s)`);
  }
  if (oneShot && !args.listen) {
    await sim.stop();
    return 0;
  }
  const timer = setInterval(() => report(sim, json), 10_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  report(sim, json);
  await sim.stop();
  return 0;
}

try {
  const parsed = parseSimArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${SIM_USAGE}\n`);
    process.exit(0);
  }
  process.exitCode = await main(parsed);
} catch (err) {
  if (err instanceof SimUsageError) {
    process.stderr.write(`central-sim: ${err.message}\n\n${SIM_USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`central-sim: ${(err as Error).message}\n`);
  process.exit(1);
}
