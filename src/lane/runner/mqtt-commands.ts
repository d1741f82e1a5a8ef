/**
 * The central system's actuator commands (open, close, hold-open, set-mode over MQTT) executed
 * through LaneControl, so they go through the same interlocks as everything else: a command never
 * bypasses them, and a refused one is answered `rejected: interlock` with the reason.
 * The other commands stay with the basic handler (src/sync/commands/basic-command-handler.ts).
 */
import type { Actor, LaneControl, LaneServiceMode } from '../../control/lane-control.js';
import type { HandlerResult, LaneCommand, LaneCommandHandler } from '../../sync/commands/lane-command-handler.js';
import type { Clock, TimerHandle } from '../../util/clock.js';

export interface MqttActuatorDeps {
  lane: LaneControl;
  /** The barrier an `open`/`close` command moves: the exit door of a people lane, the boom of a vehicle lane. */
  passBarrier: string;
  clock: Clock;
}

const MODES: Readonly<Record<string, LaneServiceMode>> = { normal: 'normal', locked: 'closed', 'free-pass': 'free-pass', maintenance: 'maintenance' };

/** The envelope has no issuer field: the command id stands for who asked (it is in the central audit trail). */
function actorOf(cmd: LaneCommand): Actor {
  const id = `central-${cmd.id}`.replace(/[^A-Za-z0-9._@-]/gu, '-').slice(0, 64);
  return { source: 'mqtt', id };
}

export function createMqttActuatorHandler(deps: MqttActuatorDeps): LaneCommandHandler & { stop(): void } {
  let holdTimer: TimerHandle | null = null;
  const result = (r: { accepted: boolean; reason?: string; detail?: string }): HandlerResult =>
    r.accepted ? { status: 'done', ...(r.detail ? { detail: r.detail } : {}) } : { status: 'rejected', reason: 'interlock', detail: `${r.reason ?? 'refused'}: ${r.detail ?? ''}`.slice(0, 200) };
  return {
    stop(): void {
      holdTimer?.cancel();
      holdTimer = null;
    },
    async execute(cmd: LaneCommand): Promise<HandlerResult> {
      const actor = actorOf(cmd);
      switch (cmd.name) {
        case 'open':
          return result(await deps.lane.command(deps.passBarrier, 'open', actor));
        case 'close':
          return result(await deps.lane.command(deps.passBarrier, 'close', actor));
        case 'hold-open': {
          const r = await deps.lane.command(deps.passBarrier, 'hold-open', actor);
          if (!r.accepted) return result(r);
          holdTimer?.cancel();
          // The release is a closing movement: the interlocks defer it while anyone is in the way.
          holdTimer = deps.clock.setTimeout(() => {
            holdTimer = null;
            void deps.lane.command(deps.passBarrier, 'release-hold', actor);
          }, cmd.args.seconds * 1000);
          return { status: 'done', detail: `held open for ${cmd.args.seconds} s` };
        }
        case 'set-mode': {
          const mode = MODES[cmd.args.mode];
          if (!mode) return { status: 'rejected', reason: 'not-supported', detail: `unknown mode ${cmd.args.mode}` };
          return result(await deps.lane.setMode(mode, actor));
        }
        default:
          return { status: 'rejected', reason: 'not-supported', detail: `'${cmd.name}' is not an actuator command` };
      }
    },
  };
}
