import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigIssue } from './config-issue.js';

/** A parsed YAML document plus a way to find the line of any config path in it. */
export interface YamlSource {
  /** undefined when the document has syntax errors or is empty. */
  data: unknown;
  /** Syntax errors (all of them) and the empty-document case. */
  issues: ConfigIssue[];
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/**
 * Parses YAML 1.2 (core schema: `on`/`yes` stay strings, duplicate keys are errors).
 * With `secretSafe` (the secrets file) messages carry only the error code and position, because some of
 * yaml's messages quote a token of the source.
 */
export function parseYamlSource(text: string, sourceName: string, opts: { secretSafe?: boolean } = {}): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });

  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);

  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(segment));
        if (pair === undefined) return line;
        const keyNode = pair.key as Node | null;
        if (keyNode?.range) line = at(keyNode.range[0]).line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        const range = (node as Node | null)?.range;
        if (range) line = at(range[0]).line;
      } else {
        return line;
      }
    }
    const range = (node as Node | null)?.range;
    return path.length === 0 && range ? at(range[0]).line : line;
  };

  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const { line, col } = at(error.pos[0]);
      // The first line of yaml's message names the problem; later lines would quote the source.
      const reason = opts.secretSafe
        ? error.code
        : `${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')} (${error.code})`;
      return { path: `${sourceName}:${line}:${col}`, message: `YAML syntax error: ${reason}`, line };
    });
    return { data: undefined, issues, lineOf };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Alias expansion limits ("billion laughs") end up here.
    const reason = error instanceof Error && !opts.secretSafe ? (error.message.split('\n')[0] ?? 'unreadable') : 'alias expansion failed';
    return { data: undefined, issues: [{ path: '', message: `YAML could not be read: ${reason}` }], lineOf };
  }
  if (data === undefined || data === null) {
    return { data: undefined, issues: [{ path: '', message: `${sourceName} is empty (no YAML content)` }], lineOf };
  }
  return { data, issues: [], lineOf };
}
