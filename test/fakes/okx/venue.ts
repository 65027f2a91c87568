// A whole fake OKX spot venue on ONE port, as `sextant live --venue ccxt:okx --base-url http://127.0.0.1:P
// --stream-url ws://127.0.0.1:P` sees it: the market fake (instruments, candles, /ws/v5/public and /business)
// with the trading fake (signed REST, /ws/v5/private) on the same server, and a driver that moves prices on
// a timer: each tick quotes every instrument in the matcher (market orders fill there) and streams the same
// best bid/ask and a trade; every `ticksPerBar` ticks a 1-minute candle closes (its open time one minute after
// the last, starting far enough in the past never to reach the present), so a strategy trading on bars trades.
// Prices are multiples of 5 (a limit at 80 % of a close stays on OKX's 0.1 tick). The venue's clock is the
// wall clock (orders and fills carry real times, as OKX's do).
import { FakeOkxMarket, type OkxBar } from './market-server.ts';
import { FakeOkxTrading, type OkxTradeOptions } from './trade-api.ts';

const MIN = 60_000;

export interface FakeOkxVenueOptions extends OkxTradeOptions {
  readonly tickMs?: number;
  readonly ticksPerBar?: number;
  /** First mid of each instrument (default BTC-USDT 30000, ETH-USDT 2000). */
  readonly startPrices?: Readonly<Record<string, number>>;
}

export class FakeOkxVenue {
  #timer: NodeJS.Timeout | null = null;
  readonly #mid = new Map<string, number>();
  readonly #bar = new Map<string, { ts: number; o: number; h: number; l: number }>();
  #tick = 0;
  #barTs = Math.floor(Date.now() / MIN) * MIN - 5000 * MIN;

  private constructor(readonly market: FakeOkxMarket, readonly trading: FakeOkxTrading, private readonly opts: FakeOkxVenueOptions) {
    for (const i of market.instruments) this.#mid.set(i.instId, opts.startPrices?.[i.instId] ?? (i.base === 'BTC' ? 30_000 : 2_000));
  }

  static async start(opts: FakeOkxVenueOptions = {}): Promise<FakeOkxVenue> {
    const at: { trading?: FakeOkxTrading } = {};
    const market = await FakeOkxMarket.start({ privateApi: { rest: (req, res) => at.trading!.rest(req, res), upgrade: (p, req, s, h) => at.trading!.upgrade(p, req, s, h) } });
    const trading = (at.trading = new FakeOkxTrading(market.instruments, { cash: 100_000, commissionRate: 0.001, now: () => Date.now(), ...opts }));
    const venue = new FakeOkxVenue(market, trading, opts);
    venue.#timer = setInterval(() => venue.step(), opts.tickMs ?? 250);
    return venue;
  }

  get baseUrl(): string {
    return this.market.baseUrl;
  }
  get streamUrl(): string {
    return this.market.streamUrl;
  }

  mid(instId: string): number {
    return this.#mid.get(instId)!;
  }

  /** Moves an instrument's mid at once (quoted in the matcher and streamed). */
  setMid(instId: string, mid: number): void {
    this.#mid.set(instId, mid);
    this.#quote(instId);
  }

  /** One tick: every instrument moves by -5, 0 or +5, is quoted and traded; a bar closes every `ticksPerBar`. */
  step(): void {
    this.#tick++;
    const closing = this.#tick % (this.opts.ticksPerBar ?? 4) === 0;
    for (const [instId, mid] of this.#mid) {
      this.#mid.set(instId, mid + 5 * (((this.#tick * 7 + instId.length) % 3) - 1));
      this.#quote(instId);
      const px = this.#mid.get(instId)!;
      const b = this.#bar.get(instId) ?? { ts: this.#barTs, o: px, h: px, l: px };
      b.h = Math.max(b.h, px);
      b.l = Math.min(b.l, px);
      this.#bar.set(instId, b);
      if (closing) {
        const bar: OkxBar = { ts: b.ts, o: b.o, h: b.h, l: b.l, c: px, v: 5 };
        this.market.closeBar(instId, bar);
        this.market.formBar(instId, { ts: b.ts + MIN, o: px, h: px, l: px, c: px, v: 0 });
        this.#bar.set(instId, { ts: b.ts + MIN, o: px, h: px, l: px });
      }
    }
    if (closing) this.#barTs += MIN;
  }

  #quote(instId: string): void {
    const mid = this.#mid.get(instId)!;
    const q = { bid: mid - 0.5, ask: mid + 0.5 };
    this.trading.quote(instId, q);
    this.market.bbo(instId, { bid: q.bid, bidSz: 5, ask: q.ask, askSz: 5, ts: Date.now() });
    this.market.trade(instId, { px: mid, sz: 0.01, side: 'buy', ts: Date.now() });
  }

  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.trading.close();
    await this.market.close();
  }
}
