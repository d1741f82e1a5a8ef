import type { RegisteredCommand } from '../command-spec.js';
import { cacheStatsCommand } from './cache-stats.js';
import { configCheckCommand } from './config-check.js';
import { configReloadCommand } from './config-reload.js';
import { evalFacesCommand } from './eval-faces.js';
import { evalMrzCommand } from './eval-mrz.js';
import { evalPlatesCommand } from './eval-plates.js';
import { evalQrCommand } from './eval-qr.js';
import { healthCommand } from './health.js';
import { journalVerifyCommand } from './journal-verify.js';
import { logLevelCommand } from './log-level.js';
import { outboxCommand } from './outbox.js';
import { syncStatusCommand } from './sync-status.js';
import { passageCommand } from './passage.js';
import { passagesLastCommand } from './passages-last.js';
import { statusCommand } from './status.js';
import { versionCommand } from './version.js';

/**
 * Every lanectl command. To add one: write src/control/commands/<name>.ts exporting a spec
 * (defineRemoteCommand or defineLocalCommand) and add it here. Order is the order of --help.
 */
export const COMMANDS: readonly RegisteredCommand[] = [
  statusCommand,
  healthCommand,
  versionCommand,
  configCheckCommand,
  configReloadCommand,
  logLevelCommand,
  journalVerifyCommand,
  passagesLastCommand,
  passageCommand,
  cacheStatsCommand,
  syncStatusCommand,
  outboxCommand,
  evalQrCommand,
  evalMrzCommand,
  evalFacesCommand,
  evalPlatesCommand,
];
