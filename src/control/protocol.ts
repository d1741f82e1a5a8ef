/**
 * The wire format of the control socket: newline-delimited JSON, one request per line, one
 * reply line per request. Shared by the server (src/control/server.ts) and the client
 * (src/control/client.ts); documented for humans in docs/lanectl.md.
 *
 *   request  {"id": 1, "cmd": "status", "args": {}}
 *   reply    {"id": 1, "ok": true, "result": {...}}
 *            {"id": 1, "ok": false, "error": {"code": "unknown_command", "message": "..."}}
 */

export type RequestId = string | number;

/** Codes every command may produce; commands add their own (e.g. `invalid_level`). */
export const PROTOCOL_ERROR_CODES = [
  'bad_json',
  'bad_request',
  'unknown_command',
  'too_large',
  'rate_limited',
  'too_many_connections',
  'internal',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export interface ControlRequest {
  id: RequestId;
  cmd: string;
  args: Record<string, unknown>;
}

export interface ErrorBody {
  code: string;
  message: string;
}

export type ControlReply =
  | { id: RequestId | null; ok: true; result: unknown }
  | { id: RequestId | null; ok: false; error: ErrorBody };

/**
 * Thrown by a command handler to answer with a specific code instead of `internal`.
 * Anything else a handler throws becomes `internal` (and is logged, not sent: the message of
 * an unexpected error may carry details the client has no business seeing).
 */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export type ParsedRequest =
  | { ok: true; request: ControlRequest }
  | { ok: false; id: RequestId | null; error: ErrorBody };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is RequestId {
  return (typeof value === 'string' && value.length <= 128) || (typeof value === 'number' && Number.isFinite(value));
}

/** Turns one request line (without its newline) into a request or a reason it is not one. */
export function parseRequestLine(line: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, id: null, error: { code: 'bad_json', message: `request is not valid JSON: ${why}` } };
  }
  if (!isRecord(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { ok: false, id: null, error: { code: 'bad_request', message: `request must be a JSON object, got ${got}` } };
  }
  // Echo the id whenever it is usable, so a client can match even a refused request.
  const id = isRequestId(value.id) ? value.id : null;
  if (value.id === undefined || id === null) {
    return { ok: false, id, error: { code: 'bad_request', message: 'request needs an "id" (string or number)' } };
  }
  if (typeof value.cmd !== 'string' || value.cmd.trim() === '') {
    return { ok: false, id, error: { code: 'bad_request', message: 'request needs a "cmd" (non-empty string)' } };
  }
  if (value.args !== undefined && !isRecord(value.args)) {
    return { ok: false, id, error: { code: 'bad_request', message: '"args" must be a JSON object when given' } };
  }
  return { ok: true, request: { id, cmd: value.cmd.trim(), args: value.args ?? {} } };
}

export function encodeReply(reply: ControlReply): string {
  return `${JSON.stringify(reply)}\n`;
}

export function encodeRequest(request: ControlRequest): string {
  return `${JSON.stringify(request)}\n`;
}

export function errorReply(id: RequestId | null, code: string, message: string): ControlReply {
  return { id, ok: false, error: { code, message } };
}

/** Checks the shape of a reply line read by the client; returns null when it is not a reply. */
export function parseReplyLine(line: string): ControlReply | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value.ok !== 'boolean') return null;
  const id = isRequestId(value.id) ? value.id : null;
  if (value.ok) return { id, ok: true, result: value.result };
  const error = value.error;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') return null;
  return { id, ok: false, error: { code: error.code, message: error.message } };
}
