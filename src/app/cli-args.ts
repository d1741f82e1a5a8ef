/** Arguments of the daemon entry point (`node dist/src/main.js --config FILE`). */
export interface DaemonArgs {
  configPath: string;
  checkOnly: boolean;
  help: boolean;
}

export const DAEMON_USAGE = `usage: lane-controller [--config FILE] [--check]

  --config FILE   lane configuration (YAML); default: $LANE_CONFIG or config/demo.yaml
  --check         validate the configuration and exit (0 valid, 78 invalid)
  --help          this text`;

export function parseDaemonArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DaemonArgs | { error: string } {
  let configPath = env.LANE_CONFIG ?? 'config/demo.yaml';
  let checkOnly = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config' || arg === '-c') {
      const value = argv[++i];
      if (!value) return { error: `${arg} needs a file path` };
      configPath = value;
    } else if (arg.startsWith('--config=')) {
      configPath = arg.slice('--config='.length);
    } else if (arg === '--check') {
      checkOnly = true;
    } else if (arg === '--help' || arg === '-h') {
      help = true;
    } else {
      return { error: `unknown argument: ${arg}` };
    }
  }
  return { configPath, checkOnly, help };
}
