/**
 * Public surface of the MQTT link (docs/mqtt.md). The composition root builds MqttLink; lanectl
 * commands use the status types; the lane runner implements LaneCommandHandler.
 */
export { MqttLink, type MqttLinkOptions } from './mqtt-link.js';
export type { LaneStateInfo } from './availability.js';
export type { LaneCommand, LaneCommandHandler, HandlerResult, HandlerRejection } from './commands/lane-command-handler.js';
export { createBasicCommandHandler, type BasicHandlerDeps, type LinkForCommands } from './commands/basic-command-handler.js';
export type { EvidenceSource, EvidenceUploadResult } from './evidence-upload.js';
export type { SyncStore } from './store-port.js';
export type { SyncStatusSnapshot, OutboxSnapshot, OutboxRowSummary } from './sync-status.js';
export { DEFAULT_SYNC_TUNING, type SyncTuning } from './sync-tuning.js';
export { LaneTopics, EVENT_TYPES, type EventType } from './topics.js';
export { COMMAND_NAMES, type CommandName } from './wire/down-messages.js';
export type { CmdResult, StateMessage, EventMessage, RejectionReason, LaneOperatingMode } from './wire/up-messages.js';
