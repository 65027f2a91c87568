// What an Alpaca failure means to Sextant (docs/venues/alpaca.md, "Faults"). The SDK throws typed errors
// (ApiError with the HTTP status and Alpaca's {code, message}; FetchError for a network failure or a
// timeout); they become core's two venue errors, with every message passed through redaction so a key or
// secret can never ride along into a log. The SDK's error objects (which hold the raw Response) are not
// kept as causes for the same reason.
import { errors as sdkErrors } from '@alpacahq/alpaca-trade-api';
import { RetryableVenueError, VenueRejectedError } from '../../core/errors.ts';
import { redact } from '../shared/credentials.ts';
import type { FailureKind } from '../shared/safe-submit.ts';
import { AlpacaPayloadError } from './parse.ts';

/** A failure worth retrying (network, timeout, 429, 5xx, a garbled answer): the outcome of a write is unknown. */
export class AlpacaRetryableError extends RetryableVenueError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/** Alpaca refused the request; `status` and Alpaca's `code` say why. */
export class AlpacaRejectedError extends VenueRejectedError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | string | undefined,
  ) {
    super(message);
  }
  /** 404: Alpaca does not know the order. */
  get notFound(): boolean {
    return this.status === 404;
  }
  /** 422/409 on a client order id Alpaca already has (it keeps them for ever). */
  get duplicate(): boolean {
    return (this.status === 422 || this.status === 409) && /client_order_id|duplicate/i.test(this.message);
  }
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Turns anything the SDK (or our parsing of its answer) threw into a venue error with a redacted message. */
export function toVenueError(e: unknown, what: string, secrets: readonly string[]): AlpacaRetryableError | AlpacaRejectedError {
  if (e instanceof AlpacaRetryableError || e instanceof AlpacaRejectedError) return e;
  const say = (m: string): string => redact(`alpaca ${what}: ${m}`, secrets);
  if (e instanceof sdkErrors.ApiError) {
    const text = e.message || `HTTP ${e.status}`;
    if (RETRYABLE_STATUS.has(e.status) || e.status >= 500) return new AlpacaRetryableError(say(`${e.status} ${text}`), e.status, e.retryAfterMs);
    if (e.status === 401) return new AlpacaRejectedError(say('401 not authenticated: check APCA_API_KEY_ID and APCA_API_SECRET_KEY (and paper vs live)'), 401, e.code);
    return new AlpacaRejectedError(say(`${e.status} ${text}`), e.status, e.code);
  }
  if (e instanceof sdkErrors.FetchError) {
    const cause = e.cause instanceof Error ? `${e.cause.name}: ${e.cause.message}` : '';
    return new AlpacaRetryableError(say(`${e.message}${cause ? ` (${cause})` : ''}`), undefined, undefined);
  }
  // A 2xx whose body is not JSON, or JSON that is not the promised payload: the request's effect is unknown.
  if (e instanceof SyntaxError || e instanceof AlpacaPayloadError) return new AlpacaRetryableError(say(`unreadable answer: ${e.message}`), undefined, undefined);
  return new AlpacaRetryableError(say(e instanceof Error ? `${e.name}: ${e.message}` : String(e)), undefined, undefined);
}

/** How safe-submit reads a failed POST /v2/orders. */
export function classifySubmitFailure(e: unknown): FailureKind {
  if (e instanceof AlpacaRejectedError) return e.duplicate ? 'duplicate' : 'rejected';
  return 'ambiguous';
}

export function retryAfterOf(e: unknown): number | undefined {
  return e instanceof AlpacaRetryableError ? e.retryAfterMs : undefined;
}
