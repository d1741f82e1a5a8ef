import type { ControlContext } from './contract.js';
import { CommandError, errorReply, type ControlReply, type ControlRequest } from './protocol.js';
import type { CommandRegistry } from './registry.js';

export interface DispatchOutcome {
  reply: ControlReply;
  /** Set when a handler failed unexpectedly: the server logs it; the client only sees `internal`. */
  internalError?: unknown;
}

function formatArgIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .map((i) => `args${i.path.length ? `.${i.path.map(String).join('.')}` : ''}: ${i.message}`)
    .join('; ');
}

/**
 * Runs one parsed request against the command registry. Never throws: whatever a handler does,
 * the caller gets a reply to send.
 */
export async function dispatchRequest(
  registry: CommandRegistry,
  ctx: ControlContext,
  request: ControlRequest,
): Promise<DispatchOutcome> {
  const { id, cmd } = request;
  const command = registry.remote(cmd);
  if (!command) {
    const local = registry.get(cmd) ? ` ('${cmd}' runs inside lanectl, not in the daemon)` : '';
    const message = `unknown command '${cmd.slice(0, 64)}'${local}; valid: ${registry.remoteNames().join(', ')}`;
    return { reply: errorReply(id, 'unknown_command', message) };
  }
  const parsed = command.args.safeParse(request.args);
  if (!parsed.success) {
    return { reply: errorReply(id, 'bad_request', `${cmd}: ${formatArgIssues(parsed.error.issues)}`) };
  }
  try {
    const result = await command.handle(ctx, parsed.data);
    // `undefined` would vanish from the JSON reply; make "no result" explicit.
    return { reply: { id, ok: true, result: result === undefined ? null : result } };
  } catch (err) {
    if (err instanceof CommandError) return { reply: errorReply(id, err.code, err.message) };
    return { reply: errorReply(id, 'internal', `'${cmd}' failed inside the daemon; see its log`), internalError: err };
  }
}
