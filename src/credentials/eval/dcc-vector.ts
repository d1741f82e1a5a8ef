import { z } from 'zod';

/**
 * One EU DCC test vector file (dgc-testdata layout). Every representation is optional: a
 * vector carries only what its test needs. Unknown keys are kept and ignored.
 */
export const DccVectorSchema = z.looseObject({
  PREFIX: z.string().optional(),
  BASE45: z.string().optional(),
  COMPRESSED: z.string().optional(),
  COSE: z.string().optional(),
  CBOR: z.string().optional(),
  JSON: z.unknown().optional(),
  TESTCTX: z
    .looseObject({
      CERTIFICATE: z.string().optional(),
      VALIDATIONCLOCK: z.string().optional(),
      DESCRIPTION: z.string().optional(),
    })
    .optional(),
  EXPECTEDRESULTS: z.record(z.string(), z.unknown()),
});

export type DccVector = z.infer<typeof DccVectorSchema>;

/** Steps this project implements, by their flag name in EXPECTEDRESULTS. */
export const IN_SCOPE_FLAGS = [
  'EXPECTEDUNPREFIX',
  'EXPECTEDB45DECODE',
  'EXPECTEDCOMPRESSION',
  'EXPECTEDDECODE',
  'EXPECTEDVALIDJSON',
  'EXPECTEDVERIFY',
  'EXPECTEDEXPIRATIONCHECK',
  'EXPECTEDKEYUSAGE',
] as const;
export type InScopeFlag = (typeof IN_SCOPE_FLAGS)[number];

/** Steps deliberately not implemented, and why (reported by `lanectl eval qr`). */
export const OUT_OF_SCOPE_FLAGS: Readonly<Record<string, string>> = {
  EXPECTEDPICTUREDECODE: 'QR image decoding happens in the scanner; the lane receives text',
  EXPECTEDSCHEMAVALIDATION: 'health-certificate JSON schema (DCC business content) is not validated',
  EXPECTEDVALIDOBJECT: 'issuer-side JSON schema check of the source object',
  EXPECTEDENCODE: 'issuer-side CBOR encoding; the lane only decodes',
};

export function isInScopeFlag(flag: string): flag is InScopeFlag {
  return (IN_SCOPE_FLAGS as readonly string[]).includes(flag);
}

export function hexBytes(hex: string): Uint8Array | undefined {
  const clean = hex.trim();
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/u.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
