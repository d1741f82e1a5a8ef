import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigIssue } from './config-issue.js';
import type { LaneConfig } from './lane-config.schema.js';
import { type LaneSecrets, loadSecretsFile } from './secrets.js';
import { validateConfigText } from './validate.js';

/** Environment variable naming the secrets file; it wins over `secretsFile` in the config. */
export const SECRETS_FILE_ENV = 'LANE_SECRETS_FILE';

export type LoadResult =
  | {
      ok: true;
      config: LaneConfig;
      secrets: LaneSecrets;
      /** Absolute path of the config file that was read. */
      sourcePath: string;
      /** The file's text as read, for writeLastGood() once the daemon has started cleanly. */
      rawText: string;
      /** Config paths set by LANE__* variables, e.g. "mqtt.url from LANE__MQTT__URL". */
      overrides: string[];
    }
  | { ok: false; issues: ConfigIssue[] };

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** false: do not read the secrets file (lanectl config check on another machine; example configs). */
  checkSecrets?: boolean;
  /** Base for relative paths; defaults to process.cwd(). */
  cwd?: string;
}

function readFailure(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `config file ${path} does not exist`;
  if (code === 'EISDIR') return `${path} is a directory, not a config file`;
  if (code === 'EACCES') return `config file ${path} is not readable by this user`;
  return `cannot read config file ${path} (${code ?? 'error'})`;
}

/** Reads, validates and resolves a lane config file, then its secrets file. Synchronous: it runs once at start. */
export function loadConfigFile(path: string, opts: LoadOptions = {}): LoadResult {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const sourcePath = resolve(cwd, path);

  let text: string;
  try {
    text = readFileSync(sourcePath, 'utf8');
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: readFailure(sourcePath, error) }] };
  }

  const validated = validateConfigText(text, { env, cwd, sourceName: path });
  if (!validated.ok) return validated;

  const fromEnv = env[SECRETS_FILE_ENV];
  const secretsPath = fromEnv !== undefined && fromEnv !== '' ? resolve(cwd, fromEnv) : validated.config.secretsFile;
  let secrets: LaneSecrets = {};
  if (secretsPath !== undefined && opts.checkSecrets !== false) {
    const loaded = loadSecretsFile(secretsPath);
    if (!loaded.ok) return { ok: false, issues: loaded.issues };
    secrets = loaded.secrets;
  }

  return { ok: true, config: validated.config, secrets, sourcePath, rawText: text, overrides: validated.overrides };
}
