// The boundary for IB market data: the library's decoded tickPrice / tickSize / tickByTick / realtimeBar /
// historicalData callbacks are checked here before the feed uses them. The library decodes with
// parseInt/parseFloat, so a garbled field arrives as NaN or undefined; a payload that fails becomes an
// IbPayloadError naming the message and the field (the feed reports it and skips the message).
import { z } from 'zod';
import { IbPayloadError } from './parse.ts';

const finite = z.number().finite();
const int = z.number().int();
/** TWS writes times as epoch seconds (as text in tick-by-tick messages). */
const epochSec = z.union([int, z.string().regex(/^\d+$/, 'not epoch seconds').transform(Number)]).pipe(int.positive());

function parse<T extends z.ZodType>(message: string, schema: T, data: unknown): z.infer<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new IbPayloadError(message, issue.path.length === 0 ? '(message)' : issue.path.map(String).join('.'), issue.message);
}

const TickPrice = z.object({ reqId: int, field: int, price: finite });
const TickSize = z.object({ reqId: int, field: int, size: finite.nonnegative() });

/** A price tick of reqMktData: -1 (or 0 with no size) means "no price now" (TWS's own convention). */
export function parseTickPrice(reqId: unknown, field: unknown, price: unknown): { reqId: number; field: number; price: number } {
  return parse('tickPrice', TickPrice, { reqId, field, price });
}

export function parseTickSize(reqId: unknown, field: unknown, size: unknown): { reqId: number; field: number; size: number } {
  return parse('tickSize', TickSize, { reqId, field, size });
}

const AllLast = z.object({ reqId: int, timeSec: epochSec, price: finite.positive(), size: finite.nonnegative(), exchange: z.string().optional() });
export type IbLastTick = z.infer<typeof AllLast>;

/** A tick-by-tick Last / AllLast print. */
export function parseLastTick(reqId: unknown, time: unknown, price: unknown, size: unknown, exchange: unknown): IbLastTick {
  return parse('tickByTickAllLast', AllLast, { reqId, timeSec: time, price, size, exchange: typeof exchange === 'string' ? exchange : undefined });
}

const BidAsk = z.object({ reqId: int, timeSec: epochSec, bid: finite.nonnegative(), ask: finite.nonnegative(), bidSize: finite.nonnegative(), askSize: finite.nonnegative() });
export type IbBidAskTick = z.infer<typeof BidAsk>;

/** A tick-by-tick BidAsk tick. */
export function parseBidAskTick(reqId: unknown, time: unknown, bid: unknown, ask: unknown, bidSize: unknown, askSize: unknown): IbBidAskTick {
  return parse('tickByTickBidAsk', BidAsk, { reqId, timeSec: time, bid, ask, bidSize, askSize });
}

/** Volume is -1 where IB has none (forex midpoints): counted as 0. */
const volume = z.union([finite, z.undefined()]).transform((v) => (v === undefined || v < 0 ? 0 : v));
const Bar = z
  .object({ reqId: int, timeSec: epochSec, open: finite.positive(), high: finite.positive(), low: finite.positive(), close: finite.positive(), volume })
  .refine((b) => b.high >= b.low && b.high >= Math.max(b.open, b.close) && b.low <= Math.min(b.open, b.close), { message: 'high/low do not contain open and close', path: ['high'] });
export type IbBar = z.infer<typeof Bar>;

/** A 5-second bar of reqRealTimeBars (`time` is its open, epoch seconds). */
export function parseRealtimeBar(reqId: unknown, time: unknown, open: unknown, high: unknown, low: unknown, close: unknown, vol: unknown): IbBar {
  return parse('realtimeBar', Bar, { reqId, timeSec: time, open, high, low, close, volume: vol });
}

/**
 * A historical bar's time with formatDate=2: epoch seconds for intraday bars, "yyyyMMdd" for daily and
 * longer ones (a session date, taken as UTC midnight). Anything else is refused.
 */
const histTime = z.string().transform((s, ctx) => {
  if (/^\d{8}$/.test(s)) return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8)) / 1000;
  if (/^\d{9,11}$/.test(s)) return Number(s);
  ctx.addIssue({ code: 'custom', message: `"${s}" is neither epoch seconds nor yyyyMMdd` });
  return z.NEVER;
});
const HistBar = z
  .object({ reqId: int, timeSec: histTime, open: finite.positive(), high: finite.positive(), low: finite.positive(), close: finite.positive(), volume })
  .refine((b) => b.high >= b.low, { message: 'high is below low', path: ['high'] });

/** One historicalData bar (not the library's "finished-..." end marker, which the caller tells apart). */
export function parseHistoricalBar(reqId: unknown, time: unknown, open: unknown, high: unknown, low: unknown, close: unknown, vol: unknown): IbBar {
  return parse('historicalData', HistBar, { reqId, timeSec: time, open, high, low, close, volume: vol });
}
