#!/usr/bin/env node
// Thin shim: lanectl lives in src/cli/lanectl.ts (built to dist/). Exit code via
// process.exitCode so piped stdout is flushed before Node exits.
import { runLanectl } from '../dist/src/cli/lanectl.js';

process.exitCode = await runLanectl(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
