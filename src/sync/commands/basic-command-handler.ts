import type { EvidenceUploadResult } from '../evidence-upload.js';
import type { SyncStatusSnapshot } from '../sync-status.js';
import type { HandlerResult, LaneCommand, LaneCommandHandler } from './lane-command-handler.js';

/** The parts of MqttLink the basic handler uses (a function: the link is built after the handler). */
export interface LinkForCommands {
  syncNow(opts: { resyncLists?: boolean }): { connected: boolean; pending: number };
  sendEvidence(ref: string): Promise<EvidenceUploadResult>;
  status(): SyncStatusSnapshot;
}

export interface BasicHandlerDeps {
  link(): LinkForCommands | null;
  /** The daemon's reload (LaneDaemon.reloadConfig). */
  reloadConfig(): Promise<{ ok: boolean; applied: string[]; needsRestart: string[]; errors: string[] }>;
  /** The daemon's status for the snapshot command (LaneDaemon.status). */
  laneStatus?(): unknown;
  /**
   * The lane runner, for open, close, hold-open and set-mode, which go through its safety
   * interlocks. Absent: those commands are rejected as not-supported.
   */
  actuators?: LaneCommandHandler;
}

/**
 * What the daemon answers commands with until the lane runner exists: reload-config, sync-now,
 * snapshot and send-evidence are executed here; actuator commands are delegated to the lane
 * runner when there is one, else rejected (not-supported) without touching anything.
 */
export function createBasicCommandHandler(deps: BasicHandlerDeps): LaneCommandHandler {
  return {
    async execute(cmd: LaneCommand): Promise<HandlerResult> {
      switch (cmd.name) {
        case 'reload-config': {
          const r = await deps.reloadConfig();
          if (!r.ok) return { status: 'failed', detail: `config refused: ${r.errors.slice(0, 5).join('; ')}` };
          return { status: 'done', detail: `applied ${r.applied.length} key(s)`, data: { applied: r.applied, needsRestart: r.needsRestart } };
        }
        case 'sync-now': {
          const link = deps.link();
          if (link === null) return { status: 'failed', detail: 'MQTT link not running' };
          const r = link.syncNow({ resyncLists: cmd.args.resyncLists });
          return { status: 'done', data: r };
        }
        case 'snapshot': {
          const link = deps.link();
          const sync = link?.status();
          // Connection details are enough here; per-list versions are in the state message.
          return { status: 'done', data: { lane: deps.laneStatus?.() ?? null, sync: sync ?? null } };
        }
        case 'send-evidence': {
          const link = deps.link();
          if (link === null) return { status: 'failed', detail: 'MQTT link not running' };
          const r = await link.sendEvidence(cmd.args.ref);
          return r.ok ? { status: 'done', data: { id: r.id, bytes: r.bytes } } : { status: 'failed', detail: `${r.reason}: ${r.detail}` };
        }
        case 'open':
        case 'close':
        case 'hold-open':
        case 'set-mode':
          if (deps.actuators !== undefined) return deps.actuators.execute(cmd);
          return { status: 'rejected', reason: 'not-supported', detail: `'${cmd.name}' needs the lane runner, which this daemon does not run yet` };
      }
    },
  };
}
