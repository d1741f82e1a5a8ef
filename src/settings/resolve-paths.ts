import { join, resolve } from 'node:path';
import type { ConfigIssue } from './config-issue.js';
import type { LaneConfig, ParsedLaneConfig } from './lane-config.schema.js';

/** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/**
 * Fills in the defaults that depend on other keys and makes every path absolute. Relative paths resolve
 * against the process working directory (not the config file's directory): the demo runs from the project
 * root with ./var, production configs use absolute paths. Device paths (/dev/...) are left as written.
 */
export function resolveConfigPaths(parsed: ParsedLaneConfig, cwd: string): { config: LaneConfig; issues: ConfigIssue[] } {
  const abs = (path: string): string => resolve(cwd, path);
  const dataDir = abs(parsed.storage.dataDir);
  const config: LaneConfig = {
    ...parsed,
    storage: {
      ...parsed.storage,
      dataDir,
      evidenceDir: parsed.storage.evidenceDir === undefined ? join(dataDir, 'evidence') : abs(parsed.storage.evidenceDir),
    },
    control: {
      ...parsed.control,
      socketPath: parsed.control.socketPath === undefined ? join(dataDir, 'lanectl.sock') : abs(parsed.control.socketPath),
    },
    mqtt: {
      ...parsed.mqtt,
      ...(parsed.mqtt.tls === undefined
        ? {}
        : {
            tls: {
              ...parsed.mqtt.tls,
              ...(parsed.mqtt.tls.caFile === undefined ? {} : { caFile: abs(parsed.mqtt.tls.caFile) }),
              ...(parsed.mqtt.tls.certFile === undefined ? {} : { certFile: abs(parsed.mqtt.tls.certFile) }),
              ...(parsed.mqtt.tls.keyFile === undefined ? {} : { keyFile: abs(parsed.mqtt.tls.keyFile) }),
            },
          }),
    },
    ...(parsed.secretsFile === undefined ? {} : { secretsFile: abs(parsed.secretsFile) }),
  };

  const issues: ConfigIssue[] = [];
  const socketBytes = Buffer.byteLength(config.control.socketPath);
  if (socketBytes > MAX_UNIX_SOCKET_PATH_BYTES) {
    issues.push({
      path: 'control.socketPath',
      message: `resolved socket path is ${socketBytes} bytes; Unix sockets allow at most ${MAX_UNIX_SOCKET_PATH_BYTES} (set a shorter control.socketPath)`,
    });
  }
  return { config, issues };
}
