// Prices of the assets a venue charges fees in when they are neither side of the traded market (Binance's
// "pay fees with BNB"). A fill's commission is booked in the quote currency at `<ASSET>/<QUOTE>`'s last price:
// the live feed's when that market is streamed (the `streamed` hook), otherwise a REST ticker read through
// ccxt (so it is paced by the adapter's bucket, rate-limit.ts) and kept for `ttlMs`. Looking a price up never
// waits: `priceOf` answers from what is known now (a cached price past its time is still used while a fresh
// one is read in the background) and only starts a read when nothing is known. `prefetch` is awaited at
// connect, before any fill can need the price, for the assets the account is expected to pay fees in.

export interface FeePriceOptions {
  /** The last price of a market from a REST ticker (ccxt fetchTicker); undefined when the venue has none. */
  readonly fetchLast: (symbol: string) => Promise<number | undefined>;
  /** The live feed's last price of a market it streams, if any. */
  readonly streamed?: (symbol: string) => number | undefined;
  /** Whether the venue lists the market (a ticker of an unknown market is never asked for). */
  readonly listed: (symbol: string) => boolean;
  /** How long a REST price is used before it is read again (default 30 s). */
  readonly ttlMs?: number;
  readonly now?: () => number;
  readonly onError?: (symbol: string, e: unknown) => void;
}

interface Cached {
  readonly price: number;
  readonly atMs: number;
}

export class FeePrices {
  readonly #cache = new Map<string, Cached>();
  readonly #reading = new Map<string, Promise<void>>();
  readonly #now: () => number;

  constructor(private readonly o: FeePriceOptions) {
    this.#now = o.now ?? Date.now;
  }

  /** The price of `asset` in `quote` now, or undefined (then a read is started for the next fill). */
  priceOf(asset: string, quote: string): number | undefined {
    const symbol = `${asset}/${quote}`;
    const live = this.o.streamed?.(symbol);
    if (live !== undefined && Number.isFinite(live) && live > 0) return live;
    const c = this.#cache.get(symbol);
    if (!this.#fresh(c)) void this.#read(symbol);
    return c?.price;
  }

  /** Reads the price of `asset` in `quote` unless the feed or the cache has a fresh one. */
  async prefetch(asset: string, quote: string): Promise<void> {
    const symbol = `${asset}/${quote}`;
    if (this.o.streamed?.(symbol) !== undefined) return;
    if (this.#fresh(this.#cache.get(symbol))) return;
    await this.#read(symbol);
  }

  /** A cached REST price still within its time (ttlMs). */
  #fresh(c: Cached | undefined): c is Cached {
    return c !== undefined && this.#now() - c.atMs <= (this.o.ttlMs ?? 30_000);
  }

  /** One read per market at a time; a failure leaves the cache as it was (logged, tried again on the next look-up). */
  #read(symbol: string): Promise<void> {
    if (!this.o.listed(symbol)) return Promise.resolve();
    const running = this.#reading.get(symbol);
    if (running !== undefined) return running;
    const p = this.o
      .fetchLast(symbol)
      .then((price) => {
        if (price !== undefined && Number.isFinite(price) && price > 0) this.#cache.set(symbol, { price, atMs: this.#now() });
      })
      .catch((e: unknown) => this.o.onError?.(symbol, e))
      .finally(() => this.#reading.delete(symbol));
    this.#reading.set(symbol, p);
    return p;
  }

  /** Reads in flight (tests wait for them). */
  async idle(): Promise<void> {
    while (this.#reading.size > 0) await Promise.allSettled([...this.#reading.values()]);
  }
}
