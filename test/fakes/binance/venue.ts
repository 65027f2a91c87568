// A whole fake Binance spot venue on ONE port, as `sextant live --venue binance --base-url http://127.0.0.1:P
// --stream-url ws://127.0.0.1:P` sees it: engine/venues.ts derives the trading stream as <origin>/ws-api/v3,
// the market streams as <origin>/ws and REST for both from the base URL. Behind the port sit the two protocol
// fakes, unchanged: FakeBinanceSpot (signed trading REST, the WebSocket API's user-data stream, the shared
// FakeExchange) and FakeBinanceMarket (klines, bookTicker, market streams). This file only routes:
// - REST by path: /api/v3/klines and /api/v3/ticker/bookTicker to the market fake, everything else
//   (trading, account, exchangeInfo, time, ping) to the spot fake;
// - WebSocket upgrades by path: /ws-api/v3 to the spot fake, /ws[/...] and /stream to the market fake,
//   spliced at the TCP level (the upgrade request is replayed to the fake, then bytes flow both ways);
// and a MarketDriver moves prices on a timer: each tick sets one quote per symbol in the spot matcher (so
// market orders fill there) and publishes the same best bid/ask and a trade on the market streams; each time
// the wall clock crosses a bar boundary of the chosen interval the finished kline is closed (x=true), so a
// strategy that trades on bars trades, and its orders fill.
// On its timer the driver sends a tick's closing klines in one go (Binance pushes every symbol's closed kline
// at the boundary), then the quotes and trades in slices of `sliceSymbols` symbols, each slice after the check
// phase of the venue's event loop (setImmediate): order requests that arrived meanwhile are read and matched
// between slices, as a real venue's order gateway does not queue behind its market-data fan-out. Sent as one
// synchronous burst (sliceSymbols 0), 500 symbols' quotes held an order up to the whole tick's publishing
// (docs/venues/live-testing.md, "Where the tick-to-order time goes"). `tick()` called by hand stays synchronous.
//
// The FakeExchange keeps its own clock (a 2024 date advanced per quote) unless told otherwise; a live node
// reconciles fills "since" real times, so the venue's clock is the wall clock here.
import { EventEmitter } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { FakeBinanceMarket } from './market-server.ts';
import { intervalMs, type Kline } from './market-klines.ts';
import { FakeBinanceSpot, type FakeBinanceSpotOptions } from './spot-server.ts';
import type { SpotSymbol } from './spot-payloads.ts';

export interface FakeBinanceVenueOptions extends FakeBinanceSpotOptions {
  /** Kline interval the driver closes (a Binance interval the market fake serves); default '1s'. */
  readonly interval?: string;
  /** Wall time between quotes (ms); default 100. */
  readonly tickMs?: number;
  /** First mid price of every symbol; default 100. */
  readonly startPrice?: number;
  /** Start the market driver at once (default true). */
  readonly drive?: boolean;
  /** Symbols whose quote and trade a timer tick sends between two yields to the event loop; default 50, 0 = all at once. */
  readonly sliceSymbols?: number;
}

/** Where one request goes. */
type Backend = 'spot' | 'market';

const MARKET_REST = new Set(['/api/v3/klines', '/api/v3/ticker/bookTicker']);

export function restBackend(path: string): Backend {
  return MARKET_REST.has(path) ? 'market' : 'spot';
}

export function streamBackend(path: string): Backend | null {
  if (path === '/ws-api/v3') return 'spot';
  if (/^\/(ws|stream)(\/|$)/.test(path)) return 'market';
  return null;
}

/** `count` symbols S0USDT... (or BTCUSDT, ETHUSDT when 2 or fewer are asked). */
export function venueSymbols(count: number): SpotSymbol[] {
  if (count <= 2) return [{ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' }, { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' }].slice(0, count);
  return Array.from({ length: count }, (_, i) => ({ symbol: `S${i}USDT`, base: `S${i}`, quote: 'USDT' }));
}

export class FakeBinanceVenue {
  readonly driver: MarketDriver;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly #sockets = new Set<Duplex>();
  #shift = { ms: 0 };

  private constructor(
    readonly spot: FakeBinanceSpot,
    readonly market: FakeBinanceMarket,
    private readonly server: Server,
    symbols: readonly SpotSymbol[],
    opts: FakeBinanceVenueOptions,
  ) {
    this.driver = new MarketDriver(spot, market, symbols, opts);
  }

