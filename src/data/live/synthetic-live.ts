// A live synthetic market: quotes and trades for any number of instruments in real time, aggregated
// into bars. Crypto trades 24/7; equities only inside their exchange session. Seeded: the same seed
// and the same sequence of clock readings give the same data.
import type { Clock } from '../../core/clock.ts';
import { Rng } from '../../core/rng.ts';
import type { Instrument } from '../../model/instrument.ts';
import { roundPrice } from '../../model/instrument.ts';
import type { QuoteTick, TradeTick } from '../../model/market.ts';
import { isSessionOpen } from '../sessions.ts';
import type { LiveFeed, MarketSink } from './feed.ts';

export interface SyntheticLiveOptions {
  readonly instruments: readonly Instrument[];
  readonly clock: Clock;
  readonly seed?: number;
  /** Wall time between updates of every instrument (ms). */
  readonly tickMs?: number;
  /** Bar length (ms). */
  readonly barMs?: number;
  /** Annualized volatility baseline. */
  readonly annualVol?: number;
  /** Ignore trading sessions (for demos and tests outside market hours). */
  readonly alwaysOpen?: boolean;
}

interface InstState {
  readonly inst: Instrument;
  price: number;
  variance: number;
  barStart: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  tradeSeq: number;
}

const YEAR_MS = 365.25 * 86_400_000;

export class SyntheticLiveFeed implements LiveFeed {
  readonly name = 'synthetic-live';
  readonly #opts: Required<Omit<SyntheticLiveOptions, 'instruments' | 'clock'>> & Pick<SyntheticLiveOptions, 'instruments' | 'clock'>;
  readonly #rng: Rng;
  readonly #state: InstState[];
  #timer: NodeJS.Timeout | undefined;
  #lastMs = NaN;
  #done: (() => void) | undefined;

  constructor(opts: SyntheticLiveOptions) {
    this.#opts = { seed: 42, tickMs: 100, barMs: 60_000, annualVol: 0.3, alwaysOpen: false, ...opts };
    this.#rng = new Rng(this.#opts.seed);
    this.#state = opts.instruments.map((inst) => {
      const price = roundPrice(inst, 20 + this.#rng.next() * 280);
      return { inst, price, variance: 1, barStart: NaN, open: NaN, high: -Infinity, low: Infinity, close: NaN, volume: 0, tradeSeq: 0 };
    });
  }

  start(sink: MarketSink): Promise<void> {
    return new Promise((resolve) => {
      this.#done = resolve;
      this.#timer = setInterval(() => this.step(sink, this.#opts.clock.nowMs()), this.#opts.tickMs);
    });
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#done?.();
    this.#done = undefined;
  }

  /** Advances every instrument to `nowMs` and pushes what happened (public for benchmarks and tests). */
  step(sink: MarketSink, nowMs: number): void {
    const dtMs = Number.isNaN(this.#lastMs) ? this.#opts.tickMs : Math.max(1, nowMs - this.#lastMs);
    this.#lastMs = nowMs;
    const rng = this.#rng;
    const barMs = this.#opts.barMs;
    const sigmaStep = this.#opts.annualVol * Math.sqrt(dtMs / YEAR_MS) * 40; // livelier than real time, so demos move
    for (const s of this.#state) {
      if (!this.#opts.alwaysOpen && !isSessionOpen(s.inst.calendar, nowMs)) continue;
      // GARCH-like clustering of the step variance, with a fat-tailed shock.
      const z = rng.studentT(5);
      s.variance = 0.02 + 0.9 * s.variance + 0.08 * z * z;
      const r = sigmaStep * Math.sqrt(s.variance) * z;
      s.price = Math.max(s.inst.tickSize, s.price * Math.exp(r));
      const mid = roundPrice(s.inst, s.price);
      const halfSpread = Math.max(s.inst.tickSize, roundPrice(s.inst, mid * 0.0002 * (1 + Math.abs(z))));
      const bid = roundPrice(s.inst, mid - halfSpread);
      const ask = roundPrice(s.inst, mid + halfSpread);
      const size = 100 * (1 + Math.floor(rng.next() * 20 * Math.sqrt(s.variance)));
      const quote: QuoteTick = { symbol: s.inst.symbol, tsEventMs: nowMs, bid, ask, bidSize: size, askSize: size };
      const buyer = rng.next() < 0.5;
      const trade: TradeTick = { symbol: s.inst.symbol, tsEventMs: nowMs, price: buyer ? ask : bid, size: Math.ceil(size / 4), aggressor: buyer ? 'buyer' : 'seller', tradeId: `${s.inst.symbol}-${++s.tradeSeq}` };
      const bucket = Math.floor(nowMs / barMs) * barMs;
      if (bucket !== s.barStart) {
        if (!Number.isNaN(s.barStart)) sink.onBar(s.inst.symbol, s.barStart, s.open, s.high, s.low, s.close, s.volume);
        s.barStart = bucket;
        s.open = trade.price;
        s.high = trade.price;
        s.low = trade.price;
        s.volume = 0;
      }
      if (trade.price > s.high) s.high = trade.price;
      if (trade.price < s.low) s.low = trade.price;
      s.close = trade.price;
      s.volume += trade.size;
      sink.onQuote(quote);
      sink.onTrade(trade);
    }
  }
}
