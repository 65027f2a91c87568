// What a ccxt error means for Sextant (docs/venues/binance.md, "Faults"). ccxt already turns a venue's
// codes into its own classes (Binance -2010 -> InvalidOrder, -2011/-2013 -> OrderNotFound, -1021 ->
// InvalidNonce, 429/418 -> DDoSProtection, 5xx -> ExchangeNotAvailable, a timeout -> RequestTimeout); this
// file groups them by what the adapter does next:
// - 'ambiguous': the request may or may not have reached the venue (network, timeout, 5xx, rate limit,
//   a reply that could not be read). A submit is looked up by client order id before anything is resent.
// - 'clock': the venue refused the timestamp (Binance -1021). Nothing happened; resync the clock, resend.
// - 'not-found' / 'duplicate' / 'rejected': the venue answered no; surface it, never resend.
import { BadResponse, DDoSProtection, ExchangeNotAvailable, InsufficientFunds, InvalidNonce, InvalidOrder, NetworkError, OrderNotFound, RequestTimeout, AuthenticationError, BaseError } from 'ccxt';
import { RetryableVenueError, VenueRejectedError } from '../../core/errors.ts';
import { redact } from '../shared/credentials.ts';

export type CcxtErrorKind = 'ambiguous' | 'clock' | 'not-found' | 'duplicate' | 'insufficient-funds' | 'auth' | 'rejected';

export interface ClassifiedError {
  readonly kind: CcxtErrorKind;
  /** Short, credential-free reason (the venue's own message where it gave one). */
  readonly reason: string;
  /** The wait a 429/418 asked for, when the answer said (Retry-After). */
  readonly retryAfterMs?: number;
}

/** The text for a client order id already in use: Binance's -2010 "Duplicate order sent", OKX's 51016 "Duplicated clOrdId". */
const DUPLICATE = /duplicate order|duplicated clordid|"sCode"\s*:\s*"51016"/i;

/** The venue's message out of a ccxt error text ("binance {"code":-2010,"msg":"..."}"): code and msg when present. */
export function venueMessage(text: string): string {
  const m = /\{[^{}]*"code"\s*:\s*(-?\d+)[^{}]*"msg"\s*:\s*"((?:[^"\\]|\\.)*)"[^{}]*\}/.exec(text);
  if (m !== null) return `${m[2]} (code ${m[1]})`;
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

export function classifyCcxtError(e: unknown, secrets: readonly (string | undefined)[] = [], retryAfterMs?: number): ClassifiedError {
  const text = redact(e instanceof Error ? e.message : String(e), secrets);
  const reason = venueMessage(text);
  if (e instanceof InvalidNonce) return { kind: 'clock', reason };
  if (e instanceof DDoSProtection) return { kind: 'ambiguous', reason: `rate limited: ${reason}`, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  if (e instanceof RequestTimeout || e instanceof ExchangeNotAvailable || e instanceof NetworkError || e instanceof BadResponse) return { kind: 'ambiguous', reason };
  if (e instanceof OrderNotFound) return { kind: 'not-found', reason };
  if (e instanceof InvalidOrder) return { kind: DUPLICATE.test(text) ? 'duplicate' : 'rejected', reason };
  if (e instanceof InsufficientFunds) return { kind: 'insufficient-funds', reason };
  if (e instanceof AuthenticationError) return { kind: 'auth', reason };
  if (e instanceof BaseError) return { kind: 'rejected', reason };
  // Not a ccxt error: a payload this adapter could not read (a zod failure) or a bug. A reply that
  // cannot be read leaves the outcome unknown.
  return { kind: 'ambiguous', reason };
}

/** A Sextant error for a failed query or command: retryable for 'ambiguous' and 'clock', rejected otherwise. */
export function toSextantError(e: unknown, venue: string, what: string, secrets: readonly (string | undefined)[] = []): RetryableVenueError | VenueRejectedError {
  if (e instanceof RetryableVenueError || e instanceof VenueRejectedError) return e;
  const c = classifyCcxtError(e, secrets);
  const message = `${venue} ${what}: ${c.reason}`;
  return c.kind === 'ambiguous' || c.kind === 'clock' ? new RetryableVenueError(message) : new VenueRejectedError(message);
}

export function isRetryable(e: unknown): boolean {
  if (e instanceof RetryableVenueError) return true;
  if (e instanceof VenueRejectedError) return false;
  const k = classifyCcxtError(e).kind;
  return k === 'ambiguous' || k === 'clock';
}
