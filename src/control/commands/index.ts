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
// H2: device-level commands
import { devicesCommand } from './devices.js';
import { lookupEpcCommand, lookupPlateCommand, lookupTokenCommand } from './lookup.js';
import { snapshotCommand } from './snapshot.js';
import { modelsCommand } from './models.js';
import { testCameraCommand, testRfidCommand, testScannerCommand } from './device-test.js';

// H1: lane runner commands
import { closeCommand, holdOpenCommand, openCommand } from './barrier-actions.js';
import { eventsTailCommand } from './events-tail.js';
import { modeCommand } from './mode.js';
import { overrideCommand } from './override.js';
import { resetCommand } from './reset.js';
import { simInputCommand } from './sim-input.js';
import { testBarrierCommand } from './test-barrier.js';

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
  // H2: device-level commands
  devicesCommand,
  lookupPlateCommand,
  lookupTokenCommand,
  lookupEpcCommand,
  snapshotCommand,
  modelsCommand,
  testScannerCommand,
  testRfidCommand,
  testCameraCommand,
  // H1: lane runner commands
  openCommand,
  closeCommand,
  holdOpenCommand,
  modeCommand,
  overrideCommand,
  resetCommand,
  eventsTailCommand,
  testBarrierCommand,
  simInputCommand,
];
