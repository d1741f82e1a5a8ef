import type { CommandArgs, CommandName } from '../wire/down-messages.js';

/**
 * What the lane does with a verified, not replayed, not expired command. The MQTT link never
 * touches the lane hardware: it hands the command to this interface, which the lane runner
 * implements through its safety interlocks (a command never bypasses them). Until that runner
 * exists, the composition root wires createBasicCommandHandler (basic-command-handler.ts).
 */
export type LaneCommand = {
  [N in CommandName]: { id: string; name: N; args: CommandArgs<N>; issuedAt: number; expiresAt: number };
}[CommandName];

export type HandlerRejection = 'not-supported' | 'interlock' | 'busy';

export type HandlerResult =
  | { status: 'done'; detail?: string; data?: Record<string, unknown> }
  | { status: 'failed'; detail: string; data?: Record<string, unknown> }
  /** Refused without doing anything (e.g. an interlock: door blocked, lane occupied). */
  | { status: 'rejected'; reason: HandlerRejection; detail?: string };

export interface LaneCommandHandler {
  execute(cmd: LaneCommand): Promise<HandlerResult>;
}
