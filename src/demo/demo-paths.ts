import { join, resolve } from 'node:path';

/**
 * Where the demo keeps everything, under one folder (default ./var/demo): generated keys, the lanes'
 * configs and secrets, their SQLite folders and control sockets, the pty links, the camera picture and
 * the orchestrator's own socket. Absolute paths, so the lanes do not depend on their working directory.
 */
export interface DemoPaths {
  root: string;
  keysDir: string;
  centralKey: string;
  centralPublicKey: string;
  siteKey: string;
  dataFile: string;
  ptyDir: string;
  cameraDir: string;
  plcPki: string;
  orchestratorSocket: string;
  pidFile: string;
  lane(which: 'people' | 'vehicle'): LanePaths;
}

export interface LanePaths {
  config: string;
  secrets: string;
  dataDir: string;
  socket: string;
  log: string;
}

export function demoPaths(dir: string): DemoPaths {
  const root = resolve(dir);
  const keysDir = join(root, 'keys');
  return {
    root,
    keysDir,
    centralKey: join(keysDir, 'central-ed25519.pem'),
    centralPublicKey: join(keysDir, 'central-ed25519.pub'),
    siteKey: join(keysDir, 'site-hmac.key'),
    dataFile: join(root, 'demo-data.json'),
    ptyDir: join(root, 'pty'),
    cameraDir: join(root, 'camera'),
    plcPki: join(root, 'plc-pki'),
    orchestratorSocket: join(root, 'demo.sock'),
    pidFile: join(root, 'children.json'),
    lane: (which) => ({
      config: join(root, `${which}.yaml`),
      secrets: join(root, `${which}.secrets.yaml`),
      dataDir: join(root, which),
      socket: join(root, `${which}.sock`),
      log: join(root, `${which}.log`),
    }),
  };
}
