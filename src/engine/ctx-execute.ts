// ctx.execute: the strategy's parent orders worked by the execution algorithms of src/execution/algos
// through one AlgoDesk over the strategy's own order path (so children pass the risk checks and are
// booked to the strategy). The kernel feeds the desk every bar, book and trade after the strategy has
// seen it, and every order event of the strategy before the strategy sees it: a parent started in
// onBar sends its first child on that same bar, as a strategy driving AlgoDesk by hand would.
import { ConfigError } from '../core/errors.ts';
import { AlgoDesk, makeAlgo, volumeProfileFromBars, type AlgoSpec, type ExecAlgo, type OrderSubmitter, type VolumeProfile } from '../execution/algos/index.ts';
import type { Bar } from '../model/bar.ts';
import type { OrderEvent } from '../model/events.ts';
import type { OrderBookSnapshot, TradeTick } from '../model/market.ts';
import type { History } from '../strategies/context.ts';
import { parseExecuteOptions, type AlgoHandle, type ExecuteOptions, type ParsedExecuteOptions } from '../strategies/execute-options.ts';

/** What the runner needs to know about a symbol when a parent starts. */
export interface ExecuteSymbol {
  readonly lotSize: number;
  readonly history: History;
}

export class AlgoRunner {
  readonly #desk: AlgoDesk;
  /** Parents on the desk (few; finished ones leave it after the event that finished them). */
  #live: ExecAlgo[] = [];
  #seq = 0;

  constructor(
    submitter: OrderSubmitter,
    private readonly strategyId: string,
  ) {
    this.#desk = new AlgoDesk(submitter);
  }

  start(symbol: string, qty: number, options: ExecuteOptions, nowMs: number, sym: ExecuteSymbol): AlgoHandle {
    if (!(Number.isFinite(qty) && qty !== 0)) throw new ConfigError(`execute ${symbol}: quantity must be a non-zero number (negative sells), got ${qty}`, { field: 'qty' });
    const o = parseExecuteOptions(options);
    const id = o.id ?? `${this.strategyId}-algo-${++this.#seq}`;
    const startMs = o.startMs ?? nowMs;
    const parent = {
      id, symbol, side: qty > 0 ? ('buy' as const) : ('sell' as const), qty: Math.abs(qty), startMs, endMs: startMs + o.durationMs,
      ...(o.limitPrice === undefined ? {} : { limitPrice: o.limitPrice }),
    };
    const algo = makeAlgo(specOf(o, parent, sym), this.#desk);
    this.#desk.add(algo);
    this.#live.push(algo);
    return handle(algo);
  }

  onBar(bar: Bar): void {
    if (this.#live.length === 0) return;
    this.#desk.onBar(bar);
    this.#prune();
  }
  onBook(book: OrderBookSnapshot): void {
    if (this.#live.length === 0) return;
    this.#desk.onBook(book);
    this.#prune();
  }
  onTrade(trade: TradeTick): void {
    if (this.#live.length !== 0) this.#desk.onTrade(trade);
  }
  onOrderEvent(event: OrderEvent): void {
    if (this.#live.length !== 0) this.#desk.onOrderEvent(event);
  }

  /** Finished parents leave the desk (their handles keep the final report). */
  #prune(): void {
    if (!this.#live.some((a) => a.isFinished)) return;
    this.#desk.prune();
    this.#live = this.#live.filter((a) => !a.isFinished);
  }
}

function specOf(o: ParsedExecuteOptions, parent: AlgoSpec['parent'], sym: ExecuteSymbol): AlgoSpec {
  const base = { parent, lotSize: sym.lotSize, ...(o.participationCap === undefined ? {} : { participationCap: o.participationCap }) };
  switch (o.algo) {
    case 'twap':
      return { ...base, algo: 'twap', slices: o.slices, ...(o.randomize === undefined ? {} : { randomize: o.randomize }) };
    case 'vwap':
      return { ...base, algo: 'vwap', profile: o.profile ?? profileFromHistory(sym.history, o.bucketMs), ...(o.slices === undefined ? {} : { slices: o.slices }) };
    case 'pov':
      return { ...base, algo: 'pov', rate: o.rate, ...(o.minSlice === undefined ? {} : { minSlice: o.minSlice }), ...(o.maxSlice === undefined ? {} : { maxSlice: o.maxSlice }) };
    case 'almgren-chriss':
      return {
        ...base, algo: 'almgren-chriss', periods: o.periods, sigma: o.sigma, eta: o.eta, lambda: o.lambda,
        ...(o.gamma === undefined ? {} : { gamma: o.gamma }), ...(o.epsilon === undefined ? {} : { epsilon: o.epsilon }), ...(o.tau === undefined ? {} : { tau: o.tau }),
      };
    case 'iceberg':
      return { ...base, algo: 'iceberg', display: o.display, ...(o.randomize === undefined ? {} : { randomize: o.randomize }) };
  }
}

/** The symbol's volume by time of day over its bars so far (none past the current one). */
function profileFromHistory(h: History, bucketMs: number | undefined): VolumeProfile {
  const n = h.length;
  if (n === 0) throw new ConfigError('execute vwap: no bars yet to build a volume profile from; give `profile`', { field: 'profile' });
  const bucket = bucketMs ?? (n >= 2 ? h.time(0) - h.time(1) : NaN);
  if (!(bucket > 0)) throw new ConfigError('execute vwap: give `bucketMs` (or `profile`): one bar is not enough to tell the bar interval', { field: 'bucketMs' });
  const time = new Float64Array(n);
  const volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    time[i] = h.time(n - 1 - i);
    volume[i] = h.volume(n - 1 - i);
  }
  return volumeProfileFromBars({ time, volume, length: n }, bucket);
}

/** A frozen, getter-backed view of one algorithm. */
function handle(a: ExecAlgo): AlgoHandle {
  return Object.freeze({
    id: a.parent.id,
    algo: a.algo,
    symbol: a.parent.symbol,
    side: a.parent.side,
    qty: a.parent.qty,
    get state() { return a.state; },
    get filledQty() { return a.filledQty; },
    get remainingQty() { return a.remainingQty; },
    get workingQty() { return a.workingQty; },
    get avgPrice() { return a.avgPrice; },
    get isFinished() { return a.isFinished; },
    cancel: () => a.cancel(),
    report: () => a.report(),
  });
}
