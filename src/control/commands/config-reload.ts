import { z } from 'zod';
import { defineRemoteCommand, type HumanBlock } from '../command-spec.js';
import type { ReloadOutcome } from '../contract.js';
import { expectNoArgs } from './cli-args.js';

export const configReloadCommand = defineRemoteCommand({
  name: 'config reload',
  summary: 're-read the config file; applies what can change live, lists what needs a restart',
  usage: '',
  help: 'A refused file (validation errors) leaves the running config untouched and exits 1.',
  args: z.object({}).strict(),
  // Reading and validating a config with many devices can take a while on a busy 2-core box.
  timeoutMs: 30_000,
  parseCli: (rest) => expectNoArgs('config reload', rest),
  handle: (ctx): Promise<ReloadOutcome> => ctx.reloadConfig(),
  exitCode: (r: ReloadOutcome) => (r.ok ? 0 : 1),
  formatHuman(r: ReloadOutcome): HumanBlock[] {
    if (!r.ok) {
      return [
        { kind: 'text', text: `config reload refused (${r.errors.length} error${r.errors.length === 1 ? '' : 's'}); the running config stays:` },
        ...r.errors.map((e): HumanBlock => ({ kind: 'text', text: `  ${e}` })),
      ];
    }
    if (r.applied.length === 0 && r.needsRestart.length === 0) {
      return [{ kind: 'text', text: 'config reloaded: nothing changed' }];
    }
    return [
      { kind: 'text', text: 'config reloaded' },
      {
        kind: 'fields',
        rows: [
          ['applied', r.applied.length ? r.applied.join(', ') : '-'],
          ['needs restart', r.needsRestart.length ? r.needsRestart.join(', ') : '-'],
        ],
      },
    ];
  },
});
