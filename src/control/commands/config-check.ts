import { defineLocalCommand, type CommandOutcome, type HumanBlock } from '../command-spec.js';
import { positionals } from './cli-args.js';

export interface ConfigCheckArgs {
  file: string;
}

export const configCheckCommand = defineLocalCommand({
  name: 'config check',
  local: true,
  summary: 'validate a config file (and its secrets file) without starting anything; exits 78 when invalid',
  usage: 'FILE',
  help: 'Applies LANE__* environment overrides and LANE_SECRETS_FILE exactly as the daemon would.',
  parseCli(rest): ConfigCheckArgs {
    const [file] = positionals('config check', rest, 1, 1);
    return { file: file as string };
  },
  async runLocal(args: ConfigCheckArgs, { env, cwd }): Promise<CommandOutcome> {
    // Loaded on demand: the daemon holds this registry too and must not pay for it here.
    const settings = await import('../../settings/index.js');
    const outcome = settings.loadConfigFile(args.file, { env: { ...env }, cwd });
    if (outcome.ok) {
      const { lane, devices } = outcome.config;
      const n = devices.length;
      const text = `${args.file}: OK (lane ${lane.id} at ${lane.site}, ${lane.kind} ${lane.direction}, ${n} device${n === 1 ? '' : 's'})`;
      return {
        exitCode: 0,
        json: { ok: true, file: outcome.sourcePath, lane: lane.id, devices: n, overrides: outcome.overrides },
        human: [{ kind: 'text', text }, ...outcome.overrides.map((o): HumanBlock => ({ kind: 'text', text: `  override: ${o}` }))],
      };
    }
    const lines = outcome.issues.map((i) => (i.line === undefined ? settings.formatIssue(i) : `${settings.formatIssue(i)} (line ${i.line})`));
    const n = lines.length;
    const message = `${args.file}: ${n} problem${n === 1 ? '' : 's'}`;
    return {
      exitCode: settings.EX_CONFIG,
      json: { ok: false, error: { code: 'config_invalid', message }, file: args.file, issues: outcome.issues },
      human: [{ kind: 'text', text: message }, ...lines.map((text): HumanBlock => ({ kind: 'text', text: `  ${text}` }))],
    };
  },
});
