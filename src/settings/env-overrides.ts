import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type ConfigIssue, formatPath } from './config-issue.js';
import { expectsString, isRecord, unwrapSchema } from './schema-walk.js';
import { didYouMean } from './suggest.js';

/** Prefix of override variables: LANE__<SECTION>__<KEY>[__<KEY>...]=value. */
export const ENV_OVERRIDE_PREFIX = 'LANE__';

export interface EnvOverrideResult {
  /** A copy of the data with the overrides applied. */
  data: Record<string, unknown>;
  issues: ConfigIssue[];
  /** Config paths that were overridden, for the startup log ("mqtt.url from LANE__MQTT__URL"). */
  applied: string[];
}

/**
 * Values are read as YAML scalars (true, 5, 0.7, null) except where the schema expects text: there the raw
 * string is kept, so LANE__CONTROL__SOCKETMODE=0660 stays '0660' instead of becoming the number 660.
 */
function parseValue(raw: string, leaf: z.ZodType): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (expectsString(leaf)) return { ok: true, value: raw };
  try {
    const value: unknown = parseYaml(raw);
    if (typeof value === 'object' && value !== null) return { ok: false, reason: 'must be a single value, not a list or mapping' };
    return { ok: true, value };
  } catch {
    return { ok: false, reason: 'is not a valid YAML scalar' };
  }
}

/**
 * Applies LANE__* environment variables to the parsed config before validation. Key segments match the
 * schema's camelCase keys case-insensitively (LANE__STORAGE__DATADIR -> storage.dataDir). A variable naming a
 * key the schema does not have is reported like an unknown key in the file.
 */
export function applyEnvOverrides(
  root: z.ZodType,
  data: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): EnvOverrideResult {
  const result: Record<string, unknown> = structuredClone(data);
  const issues: ConfigIssue[] = [];
  const applied: string[] = [];

  const names = Object.keys(env).filter((name) => name.startsWith(ENV_OVERRIDE_PREFIX)).sort();
  for (const name of names) {
    const raw = env[name];
    if (raw === undefined) continue;
    const segments = name.slice(ENV_OVERRIDE_PREFIX.length).split('__');
    if (segments.some((segment) => segment === '')) {
      issues.push({ path: `env ${name}`, message: 'malformed override name; expected LANE__<SECTION>__<KEY>' });
      continue;
    }

    let schema: z.ZodType = root;
    let target: Record<string, unknown> = result;
    const path: string[] = [];
    let failed = false;
    for (const [index, segment] of segments.entries()) {
      // The root and every intermediate segment were checked to be objects.
      const objectSchema = unwrapSchema(schema) as z.ZodObject;
      const keys = Object.keys(objectSchema.shape);
      const key = keys.find((candidate) => candidate.toLowerCase() === segment.toLowerCase());
      if (key === undefined) {
        issues.push({
          path: formatPath([...path, segment.toLowerCase()]),
          message: `unknown key '${segment}' in environment variable ${name}${didYouMean(segment, keys)}`,
        });
        failed = true;
        break;
      }
      path.push(key);
      schema = objectSchema.shape[key] as z.ZodType;
      if (index === segments.length - 1) break;
      if (!(unwrapSchema(schema) instanceof z.ZodObject)) {
        issues.push({ path: formatPath(path), message: `${name}: only keys of sections can be set from the environment, not inside this value` });
        failed = true;
        break;
      }

      const existing = target[key];
      if (existing === undefined || existing === null) {
        target[key] = {};
      } else if (!isRecord(existing)) {
        issues.push({ path: formatPath(path), message: `cannot apply ${name}: the file sets this to a non-mapping value` });
        failed = true;
        break;
      }
      target = target[key] as Record<string, unknown>;
    }
    if (failed) continue;

    const leaf = unwrapSchema(schema);
    if (leaf instanceof z.ZodObject || leaf instanceof z.ZodArray) {
      issues.push({
        path: formatPath(path),
        message: `${name} names a whole ${leaf instanceof z.ZodArray ? 'list' : 'section'}; only single keys can be set from the environment`,
      });
      continue;
    }
    const parsed = parseValue(raw, schema);
    if (!parsed.ok) {
      issues.push({ path: formatPath(path), message: `value of ${name} ${parsed.reason}` });
      continue;
    }
    const last = path[path.length - 1];
    if (last !== undefined) target[last] = parsed.value;
    applied.push(`${formatPath(path)} from ${name}`);
  }
  return { data: result, issues, applied };
}
