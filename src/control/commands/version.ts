import { z } from 'zod';
import { defineRemoteCommand, type CommandOutcome, type HumanBlock } from '../command-spec.js';
import type { VersionInfo } from '../contract.js';
import { ControlRequestError } from '../client.js';
import { expectNoArgs } from './cli-args.js';

function describe(v: VersionInfo): string {
  return `${v.name} ${v.version} (node ${v.node}${v.commit ? `, commit ${v.commit}` : ''})`;
}

export const versionCommand = defineRemoteCommand({
  name: 'version',
  summary: "lanectl's version and the daemon's",
  usage: '',
  help: 'Without a daemon, human output still shows the client version and exits 0; with --json it exits 69.',
  args: z.object({}).strict(),
  parseCli: (rest) => expectNoArgs('version', rest),
  handle: (ctx): VersionInfo => ctx.version(),
  formatHuman: (v: VersionInfo): HumanBlock[] => [{ kind: 'fields', rows: [['daemon', describe(v)]] }],
  // The client part must work when the daemon is down: that is when people ask for versions.
  async clientRun(run, args): Promise<CommandOutcome> {
    const client = run.clientVersion;
    try {
      const daemon = await run.call(args);
      return {
        exitCode: 0,
        json: { client, daemon },
        human: [{ kind: 'fields', rows: [['client', describe(client)], ['daemon', describe(daemon)]] }],
      };
    } catch (err) {
      if (!(err instanceof ControlRequestError) || err.kind !== 'unreachable') throw err;
      return {
        exitCode: run.json ? 69 : 0,
        json: { ok: false, error: { code: err.code, message: err.message }, client },
        human: [{ kind: 'fields', rows: [['client', describe(client)], ['daemon', `unreachable: ${err.message}`]] }],
      };
    }
  },
});
