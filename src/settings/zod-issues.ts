import type { z } from 'zod';
import { type ConfigIssue, formatPath } from './config-issue.js';
import { dataAt, isRecord, objectKeysAt } from './schema-walk.js';
import { didYouMean, nearest } from './suggest.js';

export interface TranslateContext {
  /** The schema that was parsed; used to list the valid keys next to an unknown one. */
  schema: z.ZodType;
  /** The data that was parsed (after environment overrides). */
  data: unknown;
  /** Path prefix for nested documents (e.g. ['secrets']). */
  pathPrefix?: readonly PropertyKey[];
  /** Line of a path in the source, when known. */
  locate?: (path: readonly PropertyKey[]) => number | undefined;
  /**
   * Secrets mode: never echo user-written text (key names that do not look like key names, values),
   * because a secret pasted in the wrong place would otherwise end up in the journal.
   */
  secretSafe?: boolean;
}

const KEY_LIKE = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** Renders a user-written value for a message: short, quoted, printable. */
function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return `'${printable.length > 40 ? `${printable.slice(0, 40)}...` : printable}'`;
}

function issue(ctx: TranslateContext, path: readonly PropertyKey[], message: string): ConfigIssue {
  const full = [...(ctx.pathPrefix ?? []), ...path];
  const line = ctx.locate?.(path);
  return line === undefined ? { path: formatPath(full), message } : { path: formatPath(full), message, line };
}

function unknownKeyIssues(ctx: TranslateContext, zodIssue: z.core.$ZodIssueUnrecognizedKeys): ConfigIssue[] {
  const validKeys = objectKeysAt(ctx.schema, zodIssue.path, ctx.data) ?? [];
  return zodIssue.keys.map((key) => {
    // In secrets mode a key name is shown only when it is a near miss of a valid key (a typo): a
    // secret wrapped or glued onto a line of its own also looks like a key name, base64 being letters
    // and digits (found by the fuzz suite, test/fuzz/config.fuzz.test.ts).
    const shown = !ctx.secretSafe || (KEY_LIKE.test(key) && nearest(key, validKeys) !== undefined);
    const message = shown
      ? `unknown key '${key}'${didYouMean(key, validKeys)}`
      : `unknown key (not shown); valid keys: ${validKeys.join(', ')}`;
    return issue(ctx, shown ? [...zodIssue.path, key] : zodIssue.path, message);
  });
}

function unionIssue(ctx: TranslateContext, zodIssue: z.core.$ZodIssueInvalidUnion): ConfigIssue {
  const options = 'options' in zodIssue && zodIssue.options !== undefined ? zodIssue.options.map(String) : [];
  if (zodIssue.discriminator === undefined || options.length === 0) {
    return issue(ctx, zodIssue.path, zodIssue.message);
  }
  // Zod puts the discriminator key on the path; the owning object (e.g. devices[1]) is one level up.
  const value = dataAt(ctx.data, zodIssue.path);
  const what = zodIssue.path[0] === 'devices' ? 'device type' : `value for '${zodIssue.discriminator}'`;
  const valid = `valid types: ${options.join(', ')}`;
  if (value === undefined) return issue(ctx, zodIssue.path, `missing ${what}; ${valid}`);
  const hint = typeof value === 'string' ? didYouMean(value, options) : '';
  return issue(ctx, zodIssue.path, `unknown ${what} ${quoteValue(value)}; ${valid}${hint}`);
}

function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return data === undefined;
  const parent = dataAt(data, path.slice(0, -1));
  const key = path[path.length - 1];
  return isRecord(parent) && typeof key === 'string' && !(key in parent);
}

/** Converts zod issues into `path: message` issues with the wording operators need. */
export function translateZodIssues(zodIssues: readonly z.core.$ZodIssue[], ctx: TranslateContext): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const zodIssue of zodIssues) {
    switch (zodIssue.code) {
      case 'unrecognized_keys':
        out.push(...unknownKeyIssues(ctx, zodIssue));
        break;
      case 'invalid_union':
        out.push(unionIssue(ctx, zodIssue));
        break;
      case 'invalid_type':
        out.push(
          issue(
            ctx,
            zodIssue.path,
            isMissing(ctx.data, zodIssue.path)
              ? `required key is missing (expected ${zodIssue.expected})`
              : zodIssue.message.replace(/^Invalid input: /, ''),
          ),
        );
        break;
      case 'invalid_value': {
        const expected = zodIssue.message.replace(/^Invalid (option|input): /, '');
        if (isMissing(ctx.data, zodIssue.path)) {
          out.push(issue(ctx, zodIssue.path, `required key is missing (${expected})`));
          break;
        }
        const value = dataAt(ctx.data, zodIssue.path);
        const got = ctx.secretSafe || value === undefined ? '' : `, got ${quoteValue(value)}`;
        out.push(issue(ctx, zodIssue.path, `${expected}${got}`));
        break;
      }
      default:
        out.push(issue(ctx, zodIssue.path, zodIssue.message));
    }
  }
  return out;
}