  static async start(opts: FakeBinanceVenueOptions = {}): Promise<FakeBinanceVenue> {
    const symbols = opts.symbols ?? venueSymbols(2);
    // The venue's clock is the wall clock (fills and orders carry real times, as Binance's do), shifted
    // by `clockShiftMs` when a test wants a trade dated in the past.
    const shift = { ms: 0 };
    const spot = await FakeBinanceSpot.start({ cash: 100_000, commissionRate: 0.001, now: () => Date.now() + shift.ms, ...opts, symbols });
    const market = await FakeBinanceMarket.start({ symbols: [...symbols] });
    const server = createServer();
    const venue = new FakeBinanceVenue(spot, market, server, symbols, opts);
    venue.#shift = shift;
    server.on('request', (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const up = request({ host: '127.0.0.1', port: venue.#port(restBackend(path)), method: req.method, path: req.url, headers: req.headers, agent: venue.#agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      // A fake that drops the request (a fault switched on) leaves the client to time out, as Binance would.
      up.on('error', () => res.destroy());
      // A client that went away mid-answer takes the upstream request with it (a finished one keeps its socket).
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      req.pipe(up);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => venue.#splice(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    if (opts.drive ?? true) venue.driver.start();
    return venue;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  /** `--base-url`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** `--stream-url` (the venue's paths are added to it). */
  get streamUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  get apiKey(): string {
    return this.spot.apiKey;
  }
  get secret(): string {
    return this.spot.secret;
  }

  /** How far the venue's clock (order and trade times) is from the wall clock (ms); 0 unless a test moves it. */
  get clockShiftMs(): number {
    return this.#shift.ms;
  }
  set clockShiftMs(ms: number) {
    this.#shift.ms = ms;
  }

  /** Closes every spliced stream (the venue dropped its sockets); the clients reconnect. */
  dropStreams(): void {
    for (const s of this.#sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.driver.stop();
    this.dropStreams();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    this.#agent.destroy();
    await this.spot.close();
    await this.market.close();
  }

  #port(b: Backend): number {
    return b === 'market' ? this.market.port : Number(new URL(this.spot.baseUrl).port);
  }

  /** Replays the upgrade request to the fake that serves its path, then splices the two sockets. */
  #splice(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const backend = streamBackend(new URL(req.url ?? '/', 'http://x').pathname);
    if (backend === null) {
      client.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const up: Socket = connect(this.#port(backend), '127.0.0.1');
    const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    up.setNoDelay(true);
    if ('setNoDelay' in client) (client as Socket).setNoDelay(true);
    up.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length > 0) up.write(head);
    client.pipe(up).pipe(client);
    this.#sockets.add(client);
    this.#sockets.add(up);
    const end = (): void => {
      client.destroy();
      up.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(up);
    };
    client.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  }
}

interface Walk {
  readonly spot: SpotSymbol;
  mid: number;
  bar: { openMs: number; open: number; high: number; low: number; close: number; volume: number; trades: number } | null;
}

export interface BarClosed {
  /** Venue symbol (BTCUSDT). */
  readonly symbol: string;
  readonly openMs: number;
  readonly close: number;
  /** performance.now() just before the kline frame was handed to the socket. */
  readonly sentAt: number;
}

type DriverEvents = { bar: [BarClosed]; round: [number] };

/** Moves every symbol's price on a timer and closes bars on the wall clock's interval boundaries. */
export class MarketDriver extends EventEmitter<DriverEvents> {
  readonly interval: string;
  readonly tfMs: number;
  readonly tickMs: number;
  readonly sliceSymbols: number;
  readonly #walks: Walk[];
  #timer: NodeJS.Timeout | null = null;
  /** The rest of a timer tick's quotes: the next slice's first symbol, its tick's bar open and time. */
  #rest: { next: number; openMs: number; nowMs: number; immediate: NodeJS.Immediate } | null = null;
  #seed: number;
  /** Bars closed so far (all symbols). */
  barsClosed = 0;
  ticks = 0;

  constructor(
    private readonly spot: FakeBinanceSpot,
    private readonly market: FakeBinanceMarket,
    symbols: readonly SpotSymbol[],
    opts: FakeBinanceVenueOptions,
  ) {
    super();
    this.interval = opts.interval ?? '1s';
    const tf = intervalMs(this.interval);
    if (tf === undefined) throw new Error(`MarketDriver: the market fake does not serve interval ${this.interval}`);
    this.tfMs = tf;
    this.tickMs = opts.tickMs ?? 100;
    this.sliceSymbols = Math.max(0, Math.trunc(opts.sliceSymbols ?? 50));
    this.#seed = (opts.seed ?? 7) >>> 0 || 7;
    this.#walks = symbols.map((s) => ({ spot: s, mid: opts.startPrice ?? 100, bar: null }));
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timedTick();
    this.#timer = setInterval(() => this.#timedTick(), this.tickMs);
  }

  /** Stops the timer; a tick's quotes not yet sent are dropped. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#rest !== null) clearImmediate(this.#rest.immediate);
    this.#rest = null;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** The mid of a venue symbol now. */
  mid(symbol: string): number {
    return this.#walks.find((w) => w.spot.symbol === symbol)!.mid;
  }

  /**
   * One step: bars whose interval has ended are closed first (their close is the last quote of that
   * interval), then every symbol moves and gets a new quote, a bookTicker and a trade.
   */
  tick(nowMs = Date.now()): void {
    this.#finishSlices();
    const openMs = this.#closeBars(nowMs);
    for (const w of this.#walks) this.#move(w, openMs, nowMs);
  }

  /** A tick on the timer: the previous tick's quotes finish first, then bars close and the quotes go in slices. */
  #timedTick(nowMs = Date.now()): void {
    this.#finishSlices();
    const openMs = this.#closeBars(nowMs);
    if (this.sliceSymbols === 0) {
      for (const w of this.#walks) this.#move(w, openMs, nowMs);
      return;
    }
    this.#rest = { next: 0, openMs, nowMs, immediate: setImmediate(() => this.#slice(this.sliceSymbols)) };
  }

  /** Sends what is left of a sliced tick at once (a tick's quotes all precede the next tick's bars). */
  #finishSlices(): void {
    if (this.#rest === null) return;
    clearImmediate(this.#rest.immediate);
    this.#slice(Infinity);
  }

  /** Sends up to `count` symbols' quotes of the pending tick; schedules the next slice while some remain. */
  #slice(count: number): void {
    const r = this.#rest;
    if (r === null) return;
    const end = Math.min(this.#walks.length, r.next + count);
    for (; r.next < end; r.next++) this.#move(this.#walks[r.next]!, r.openMs, r.nowMs);
    if (r.next < this.#walks.length) r.immediate = setImmediate(() => this.#slice(this.sliceSymbols));
    else this.#rest = null;
  }

  /** Closes the bars whose interval ended by `nowMs` (one burst, as Binance sends them); returns the current bar's open. */
  #closeBars(nowMs: number): number {
    this.ticks++;
    const openMs = Math.floor(nowMs / this.tfMs) * this.tfMs;
    let closed = 0;
    for (const w of this.#walks) {
      if (w.bar !== null && w.bar.openMs < openMs) {
        const k: Kline = { ...w.bar };
        const sentAt = performance.now();
        this.market.closeBar(w.spot.symbol, this.interval, k);
        w.bar = null;
        closed++;
        this.barsClosed++;
        this.emit('bar', { symbol: w.spot.symbol, openMs: k.openMs, close: k.close, sentAt });
      }
    }
    if (closed > 0) this.emit('round', openMs);
    return openMs;
  }

  /** Sets a symbol's quote at a mid (tests: move the market to fill or not fill a resting order). */
  setMid(symbol: string, mid: number, nowMs = Date.now()): void {
    const w = this.#walks.find((x) => x.spot.symbol === symbol)!;
    w.mid = mid;
    this.#publish(w, Math.floor(nowMs / this.tfMs) * this.tfMs, nowMs);
  }

  #rnd(): number {
    let s = this.#seed;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    this.#seed = s;
    return s / 4294967296;
  }

  #move(w: Walk, openMs: number, nowMs: number): void {
    // A small random walk on a cent grid, never below a dollar.
    w.mid = Math.max(1, Math.round(w.mid * (1 + (this.#rnd() - 0.5) * 0.002) * 100) / 100);
    this.#publish(w, openMs, nowMs);
  }

  #publish(w: Walk, openMs: number, nowMs: number): void {
    const bid = Math.round((w.mid - 0.01) * 100) / 100;
    const ask = Math.round((w.mid + 0.01) * 100) / 100;
    const id = w.spot.symbol;
    this.spot.quote(id, { bid, ask, bidSize: 1_000, askSize: 1_000 });
    this.market.bookTicker(id, { bid, bidQty: 1_000, ask, askQty: 1_000 });
    this.market.trade(id, { price: w.mid, qty: 0.01, buyerIsMaker: this.#rnd() < 0.5, timeMs: nowMs });
    const b = w.bar;
    if (b === null || b.openMs !== openMs) w.bar = { openMs, open: w.mid, high: w.mid, low: w.mid, close: w.mid, volume: 0.01, trades: 1 };
    else {
      b.high = Math.max(b.high, w.mid);
      b.low = Math.min(b.low, w.mid);
      b.close = w.mid;
      b.volume = Math.round((b.volume + 0.01) * 1e8) / 1e8;
      b.trades++;
    }
  }
}
