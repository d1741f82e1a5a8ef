import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Command-line parsing for the project's tools (demo, chaos run): strict `node:util` parseArgs; a
 * bad option prints `tool: reason` and the usage and exits 2, `--help` (when declared) prints the
 * usage and exits 0. Keeps every tool's refusal the same shape.
 */
export function parseToolArgs<T extends ParseArgsConfig>(tool: string, usageText: string, config: T): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    return toolUsage(tool, usageText, (err as Error).message);
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    process.stdout.write(`${usageText}\n`);
    process.exit(0);
  }
  return parsed;
}

/** Ends the process with `tool: message`, the usage and exit code 2. */
export function toolUsage(tool: string, usageText: string, message: string): never {
  process.stderr.write(`${tool}: ${message}\n${usageText}\n`);
  process.exit(2);
}
