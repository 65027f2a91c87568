// Fault injection for the fake Binance spot server. A fault is taken either from a queue (the next
// matching request gets it: deterministic scenario tests) or at random at a given rate (the soak).
// Every fault is something the real venue does:
// - 'drop': the request never reaches the matching engine and no answer comes (client times out);
// - 'lost-reply': the request is carried out but the answer never comes (client times out);
// - 'delay': the answer comes `delayMs` late (carried out at once);
// - 'late': the request itself arrives `delayMs` late (carried out then; refused with -1021 if that is
//   beyond its recvWindow, as Binance does);
// - '429' / '418': rate limited / IP banned before processing, with Retry-After (seconds);
// - '500' / '503': an internal error before processing ('500') or after it ('503': "Service
//   Unavailable" from a gateway that lost the backend's answer: Binance's -1007 "execution status unknown");
// - 'malformed': carried out, then a 200 whose body is not JSON;
// - 'corrupt': carried out, then a 200 whose JSON `mutate` changed (a field missing, of the wrong type,
//   an unknown status: a venue that changed its payloads).
import { seeded } from '../seeded.ts';

export { seeded };
export type RestFaultKind = 'drop' | 'lost-reply' | 'delay' | 'late' | '429' | '418' | '500' | '503' | 'malformed' | 'corrupt';

export interface RestFault {
  readonly kind: RestFaultKind;
  /** Only requests with this method / path ('/api/v3/order') get it; any when omitted. */
  readonly method?: string;
  readonly path?: string;
  readonly delayMs?: number;
  readonly retryAfterS?: number;
  /** For 'corrupt': changes the parsed reply (in place or by returning a new one). */
  readonly mutate?: (body: unknown) => unknown;
}

/** Faults of the user-data stream, each at a rate per executionReport. */
export interface StreamChaos {
  /** Send the report twice. */
  readonly duplicate?: number;
  /** Hold the report back and send it after the next one. */
  readonly reorder?: number;
  /** Close every user-data socket instead of sending this report (a drop mid-fill: the report is lost). */
  readonly dropBefore?: number;
  /** How long a reordered report waits for the next one before it goes anyway (default 30 ms). */
  readonly holdMs?: number;
}

export interface RestChaos {
  readonly rate: number;
  readonly kinds: readonly RestFaultKind[];
  /** Only these paths (e.g. the trading ones); all when omitted. */
  readonly paths?: readonly string[];
  readonly delayMs?: number;
}

export class FaultPlan {
  readonly #queue: RestFault[] = [];
  rest: RestChaos | null = null;
  stream: StreamChaos | null = null;
  /** Faults handed out, by kind (the soak reports them). */
  readonly counts = new Map<string, number>();

  constructor(readonly random: () => number = seeded(1)) {}

  /** The next matching request gets `f`. */
  next(f: RestFault): void {
    this.#queue.push(f);
  }

  count(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** The fault for this request, if any. */
  take(method: string, path: string): RestFault | null {
    const i = this.#queue.findIndex((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path === path));
    if (i >= 0) {
      const f = this.#queue.splice(i, 1)[0]!;
      this.count(f.kind);
      return f;
    }
    const c = this.rest;
    if (c === null || (c.paths !== undefined && !c.paths.includes(path)) || !(this.random() < c.rate)) return null;
    const kind = c.kinds[Math.floor(this.random() * c.kinds.length)]!;
    this.count(kind);
    return { kind, ...(c.delayMs !== undefined && { delayMs: c.delayMs }), retryAfterS: 0 };
  }

  /** Whether a stream fault of this kind happens to the next report. */
  roll(kind: 'duplicate' | 'reorder' | 'dropBefore'): boolean {
    const rate = this.stream?.[kind];
    if (rate === undefined || !(this.random() < rate)) return false;
    this.count(`ws-${kind}`);
    return true;
  }
}
