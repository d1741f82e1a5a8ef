// Public API of the settings module. Other modules import from here only.
export { type ConfigIssue, EX_CONFIG, formatIssue, formatPath } from './config-issue.js';
export { type LaneConfig, laneConfigSchema, LOG_LEVELS } from './lane-config.schema.js';
export { type LaneSecrets, laneSecretsSchema, parseEd25519PublicKey } from './secrets.js';
export { loadConfigFile, type LoadOptions, type LoadResult, SECRETS_FILE_ENV } from './load.js';
export { validateConfigText, type ValidateOptions, type ValidateResult } from './validate.js';
export { appliesLive, diffConfig } from './diff.js';
export { lastGoodPath, writeLastGood } from './last-good.js';
export { buildJsonSchema, renderJsonSchema } from './json-schema.js';
export { checkConfigFile, type ConfigCheckReport } from './check-command.js';
export { ENV_OVERRIDE_PREFIX } from './env-overrides.js';
