import { isRemote, type RegisteredCommand, type RemoteCommandSpec } from './command-spec.js';

const NAME_PATTERN = /^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$/;

/**
 * Looks commands up by name (the daemon, for `cmd` on the wire) and by the words typed on the
 * command line (lanectl). Multi-word names match longest first, so `config check x.yaml`
 * finds `config check` with rest [x.yaml].
 */
export class CommandRegistry {
  private readonly byName = new Map<string, RegisteredCommand>();

  constructor(private readonly commands: readonly RegisteredCommand[]) {
    for (const command of commands) {
      if (!NAME_PATTERN.test(command.name)) {
        throw new Error(`command name '${command.name}' must be lower-case words separated by single spaces`);
      }
      if (this.byName.has(command.name)) throw new Error(`command '${command.name}' is registered twice`);
      this.byName.set(command.name, command);
    }
  }

  all(): readonly RegisteredCommand[] {
    return this.commands;
  }

  get(name: string): RegisteredCommand | undefined {
    return this.byName.get(name);
  }

  /** A command the daemon answers; local-only commands are unknown on the wire. */
  remote(name: string): RemoteCommandSpec<unknown, unknown> | undefined {
    const command = this.byName.get(name);
    return command && isRemote(command) ? command : undefined;
  }

  remoteNames(): string[] {
    return this.commands.filter(isRemote).map((c) => c.name).sort();
  }

  /** The longest command name that prefixes `words`, and the words after it. */
  match(words: readonly string[]): { command: RegisteredCommand; rest: string[] } | null {
    for (let n = words.length; n > 0; n--) {
      const command = this.byName.get(words.slice(0, n).join(' '));
      if (command) return { command, rest: words.slice(n) };
    }
    return null;
  }

  /** Commands whose name starts with these words, e.g. ['config'] -> config check, config reload. */
  startingWith(words: readonly string[]): RegisteredCommand[] {
    const prefix = words.join(' ');
    return this.commands.filter((c) => c.name.startsWith(`${prefix} `));
  }
}
