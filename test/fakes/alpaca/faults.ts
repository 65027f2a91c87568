// Fault injection for the fake Alpaca server. A fault is taken from a queue (the next matching request
// gets it: scenario tests) or drawn at a rate from a seeded generator (the soak). Each is something the
// real Trading API or its network does:
// - 'lost-request': the request never reaches Alpaca and no answer comes (the client times out);
// - 'late-request': the request reaches Alpaca `delayMs` late (after the client gave up), then is carried out;
// - 'lost-reply': carried out, the answer never comes (the client times out);
// - 'delay': carried out, the answer comes `delayMs` late;
// - '429': rate limited before processing, with Retry-After (seconds), body {code: 42910000, message};
// - '500' before processing, '503' after it (a gateway that lost the backend's answer);
// - 'malformed': carried out, then a 200 whose body is cut short (not JSON).
import { seeded } from '../seeded.ts';

export { seeded };
export type RestFaultKind = 'lost-request' | 'late-request' | 'lost-reply' | 'delay' | '429' | '500' | '503' | 'malformed';

export interface RestFault {
  readonly kind: RestFaultKind;
  /** Only requests with this method / path prefix get it; any when omitted. */
  readonly method?: string;
  readonly path?: string;
  readonly delayMs?: number;
  readonly retryAfterS?: number;
}

export interface RestChaos {
  /** Chance per request. */
  readonly rate: number;
  readonly kinds: readonly RestFaultKind[];
  readonly method?: string;
  readonly path?: string;
  readonly delayMs?: number;
  readonly retryAfterS?: number;
}

/** Faults of the trade_updates stream, each a chance per frame. */
export interface StreamChaos {
  /** Send the frame twice. */
  readonly duplicate?: number;
  /** Hold the frame back and send it after the next one. */
  readonly reorder?: number;
  /** Close every stream socket instead of sending this fill frame (a drop mid-fill: the frame is lost). */
  readonly dropOnFill?: number;
}

export class AlpacaFaults {
  readonly #queue: RestFault[] = [];
  rest: RestChaos[] = [];
  stream: StreamChaos = {};
  /** Faults handed out, by kind. */
  readonly counts = new Map<string, number>();

  constructor(readonly random: () => number = seeded(1)) {}

  /** The next request matching `f` gets this fault. */
  next(f: RestFault): void {
    this.#queue.push(f);
  }

  /** The fault for a request, if any (a queued one first). */
  take(method: string, path: string): RestFault | null {
    const match = (m?: string, p?: string): boolean => (m === undefined || m === method) && (p === undefined || path.startsWith(p));
    const i = this.#queue.findIndex((f) => match(f.method, f.path));
    if (i >= 0) return this.#count(this.#queue.splice(i, 1)[0]!);
    for (const c of this.rest) {
      if (!match(c.method, c.path) || this.random() >= c.rate) continue;
      const kind = c.kinds[Math.floor(this.random() * c.kinds.length)]!;
      return this.#count({ kind, ...(c.delayMs !== undefined && { delayMs: c.delayMs }), ...(c.retryAfterS !== undefined && { retryAfterS: c.retryAfterS }) });
    }
    return null;
  }

  /** Whether a stream fault of this kind happens to this frame. */
  roll(kind: keyof StreamChaos): boolean {
    const rate = this.stream[kind] ?? 0;
    if (rate <= 0 || this.random() >= rate) return false;
    this.counts.set(`stream:${kind}`, (this.counts.get(`stream:${kind}`) ?? 0) + 1);
    return true;
  }

  #count(f: RestFault): RestFault {
    this.counts.set(f.kind, (this.counts.get(f.kind) ?? 0) + 1);
    return f;
  }
}
