/** Why a model could not be used; `fix` is the operator's next step, also part of the message. */
export type ModelErrorCode = 'unknown_model' | 'model_missing' | 'model_hash_mismatch' | 'model_wrong_kind' | 'model_load_failed';

export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    readonly modelId: string,
    readonly path: string | null,
    detail: string,
    readonly fix: string,
  ) {
    super(`model '${modelId}'${path ? ` (${path})` : ''}: ${detail}; fix: ${fix}`);
    this.name = 'ModelError';
  }
}
