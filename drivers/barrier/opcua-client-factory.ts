import { mkdirSync } from 'node:fs';
import type { OPCUAClient } from 'node-opcua';
import type { OpcuaBarrierConfig } from './opcua-barrier.config.js';

/**
 * Builds the node-opcua client for one PLC link from config. node-opcua is loaded here, at open, so a
 * lane without a PLC never pays its start-up cost (about a second). The client never reconnects by
 * itself (maxRetry 0): a lost link is reported as `down` and the DeviceSupervisor builds a new client,
 * session AND subscription, the part naive clients forget after a cable pull.
 */
export async function createOpcuaClient(config: OpcuaBarrierConfig): Promise<{ client: OPCUAClient; opcua: typeof import('node-opcua') }> {
  const opcua = await import('node-opcua');
  const { security } = config;
  mkdirSync(security.pkiDir, { recursive: true });
  const clientCertificateManager = new opcua.OPCUACertificateManager({
    rootFolder: security.pkiDir,
    automaticallyAcceptUnknownCertificate: security.acceptUnknownServerCertificate,
  });
  await clientCertificateManager.initialize();
  const policy = security.policy ?? (security.mode === 'None' ? 'None' : 'Basic256Sha256');
  const client = opcua.OPCUAClient.create({
    applicationName: `lane-controller-${config.name}`,
    endpointMustExist: false,
    securityMode: opcua.MessageSecurityMode[security.mode],
    securityPolicy: opcua.SecurityPolicy[policy],
    clientCertificateManager,
    ...(security.certificateFile ? { certificateFile: security.certificateFile, privateKeyFile: security.privateKeyFile } : {}),
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    keepSessionAlive: true,
    requestedSessionTimeout: 60_000,
    defaultTransactionTimeout: config.callTimeoutMs,
  });
  return { client, opcua };
}
