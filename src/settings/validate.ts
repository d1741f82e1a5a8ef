import type { ConfigIssue } from './config-issue.js';
import { applyEnvOverrides } from './env-overrides.js';
import { type LaneConfig, laneConfigSchema } from './lane-config.schema.js';
import { resolveConfigPaths } from './resolve-paths.js';
import { isRecord } from './schema-walk.js';
import { parseYamlSource } from './yaml-source.js';
import { translateZodIssues } from './zod-issues.js';

export interface ValidateOptions {
  /** Environment for LANE__* overrides; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Name used in YAML syntax error positions (file:line:col). */
  sourceName?: string;
  /** Base for relative paths; defaults to process.cwd(). */
  cwd?: string;
}

export type ValidateResult =
  | { ok: true; config: LaneConfig; rawText: string; overrides: string[] }
  | { ok: false; issues: ConfigIssue[] };

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/** Device names address devices in logs, health and lanectl, so they must be unique across the list. */
function duplicateDeviceNames(data: Record<string, unknown>, lineOf: (path: PropertyKey[]) => number | undefined): ConfigIssue[] {
  const devices = data['devices'];
  if (!Array.isArray(devices)) return [];
  const firstIndex = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  devices.forEach((device: unknown, index) => {
    if (!isRecord(device) || typeof device['name'] !== 'string') return;
    const name = device['name'];
    const first = firstIndex.get(name);
    if (first === undefined) {
      firstIndex.set(name, index);
      return;
    }
    const line = lineOf(['devices', index, 'name']);
    issues.push({
      path: `devices[${index}].name`,
      message: `duplicate device name '${name}' (also used by devices[${first}])`,
      ...(line === undefined ? {} : { line }),
    });
  });
  return issues;
}

/**
 * Validates config text: YAML syntax, environment overrides, the schema, cross-checks. Returns every issue
 * at once, or the resolved configuration. Does not touch the secrets file (loadConfigFile does).
 */
export function validateConfigText(text: string, opts: ValidateOptions = {}): ValidateResult {
  const sourceName = opts.sourceName ?? '<config>';
  const source = parseYamlSource(text, sourceName);
  if (source.issues.length > 0) return { ok: false, issues: source.issues };
  if (!isRecord(source.data)) {
    return {
      ok: false,
      issues: [{ path: '', message: `the top level must be a mapping of sections (lane:, devices:, ...), found ${describe(source.data)}` }],
    };
  }

  const overridden = applyEnvOverrides(laneConfigSchema, source.data, opts.env ?? process.env);
  const issues: ConfigIssue[] = [...overridden.issues];
  const parsed = laneConfigSchema.safeParse(overridden.data);
  if (!parsed.success) {
    issues.push(...translateZodIssues(parsed.error.issues, { schema: laneConfigSchema, data: overridden.data, locate: source.lineOf }));
  }
  issues.push(...duplicateDeviceNames(overridden.data, source.lineOf));
  if (!parsed.success || issues.length > 0) return { ok: false, issues };

  const resolved = resolveConfigPaths(parsed.data, opts.cwd ?? process.cwd());
  if (resolved.issues.length > 0) return { ok: false, issues: resolved.issues };
  return { ok: true, config: resolved.config, rawText: text, overrides: overridden.applied };
}
