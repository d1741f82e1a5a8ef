export * from './types.js';
export { decide } from './decide.js';
export { REASON_RULES } from './reason-effects.js';
export type { ReasonEffect, ReasonRule } from './reason-effects.js';
export { DEFAULT_PEOPLE_POLICY, DEFAULT_VEHICLE_POLICY } from './default-policies.js';
