import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';

/** An OPC UA node id in string form: `ns=2;s=Gate.Open`, `ns=3;i=1001`, `i=85`. */
export const nodeIdSchema = z
  .string()
  .regex(/^(ns=\d+;)?(s=.+|i=\d+|g=[0-9a-fA-F-]{36}|b=[A-Za-z0-9+/=]+)$/, { message: "must be an OPC UA node id such as 'ns=2;s=Gate.Open' or 'ns=3;i=1001'" });

const securitySchema = z
  .strictObject({
    // No default on purpose: an unencrypted PLC link must be a written decision in the config.
    mode: z.enum(['None', 'Sign', 'SignAndEncrypt']).describe("Message security; 'None' only when written here explicitly."),
    policy: z
      .enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'])
      .optional()
      .describe('Security policy; default Basic256Sha256 for Sign/SignAndEncrypt, None for mode None.'),
    pkiDir: z.string().min(1).describe("Client PKI folder (own certificate, trusted/ and rejected/ server certificates)."),
    certificateFile: z.string().min(1).optional().describe('Client certificate (PEM); generated in pkiDir when absent.'),
    privateKeyFile: z.string().min(1).optional().describe('Client private key (PEM).'),
    acceptUnknownServerCertificate: z
      .boolean()
      .default(false)
      .describe('Trust a PLC certificate not in pkiDir/trusted on first contact (commissioning only).'),
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'None' && s.policy !== undefined && s.policy !== 'None') {
      ctx.addIssue({ code: 'custom', path: ['policy'], message: "mode None carries no policy; use mode Sign or SignAndEncrypt for '" + s.policy + "'" });
    }
    if (s.mode !== 'None' && s.policy === 'None') {
      ctx.addIssue({ code: 'custom', path: ['policy'], message: `mode ${s.mode} needs a real policy (e.g. Basic256Sha256)` });
    }
    if ((s.certificateFile === undefined) !== (s.privateKeyFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['certificateFile'], message: 'give both certificateFile and privateKeyFile, or neither' });
    }
  });

const commandsSchema = z.discriminatedUnion('style', [
  z.strictObject({
    style: z.literal('method').describe('Each movement is an OPC UA method without arguments.'),
    objectId: nodeIdSchema.describe('Object the methods belong to.'),
    open: nodeIdSchema,
    close: nodeIdSchema,
    stop: nodeIdSchema.optional(),
    holdOpen: nodeIdSchema.optional(),
    releaseHold: nodeIdSchema.optional(),
  }),
  z.strictObject({
    style: z.literal('variable').describe('Movements are codes written to one command variable (Int32).'),
    nodeId: nodeIdSchema,
    codes: z
      .strictObject({
        open: z.int().default(1),
        close: z.int().default(2),
        stop: z.int().optional(),
        holdOpen: z.int().optional(),
        releaseHold: z.int().optional(),
      })
      .prefault({}),
  }),
]);

export const opcuaBarrierConfigSchema = z.strictObject({
  type: z.literal('opcua-barrier').describe('Barrier or door behind a PLC, over OPC UA (node-opcua client).'),
  name: deviceNameSchema.describe('Device name, unique in the lane.'),
  role: z.enum(['vehicle-barrier', 'egress-door', 'door']),
  endpoint: z.string().regex(/^opc\.tcp:\/\/[^\s/]+(:\d+)?(\/.*)?$/, { message: "must be an opc.tcp:// URL, e.g. 'opc.tcp://10.0.0.20:4840'" }),
  security: securitySchema,
  commands: commandsSchema,
  nodes: z.strictObject({
    position: nodeIdSchema.describe('Int32: 0 unknown, 1 opened, 2 closed, 3 opening, 4 closing, 5 stopped.'),
    openedLimit: nodeIdSchema.optional(),
    closedLimit: nodeIdSchema.optional(),
    fault: nodeIdSchema.optional().describe('Boolean or Int32; true / non-zero = fault.'),
    heartbeat: nodeIdSchema.describe('UInt32 the driver increments every heartbeatMs; the PLC watches it.'),
    presence: z
      .array(z.strictObject({ input: deviceNameSchema, nodeId: nodeIdSchema }))
      .default([])
      .describe('Loop occupancy / beams reported by the PLC (Boolean).'),
  }),
  publishingIntervalMs: z.int().min(50).max(100).default(100).describe('Subscription publishing and sampling interval.'),
  heartbeatMs: z.int().min(100).max(10_000).default(1_000),
  livenessTimeoutMs: z.int().min(500).max(60_000).default(3_000).describe('No publish/keep-alive for this long: the link is dead (cable pull).'),
  callTimeoutMs: z.int().min(200).max(30_000).default(2_000).describe('Bound on one method call or write.'),
});

export type OpcuaBarrierConfig = z.infer<typeof opcuaBarrierConfigSchema>;
