// Market-data payloads checked at the boundary (zod): Binance's stream frames (kline, trade, bookTicker) as
// ccxt.pro hands them over decoded, and the OHLCV rows ccxt's fetchOHLCV returns. A bad payload is an
// InputError naming the frame and the field, never a crash and never a NaN passed on.
// A stream frame is first read by a hand-written check that accepts only what the zod schema accepts (the
// same value rules, stricter where that is simpler); whatever it does not accept goes to zod, which decides and
// names the field. With 500 symbols streaming, zod's per-frame machinery was a third of the feed's work on each
// frame, and a bar's frame waits behind the frames before it (docs/venues/live-testing.md).
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';

/** A decimal string as Binance sends prices and sizes ("0.01634790"). */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string').transform(Number).refine(Number.isFinite, 'not finite');
const positive = decimal.refine((x) => x > 0, 'expected > 0');
const nonNegative = decimal.refine((x) => x >= 0, 'expected >= 0');
const epochMs = z.number().int().nonnegative();

const klineFrame = z.object({
  e: z.literal('kline'),
  E: epochMs,
  s: z.string().min(1),
  k: z.object({
    t: epochMs, T: epochMs, s: z.string().min(1), i: z.string().min(1),
    o: positive, h: positive, l: positive, c: positive, v: nonNegative, x: z.boolean(),
  }),
}).refine((f) => f.k.h >= f.k.l, { message: 'high below low', path: ['k', 'h'] });

const tradeFrame = z.object({
  e: z.literal('trade'),
  E: epochMs,
  s: z.string().min(1),
  t: z.number().int(),
  p: positive,
  q: positive,
  T: epochMs,
  m: z.boolean(),
});

const bookTickerFrame = z.object({
  u: z.number().int(),
  s: z.string().min(1),
  b: nonNegative,
  B: nonNegative,
  a: nonNegative,
  A: nonNegative,
});

export interface KlineMsg {
  readonly kind: 'kline';
  /** The venue's market id (BTCUSDT). */
  readonly id: string;
  readonly interval: string;
  readonly openMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly closed: boolean;
}
export interface TradeMsg { readonly kind: 'trade'; readonly id: string; readonly tradeId: string; readonly price: number; readonly size: number; readonly tsMs: number; readonly buyerIsMaker: boolean }
export interface BookTickerMsg { readonly kind: 'bookTicker'; readonly id: string; readonly bid: number; readonly bidSize: number; readonly ask: number; readonly askSize: number }
/** A frame that is not market data (a subscription answer, an error, an event we do not use): left to ccxt. */
export interface OtherMsg { readonly kind: 'other' }
export type BinanceStreamMsg = KlineMsg | TradeMsg | BookTickerMsg | OtherMsg;

const DECIMAL = /^-?\d+(\.\d+)?$/;
/** A decimal string's value when it passes `decimal` and is > 0 (or >= 0 when `zero`); NaN otherwise. */
function dec(v: unknown, zero: boolean): number {
  if (typeof v !== 'string' || !DECIMAL.test(v)) return NaN;
  const x = Number(v);
  return Number.isFinite(x) && (x > 0 || (zero && x >= 0)) ? x : NaN;
}
const isEpoch = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The fast reading of a kline frame; null when it is not plainly valid (zod then decides). */
function fastKline(m: Record<string, unknown>): KlineMsg | null {
  const k = m.k;
  if (!isEpoch(m.E) || !isId(m.s) || !isRecord(k) || !isEpoch(k.t) || !isEpoch(k.T) || !isId(k.s) || !isId(k.i) || typeof k.x !== 'boolean') return null;
  const open = dec(k.o, false), high = dec(k.h, false), low = dec(k.l, false), close = dec(k.c, false), volume = dec(k.v, true);
  // (NaN fails every comparison: one check covers all five values.)
  if (!(open > 0 && close > 0 && volume >= 0 && high >= low && low > 0)) return null;
  return { kind: 'kline', id: m.s, interval: k.i, openMs: k.t, open, high, low, close, volume, closed: k.x };
}

function fastTrade(m: Record<string, unknown>): TradeMsg | null {
  if (!isEpoch(m.E) || !isId(m.s) || typeof m.t !== 'number' || !Number.isSafeInteger(m.t) || !isEpoch(m.T) || typeof m.m !== 'boolean') return null;
  const price = dec(m.p, false), size = dec(m.q, false);
  if (!(price > 0 && size > 0)) return null;
  return { kind: 'trade', id: m.s, tradeId: String(m.t), price, size, tsMs: m.T, buyerIsMaker: m.m };
}

