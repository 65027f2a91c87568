// Binance klines as the REST API and the kline stream carry them, and a deterministic generator of them.
// Shapes from Binance's spot API docs (GET /api/v3/klines, "Kline/Candlestick Streams"): prices and
// volumes are decimal strings, times epoch ms, a REST kline is a 12-element array.

/** [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBase, takerQuote, ignore] */
export type RestKline = [number, string, string, string, string, string, number, string, number, string, string, string];

export interface Kline {
  readonly openMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly trades: number;
}

const INTERVAL_MS: Record<string, number> = {
  '1s': 1_000, '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000,
  '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000,
  '1d': 86_400_000, '3d': 259_200_000, '1w': 604_800_000,
};

export function intervalMs(interval: string): number | undefined {
  return INTERVAL_MS[interval];
}

const fmt = (x: number): string => x.toFixed(8);

export function toRest(k: Kline, tfMs: number): RestKline {
  const quote = k.volume * k.close;
  return [k.openMs, fmt(k.open), fmt(k.high), fmt(k.low), fmt(k.close), fmt(k.volume), k.openMs + tfMs - 1, fmt(quote), k.trades, fmt(k.volume / 2), fmt(quote / 2), '0'];
}

/** The `k` object of a kline stream event. */
export function toStreamK(symbol: string, interval: string, k: Kline, tfMs: number, closed: boolean): Record<string, unknown> {
  const quote = k.volume * k.close;
  return {
    t: k.openMs, T: k.openMs + tfMs - 1, s: symbol, i: interval, f: 100, L: 100 + k.trades, o: fmt(k.open), c: fmt(k.close),
    h: fmt(k.high), l: fmt(k.low), v: fmt(k.volume), n: k.trades, x: closed, q: fmt(quote), V: fmt(k.volume / 2), Q: fmt(quote / 2), B: '0',
  };
}

/**
 * `count` klines from `startMs`, one per `tfMs`, a seeded random walk: every value is exactly representable
 * with 8 decimals, so what a client parses back equals these numbers.
 */
export function makeKlines(startMs: number, count: number, tfMs: number, seed = 1, startPrice = 100): Kline[] {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const r8 = (x: number): number => Math.round(x * 100) / 100;
  const out: Kline[] = [];
  let price = startPrice;
  for (let i = 0; i < count; i++) {
    const open = r8(price);
    const close = r8(Math.max(1, open + (rnd() - 0.5) * 2));
    const high = r8(Math.max(open, close) + rnd());
    const low = r8(Math.max(0.01, Math.min(open, close) - rnd()));
    out.push({ openMs: startMs + i * tfMs, open, high, low, close, volume: r8(10 + rnd() * 90), trades: 1 + Math.floor(rnd() * 50) });
    price = close;
  }
  return out;
}
