import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RUN_DIR } from '../control/client.js';

export interface SocketSearch {
  /** --socket PATH */
  socket?: string;
  /** --lane ID */
  lane?: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Where systemd units put their sockets; tests point it at a temp dir. */
  runDir?: string;
}

export type SocketResolution =
  | { ok: true; path: string; source: 'option' | 'env' | 'lane' | 'demo' | 'demo-lane' | 'only-lane' }
  /** usage: the person must choose (exit 2); otherwise nothing was found (exit 69). */
  | { ok: false; usage: boolean; message: string };

/** Lane ids become file names: keep them to a safe alphabet (no `/`, no `..`). */
export const LANE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The demo's default (control.socketPath = ${storage.dataDir}/lanectl.sock, dataDir ./var). */
export const DEMO_SOCKET = 'var/lanectl.sock';

/** The two-lane demo (npm start) puts each lane's socket here as <lane>.sock (src/demo/demo-paths.ts). */
export const DEMO_DIR = 'var/demo';

/** The demo orchestrator's own socket in DEMO_DIR: it speaks the protocol but is not a lane daemon. */
const DEMO_ORCHESTRATOR_SOCKET = 'demo.sock';

function listLaneSockets(runDir: string): string[] {
  try {
    return readdirSync(runDir)
      .filter((name) => name.endsWith('.sock'))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Which socket lanectl talks to, first match wins: --socket, $LANECTL_SOCKET, --lane ID,
 * ./var/lanectl.sock when it exists, the only lane *.sock in ./var/demo (several: the person
 * picks one with --socket), the only *.sock in /run/lane-controller.
 */
export function resolveSocketPath(search: SocketSearch): SocketResolution {
  const runDir = search.runDir ?? RUN_DIR;
  if (search.socket) return { ok: true, path: resolve(search.cwd, search.socket), source: 'option' };
  const fromEnv = search.env.LANECTL_SOCKET;
  if (fromEnv) return { ok: true, path: resolve(search.cwd, fromEnv), source: 'env' };
  if (search.lane !== undefined) {
    if (!LANE_ID_PATTERN.test(search.lane)) {
      return { ok: false, usage: true, message: `--lane '${search.lane}' is not a lane id (letters, digits, . _ -)` };
    }
    return { ok: true, path: join(runDir, `${search.lane}.sock`), source: 'lane' };
  }
  const demo = resolve(search.cwd, DEMO_SOCKET);
  if (existsSync(demo)) return { ok: true, path: demo, source: 'demo' };
  const demoDir = resolve(search.cwd, DEMO_DIR);
  const demoLanes = listLaneSockets(demoDir).filter((name) => name !== DEMO_ORCHESTRATOR_SOCKET);
  if (demoLanes.length === 1) return { ok: true, path: join(demoDir, demoLanes[0] as string), source: 'demo-lane' };
  if (demoLanes.length > 1) {
    const paths = demoLanes.map((name) => `${DEMO_DIR}/${name}`);
    return { ok: false, usage: true, message: `several demo lanes run here (${paths.join(', ')}); pick one with --socket, e.g. --socket ${paths[0]}` };
  }
  const lanes = listLaneSockets(runDir);
  if (lanes.length === 1) return { ok: true, path: join(runDir, lanes[0] as string), source: 'only-lane' };
  if (lanes.length > 1) {
    const ids = lanes.map((name) => name.slice(0, -'.sock'.length));
    return { ok: false, usage: true, message: `several lanes run here (${ids.join(', ')}); pick one with --lane ID` };
  }
  return {
    ok: false,
    usage: false,
    message: `no control socket found (looked for ./${DEMO_SOCKET}, ./${DEMO_DIR}/*.sock and ${runDir}/*.sock); is a lane daemon running? Use --socket PATH or --lane ID`,
  };
}