function fastBookTicker(m: Record<string, unknown>): BookTickerMsg | null {
  if (typeof m.u !== 'number' || !Number.isSafeInteger(m.u) || !isId(m.s)) return null;
  const bid = dec(m.b, true), bidSize = dec(m.B, true), ask = dec(m.a, true), askSize = dec(m.A, true);
  if (!(bid >= 0 && bidSize >= 0 && ask >= 0 && askSize >= 0)) return null;
  return { kind: 'bookTicker', id: m.s, bid, bidSize, ask, askSize };
}

function fail(what: string, e: z.ZodError): never {
  const issue = e.issues[0]!;
  const field = issue.path.join('.') || '(frame)';
  throw new InputError(`bad ${what}: ${issue.message}`, { field });
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) fail(what, r.error);
  return r.data;
}

/**
 * A decoded Binance market-stream frame (raw, or wrapped as a combined stream's `{stream, data}`) as a
 * typed message; an InputError naming the field when a market-data frame is malformed.
 */
export function parseBinanceFrame(message: unknown): BinanceStreamMsg {
  return parseFrame(message, true);
}

/** parseBinanceFrame with zod alone (tests: the fast reading must agree with it). */
export function parseBinanceFrameWithZod(message: unknown): BinanceStreamMsg {
  return parseFrame(message, false);
}

function parseFrame(message: unknown, fast: boolean): BinanceStreamMsg {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new InputError(`bad binance stream frame: expected a JSON object, got ${describe(message)}`, { field: '(frame)' });
  }
  let m = message as Record<string, unknown>;
  if (typeof m.stream === 'string' && m.data !== null && typeof m.data === 'object') m = m.data as Record<string, unknown>;
  if (m.e === 'kline') {
    const quick = fast ? fastKline(m) : null;
    if (quick !== null) return quick;
    const f = check(klineFrame, m, 'binance kline frame');
    return { kind: 'kline', id: f.s, interval: f.k.i, openMs: f.k.t, open: f.k.o, high: f.k.h, low: f.k.l, close: f.k.c, volume: f.k.v, closed: f.k.x };
  }
  if (m.e === 'trade') {
    const quick = fast ? fastTrade(m) : null;
    if (quick !== null) return quick;
    const f = check(tradeFrame, m, 'binance trade frame');
    return { kind: 'trade', id: f.s, tradeId: String(f.t), price: f.p, size: f.q, tsMs: f.T, buyerIsMaker: f.m };
  }
  // The spot bookTicker stream has no event type: it is the frame with u, s, b and a.
  if (m.e === undefined && 'u' in m && 's' in m && ('b' in m || 'a' in m)) {
    const quick = fast ? fastBookTicker(m) : null;
    if (quick !== null) return quick;
    const f = check(bookTickerFrame, m, 'binance bookTicker frame');
    return { kind: 'bookTicker', id: f.s, bid: f.b, bidSize: f.B, ask: f.a, askSize: f.A };
  }
  return { kind: 'other' };
}

function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** [time, open, high, low, close, volume] as ccxt's fetchOHLCV returns them. */
export type OhlcvRow = readonly [number, number, number, number, number, number];

const finite = z.number().refine(Number.isFinite, 'not a finite number');
const ohlcvRow = z.tuple([epochMs, finite, finite, finite, finite, finite.refine((v) => v >= 0, 'expected >= 0')])
  .refine((r) => r[1] > 0 && r[2] > 0 && r[3] > 0 && r[4] > 0, { message: 'prices must be > 0', path: [1] })
  .refine((r) => r[2] >= r[3], { message: 'high below low', path: [2] });

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'];

/** ccxt's OHLCV rows, checked: strictly increasing times, positive prices, high >= low (InputError naming row and field). */
export function parseOhlcvRows(rows: unknown, what: string): OhlcvRow[] {
  if (!Array.isArray(rows)) throw new InputError(`bad ${what}: expected a list of candles, got ${describe(rows)}`, { field: '(response)' });
  const out: OhlcvRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = ohlcvRow.safeParse(rows[i]);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const k = issue.path[0];
      throw new InputError(`bad ${what}: candle ${i}: ${issue.message}`, { field: typeof k === 'number' ? FIELDS[k]! : String(k ?? '(candle)') });
    }
    if (i > 0 && !(r.data[0] > out[i - 1]![0])) throw new InputError(`bad ${what}: candle ${i}: time ${r.data[0]} is not after the previous one`, { field: 'time' });
    out.push(r.data as OhlcvRow);
  }
  return out;
}
