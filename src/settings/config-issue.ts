/** One configuration problem. The daemon reports all of them at once, one `path: message` line each. */
export interface ConfigIssue {
  /** JSON-ish path such as `devices[1].baudRate`; empty for the whole document; `file:line:col` for YAML syntax. */
  path: string;
  message: string;
  /** 1-based line in the source file when it is known; lets editors and lanectl point at the spot. */
  line?: number;
}

/** sysexits.h EX_CONFIG: the daemon exits with this when the configuration is invalid, before starting anything. */
export const EX_CONFIG = 78;

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Turns ['devices', 1, 'baudRate'] into `devices[1].baudRate`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else {
      const key = String(segment);
      if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
