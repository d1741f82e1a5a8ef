import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { ConfigIssue } from './config-issue.js';
import { readPrivateFile } from './private-file.js';
import { isRecord } from './schema-walk.js';
import { parseYamlSource } from './yaml-source.js';
import { translateZodIssues } from './zod-issues.js';

/**
 * Parses an Ed25519 public key given as base64 (32 raw bytes or a DER SPKI) or as a PEM block.
 * Returns undefined for anything else, including keys of other algorithms.
 */
export function parseEd25519PublicKey(text: string): KeyObject | undefined {
  try {
    const trimmed = text.trim();
    let key: KeyObject;
    if (trimmed.startsWith('-----BEGIN')) {
      key = createPublicKey(trimmed);
    } else {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return undefined;
      const bytes = Buffer.from(trimmed, 'base64');
      key =
        bytes.length === 32
          ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' })
          : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    }
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

export const laneSecretsSchema = z.strictObject({
  mqttPassword: z.string().min(1, { message: 'must not be empty' }).optional(),
  siteHmacKey: z
    .string()
    .min(32, { message: 'must be at least 32 characters (generate one with: openssl rand -base64 48)' })
    .optional(),
  /** Keys that sign commands and lists from the central system; several during a key rotation. */
  centralPublicKeys: z
    .array(
      z.string().refine((text) => parseEd25519PublicKey(text) !== undefined, {
        message: 'not an Ed25519 public key (expected base64 of 32 raw bytes or a DER SPKI, or a PEM block)',
      }),
    )
    .optional(),
});

export type LaneSecrets = z.output<typeof laneSecretsSchema>;

export type SecretsResult = { ok: true; secrets: LaneSecrets } | { ok: false; issues: ConfigIssue[] };

/**
 * Reads and validates the secrets file. Refuses a file that other users can access (the rule of
 * private-file.ts, checked on the open descriptor). No message ever contains a secret value: only
 * key names, positions and error codes.
 */
export function loadSecretsFile(path: string): SecretsResult {
  const fail = (message: string): SecretsResult => ({ ok: false, issues: [{ path: 'secretsFile', message }] });

  const read = readPrivateFile(path, 'secrets file');
  if (!read.ok) return fail(read.reason);
  const text = read.bytes.toString('utf8');

  const source = parseYamlSource(text, path, { secretSafe: true });
  if (source.issues.length > 0) return { ok: false, issues: source.issues };
  if (!isRecord(source.data)) return fail(`secrets file ${path} must be a YAML mapping of keys`);

  const parsed = laneSecretsSchema.safeParse(source.data);
  if (!parsed.success) {
    const issues = translateZodIssues(parsed.error.issues, {
      schema: laneSecretsSchema,
      data: source.data,
      pathPrefix: ['secrets'],
      locate: source.lineOf,
      secretSafe: true,
    });
    return { ok: false, issues };
  }
  return { ok: true, secrets: parsed.data };
}
