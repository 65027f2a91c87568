// Binance's SIGNED endpoint security (rest-api.md, "SIGNED endpoint security"; web-socket-api.md,
// "Request security"): an HMAC-SHA256 of the request's parameters with the API secret, hex encoded;
// REST signs the query string followed by the body, WebSocket API signs its params sorted by name;
// `timestamp` must be within `recvWindow` (default 5000 ms, at most 60000) of the server's time and no
// more than 1000 ms ahead of it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AuthFailure {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks the signature over `signed` (the raw parameters without `&signature=`) and the timestamp window. */
export function checkSigned(opts: { apiKey: string | undefined; expectedKey: string; secret: string; signed: string; signature: string | undefined; timestamp: string | undefined; recvWindow: string | undefined; serverNowMs: number }): AuthFailure | null {
  if (opts.apiKey !== opts.expectedKey) return { status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
  if (opts.signature === undefined) return { status: 400, code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
  if (opts.timestamp === undefined) return { status: 400, code: -1102, msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed." };
  if (!sameHex(hmacHex(opts.secret, opts.signed), opts.signature.toLowerCase())) return { status: 400, code: -1022, msg: 'Signature for this request is not valid.' };
  const ts = Number(opts.timestamp);
  const window = opts.recvWindow === undefined ? 5000 : Number(opts.recvWindow);
  if (!Number.isFinite(window) || window <= 0 || window > 60_000) return { status: 400, code: -1131, msg: 'recvWindow must be less than 60000' };
  if (!Number.isFinite(ts)) return { status: 400, code: -1100, msg: "Illegal characters found in parameter 'timestamp'; legal range is '^[0-9]{1,20}$'." };
  if (ts > opts.serverNowMs + 1000) return { status: 400, code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." };
  if (opts.serverNowMs - ts > window) return { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
  return null;
}

/** Splits a signed REST payload ("a=1&b=2&signature=abc") into what was signed and the signature. */
export function splitSignature(raw: string): { signed: string; signature: string | undefined } {
  const at = raw.lastIndexOf('&signature=');
  if (at < 0) return raw.startsWith('signature=') ? { signed: '', signature: raw.slice(10) } : { signed: raw, signature: undefined };
  return { signed: raw.slice(0, at), signature: raw.slice(at + 11) };
}

/** The WebSocket API's signed payload: every param but `signature`, sorted by name, as key=value joined by '&'. */
export function wsSignedPayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
}
