/**
 * Every parser and verifier in credentials/ answers with a discriminated union instead of
 * throwing: hostile input at the lane is normal traffic, not an exceptional event, and the
 * decision engine needs a stable reason code to explain a refusal.
 *
 * `detail` is for technicians and may reach logs, so it must never contain the presented data
 * (document numbers, token text, QR payloads, names): only positions, lengths, limits, codes.
 */
export interface Failure<R extends string> {
  ok: false;
  reason: R;
  detail: string;
}

export type Result<T, R extends string> = ({ ok: true } & T) | Failure<R>;

export function fail<R extends string>(reason: R, detail: string): Failure<R> {
  return { ok: false, reason, detail };
}

/** Error text from a caught exception, cut short; used only for exceptions raised by our own code or Node. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
