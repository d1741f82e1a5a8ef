import type { ServerResponse } from 'node:http';

/**
 * Headers on every response. The page loads only its own script and stylesheet (no inline code, so an
 * injected string could not run even if escaping failed somewhere), cannot be framed, and nothing is
 * cached: a kiosk browser must never show yesterday's instruction from its cache.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': contentType,
    'Content-Length': String(payload.length),
    ...extra,
  });
  res.end(payload);
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  send(res, status, 'text/plain; charset=utf-8', `${text}\n`, extra);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/**
 * The request's path, or null when the target is not a plain origin-form path. Percent-encoding is
 * NOT decoded: routes are compared byte for byte against a fixed list, so `/%2e%2e/` or `/app.js/..`
 * simply match nothing. There is no file system behind the routes to traverse.
 */
export function requestPath(url: string | undefined): string | null {
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//')) return null;
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
