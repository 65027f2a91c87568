// The `fetch` yahoo-finance2 is given: every request the library builds goes through here, so the library
// keeps building urls, reading Yahoo's JSON errors and checking answers against its schema, while this
// adds what a download needs around it: a timeout, the rewrite of Yahoo's hosts to a compatible server
// (`--base-url`: a mirror, a local fake), the HTTP status of the last answer (to tell an unknown symbol
// from a bad request) and its body (to name the field when the library cannot read it), and a
// RetryableVenueError for network failures, 429 and 5xx (before the library prints the url of a failed
// request to stderr).
import { RetryableVenueError } from '../../core/errors.ts';

export interface YahooTransportOptions {
  /** Origin (and optional path prefix) replacing `https://*.yahoo.com` in every url. */
  readonly baseUrl?: string;
  /** Per request (default 30 000). */
  readonly timeoutMs?: number;
  /** The fetch to call (default globalThis.fetch). */
  readonly fetch?: typeof fetch;
}

/** A failure worth repeating, with the wait Yahoo asked for when it said (429 Retry-After). */
export class YahooRetryableError extends RetryableVenueError {
  constructor(message: string, readonly retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface LastAnswer {
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

export class YahooTransport {
  readonly #base: URL | undefined;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  /** The last answer received (cleared before each library call). */
  last: LastAnswer | undefined;
  /** Urls requested, as rewritten (tests, debugging). */
  readonly requested: string[] = [];

  constructor(opts: YahooTransportOptions = {}) {
    this.#base = opts.baseUrl === undefined ? undefined : new URL(opts.baseUrl);
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#fetch = opts.fetch ?? globalThis.fetch;
  }

  /** Yahoo's url as sent: the host replaced when a base url is set. */
  rewrite(original: string): string {
    const u = new URL(original);
    if (this.#base === undefined || !(u.hostname === 'yahoo.com' || u.hostname.endsWith('.yahoo.com'))) return u.href;
    const prefix = this.#base.pathname.replace(/\/+$/, '');
    return `${this.#base.origin}${prefix}${u.pathname}${u.search}`;
  }

  /** The function handed to the library as its `fetch` option. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const original = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = this.rewrite(original);
    this.requested.push(url);
    let res: Response;
    try {
      res = await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (e) {
      const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      throw new YahooRetryableError(`Yahoo unreachable (${new URL(url).host}): ${why}`, undefined, { cause: e });
    }
    const body = await res.clone().text();
    this.last = { url, status: res.status, body };
    if (res.status === 429 || res.status >= 500) {
      const after = Number(res.headers.get('retry-after'));
      throw new YahooRetryableError(`Yahoo answered HTTP ${res.status}${body ? `: ${body.slice(0, 200)}` : ''}`, Number.isFinite(after) && after >= 0 && res.headers.has('retry-after') ? after * 1000 : undefined);
    }
    return res;
  };
}
