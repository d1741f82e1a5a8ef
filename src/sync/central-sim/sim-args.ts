/**
 * Command line of scripts/central-sim.ts (npm run central-sim -- ...). Parsed here, apart from
 * the I/O, so a test can check every option and every refusal.
 */
export interface SimArgs {
  url: string;
  site: string;
  prefix: string;
  protocol: 4 | 5;
  keyFile?: string;
  listsFile?: string;
  username?: string;
  passwordFile?: string;
  caFile?: string;
  certFile?: string;
  clientKeyFile?: string;
  chunkRows: number;
  json: boolean;
  /** One-shot actions; without any, the simulator listens until Ctrl-C. */
  command?: { name: string; lane: string; args: Record<string, unknown>; ttlSeconds: number };
  publishDeltas: boolean;
  snapshot?: { list: string; lane?: string };
  generateKey?: string;
  /** Keep listening after the one-shot actions. */
  listen: boolean;
}

export const SIM_USAGE = `usage: npm run central-sim -- --url mqtt://host:1883 --site SITE [options]

  --url URL              broker (mqtt://, mqtts://, ws://, wss://)
  --site SITE            crossing point id (topic level after the prefix)
  --prefix PREFIX        topic prefix (default bg/v1)
  --protocol 5|4         MQTT 5 (default) or 3.1.1
  --key FILE             central Ed25519 private key (PEM) to sign commands and lists
  --lists FILE           JSON {"lists": {"<list>": {"version": N, "rows": [...]}}, "deltas": [...]}:
                         answers resync requests with snapshots; see docs/mqtt.md
  --chunk-rows N         rows per snapshot chunk (default 5000)
  --username U --password-file F --ca F --cert F --client-key F   broker credentials and TLS
  --json                 one JSON object per line instead of text

one-shot actions (then exit, unless --listen):
  --command NAME --lane LANE [--args JSON] [--ttl SECONDS]   send a signed command, print its result
  --publish-deltas       publish the deltas of --lists in order
  --snapshot LIST [--lane LANE]   publish a full snapshot of LIST from --lists (to one lane or all)
  --generate-key FILE    write a new Ed25519 private key to FILE (mode 0600) and print the public
                         key for the lanes' secrets file (centralPublicKeys)

Without an action it listens: prints every state, event and command result, de-duplicates events
by id and reports sequence gaps and duplicates per lane (every 10 s and at Ctrl-C).`;

export class SimUsageError extends Error {
  override readonly name = 'SimUsageError';
}

const VALUE_OPTIONS = new Set([
  '--url', '--site', '--prefix', '--protocol', '--key', '--lists', '--chunk-rows', '--username', '--password-file',
  '--ca', '--cert', '--client-key', '--command', '--lane', '--args', '--ttl', '--snapshot', '--generate-key',
]);
const FLAGS = new Set(['--json', '--publish-deltas', '--listen', '--help']);

export function parseSimArgs(argv: readonly string[]): SimArgs | 'help' {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (FLAGS.has(a)) flags.add(a);
    else if (VALUE_OPTIONS.has(a)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new SimUsageError(`${a} needs a value`);
      values.set(a, v);
      i += 1;
    } else throw new SimUsageError(`unknown option ${a}`);
  }
  if (flags.has('--help')) return 'help';
  if (values.has('--generate-key')) {
    return { ...defaults(), url: '', site: '', generateKey: values.get('--generate-key')! };
  }
  const url = values.get('--url');
  const site = values.get('--site');
  if (url === undefined) throw new SimUsageError('--url is required');
  if (site === undefined) throw new SimUsageError('--site is required');
  const protocol = values.get('--protocol') ?? '5';
  if (protocol !== '5' && protocol !== '4') throw new SimUsageError('--protocol must be 5 or 4');
  const chunkRows = Number(values.get('--chunk-rows') ?? 5000);
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new SimUsageError('--chunk-rows must be a positive whole number');
  const out: SimArgs = {
    ...defaults(),
    url,
    site,
    prefix: values.get('--prefix') ?? 'bg/v1',
    protocol: protocol === '5' ? 5 : 4,
    chunkRows,
    json: flags.has('--json'),
    publishDeltas: flags.has('--publish-deltas'),
    listen: flags.has('--listen'),
  };
  for (const [opt, key] of [
    ['--key', 'keyFile'],
    ['--lists', 'listsFile'],
    ['--username', 'username'],
    ['--password-file', 'passwordFile'],
    ['--ca', 'caFile'],
    ['--cert', 'certFile'],
    ['--client-key', 'clientKeyFile'],
  ] as const) {
    const v = values.get(opt);
    if (v !== undefined) out[key] = v;
  }
  const name = values.get('--command');
  if (name !== undefined) {
    const lane = values.get('--lane');
    if (lane === undefined) throw new SimUsageError('--command needs --lane');
    let args: unknown = {};
    if (values.has('--args')) {
      try {
        args = JSON.parse(values.get('--args')!);
      } catch {
        throw new SimUsageError('--args must be a JSON object, e.g. \'{"mode":"locked"}\'');
      }
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new SimUsageError('--args must be a JSON object');
    const ttlSeconds = Number(values.get('--ttl') ?? 300);
    if (!(ttlSeconds > 0)) throw new SimUsageError('--ttl must be a positive number of seconds');
    if (out.keyFile === undefined) throw new SimUsageError('--command needs --key (commands are signed)');
    out.command = { name, lane, args: args as Record<string, unknown>, ttlSeconds };
  }
  const snapshot = values.get('--snapshot');
  if (snapshot !== undefined) {
    out.snapshot = { list: snapshot };
    const lane = values.get('--lane');
    if (lane !== undefined && name === undefined) out.snapshot.lane = lane;
  }
  if ((out.publishDeltas || out.snapshot) && (out.listsFile === undefined || out.keyFile === undefined)) {
    throw new SimUsageError('--publish-deltas and --snapshot need --lists and --key');
  }
  return out;
}

function defaults(): SimArgs {
  return { url: '', site: '', prefix: 'bg/v1', protocol: 5, chunkRows: 5000, json: false, publishDeltas: false, listen: false };
}
