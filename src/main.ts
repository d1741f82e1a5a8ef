import { DAEMON_USAGE, parseDaemonArgs } from './app/cli-args.js';
import { LaneDaemon } from './app/lane-daemon.js';
import { EX_CONFIG, formatIssue, loadConfigFile, writeLastGood } from './settings/index.js';
import { LogHub, type Logger } from './util/logger.js';

/**
 * Entry point: arguments, config, compose, start, signals. Everything else lives in app/.
 * Exit codes: 0 clean stop, 1 runtime failure, 2 usage, 78 (EX_CONFIG) invalid config.
 */
const EX_USAGE = 2;
const STOP_DEADLINE_MS = 4_500;

async function main(): Promise<number> {
  const args = parseDaemonArgs(process.argv.slice(2), process.env);
  if ('error' in args) {
    process.stderr.write(`${args.error}\n${DAEMON_USAGE}\n`);
    return EX_USAGE;
  }
  if (args.help) {
    process.stdout.write(`${DAEMON_USAGE}\n`);
    return 0;
  }

  const loaded = loadConfigFile(args.configPath, { env: process.env });
  if (!loaded.ok) {
    process.stderr.write(`invalid configuration ${args.configPath} (${loaded.issues.length} problem(s)):\n`);
    for (const issue of loaded.issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
    process.stderr.write('nothing was started.\n');
    return EX_CONFIG;
  }
  if (args.checkOnly) {
    process.stdout.write(`${args.configPath}: valid\n`);
    return 0;
  }

  const config = loaded.config;
  const logHub = new LogHub({ level: config.log.level, lane: config.lane.id });
  const log = logHub.child('main');
  let daemon: LaneDaemon;
  try {
    daemon = new LaneDaemon({ configPath: args.configPath, config, secrets: loaded.secrets, logHub });
  } catch (err) {
    // Building the services reads files the config names (QR signer certificates, the local site key):
    // one that is wrong is a configuration problem, reported like the schema errors above.
    if (isConfigError(err)) {
      process.stderr.write(`invalid configuration ${args.configPath}:\n  ${err.message}\nnothing was started.\n`);
      return EX_CONFIG;
    }
    throw err;
  }

  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception; exiting so systemd restarts the lane');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason instanceof Error ? reason : new Error(String(reason)) }, 'unhandled rejection; exiting');
    process.exit(1);
  });

  const outcome = await daemon.start();
  if (!outcome.ok) {
    log.fatal({ service: outcome.fatal?.name, err: outcome.fatal?.error }, 'lane could not start');
    return 1;
  }
  keepLastGood(args.configPath, loaded.rawText, config.storage.dataDir, log);

  return new Promise<number>((resolve) => {
    let stopRequested = false;
    const shutdown = (signal: string): void => {
      if (stopRequested) return;
      stopRequested = true;
      log.info({ signal }, 'stopping');
      const deadline = setTimeout(() => {
        log.error({ deadlineMs: STOP_DEADLINE_MS }, 'stop deadline passed; exiting anyway');
        resolve(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      daemon.stop().then(
        () => {
          clearTimeout(deadline);
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(deadline);
          log.error({ err }, 'stop failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGHUP', () => {
      daemon.reloadConfig().catch((err: unknown) => log.error({ err }, 'reload failed'));
    });
  });
}

/** Errors thrown while building the services that mean "fix the installation" (they carry code EX_CONFIG). */
function isConfigError(err: unknown): err is Error {
  return err instanceof Error && (err as { code?: unknown }).code === 'EX_CONFIG';
}

/** Beside the config when that directory is writable, else in the state directory (read-only /etc under systemd). */
function keepLastGood(configPath: string, rawText: string, dataDir: string, log: Logger): void {
  try {
    writeLastGood(configPath, rawText);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') {
      log.warn({ err }, 'could not keep a copy of the last good config');
      return;
    }
  }
  try {
    const where = writeLastGood(configPath, rawText, dataDir);
    log.info({ path: where }, 'config directory is read-only; kept the last good config in the state directory');
  } catch (err) {
    log.warn({ err }, 'could not keep a copy of the last good config');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lane-controller: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
