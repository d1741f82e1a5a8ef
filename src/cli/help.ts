import type { RegisteredCommand } from '../control/command-spec.js';
import type { CommandRegistry } from '../control/registry.js';
import { renderFields } from './table.js';

export const EXIT_CODES_TEXT = 'exit codes: 0 ok, 1 command failed, 2 usage error, 69 daemon not reachable, 78 config invalid';

export function commandSynopsis(command: RegisteredCommand): string {
  return command.usage ? `${command.name} ${command.usage}` : command.name;
}

function commandList(commands: readonly RegisteredCommand[]): string {
  return renderFields(
    commands.map((c) => [`  ${commandSynopsis(c)}`, `${c.summary}${c.local ? ' [local]' : ''}`] as const),
  );
}

export function generalHelp(registry: CommandRegistry): string {
  return [
    'usage: lanectl [--json] [--socket PATH | --lane ID] [--timeout MS] COMMAND [ARGS]',
    '',
    'commands ([local] ones run without a daemon):',
    commandList(registry.all()),
    '',
    'options (accepted by every command, anywhere on the line):',
    renderFields([
      ['  --json', 'the last line of stdout is one JSON object (the result, or {"ok":false,"error":...})'],
      ['  --socket PATH', 'control socket to use; otherwise $LANECTL_SOCKET, --lane, ./var/lanectl.sock,'],
      ['', 'or the only /run/lane-controller/*.sock'],
      ['  --lane ID', 'use /run/lane-controller/ID.sock'],
      ['  --timeout MS', 'how long to wait for the daemon (default 5000, some commands more)'],
      ['  --help', 'this text; lanectl COMMAND --help for one command'],
    ]),
    '',
    EXIT_CODES_TEXT,
    '',
  ].join('\n');
}

export function commandHelp(command: RegisteredCommand): string {
  const lines = [`usage: lanectl ${commandSynopsis(command)} [--json]`, '', command.summary];
  if (command.help) lines.push('', command.help);
  if (command.local) lines.push('', 'Runs inside lanectl; no daemon needed.');
  lines.push('', EXIT_CODES_TEXT, '');
  return lines.join('\n');
}

export function groupHelp(prefix: string, commands: readonly RegisteredCommand[]): string {
  return [`'${prefix}' needs a subcommand:`, commandList(commands), ''].join('\n');
}

/** Plain edit distance, for "did you mean" on mistyped commands. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** Commands close to what was typed (compared on as many words as each name has). */
export function suggestions(words: readonly string[], commands: readonly RegisteredCommand[]): string[] {
  return commands
    .map((c) => {
      const typed = words.slice(0, c.name.split(' ').length).join(' ');
      return { name: c.name, d: distance(typed, c.name) };
    })
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)
    .map((x) => x.name);
}
