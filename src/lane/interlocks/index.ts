export * from './types.js';
export {
  EGRESS_CHECK_TIMER,
  blockingInputs,
  failStateOf,
  initialInterlockState,
  isLaneFaulted,
  stepInterlock,
  validateInterlockConfig,
} from './interlock-machine.js';
