// Candles for a chart, as the transports ask for them and answer them: the query (symbol, timeframe, how
// many bars, which indicators as `sma:20,bollinger:20:2`) and the answer (bars, indicator columns aligned
// with them, the fills in the window). A bot's bars (app/bots/bot-candles.ts) and a data set's
// (app/data-candles.ts) are cut and aggregated the same way (app/candle-window.ts).
import { z } from 'zod';
import { InputError, SextantError } from '../core/errors.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/time.ts';
import { createIndicator, getIndicator, parseParams, type IndicatorDef, type Params } from '../indicators/registry.ts';
import { SideSchema } from './dto/fill.ts';

/** The timeframes a chart can switch between (from the source's bar length upward). */
export const TIMEFRAMES = {
  '1s': 1000, '5s': 5000, '15s': 15_000, '1m': MS_PER_MINUTE, '5m': 5 * MS_PER_MINUTE, '15m': 15 * MS_PER_MINUTE,
  '1h': MS_PER_HOUR, '4h': 4 * MS_PER_HOUR, '1d': MS_PER_DAY,
} as const;
export type TimeframeName = keyof typeof TIMEFRAMES;
const TIMEFRAME_NAMES = Object.keys(TIMEFRAMES) as [TimeframeName, ...TimeframeName[]];

/** Most bars one answer holds (the latest of the window). */
export const MAX_CANDLES = 5000;
export const DEFAULT_CANDLES = 500;
export const MAX_INDICATORS = 10;

const common = {
  symbol: z.string().min(1).max(64).optional().describe("The symbol (default: the source's first)"),
  timeframe: z.enum(TIMEFRAME_NAMES).optional().describe("Bars aggregated to this length (default: the source's own bars); not finer than the source's bars"),
  limit: z.coerce.number().int().min(1).max(MAX_CANDLES).default(DEFAULT_CANDLES).describe('The latest this many bars of the window'),
  indicators: z.string().max(400).optional().describe('Comma-separated indicators with positional or named params: sma:20,ema:50,bollinger:20:2,rsi:period=14 (`sextant indicator --list`)'),
};

export const BotCandlesQuerySchema = z.strictObject(common);
export type BotCandlesQuery = z.infer<typeof BotCandlesQuerySchema>;

export const DataCandlesQuerySchema = z.strictObject({
  source: z.string().min(1).max(100).describe('`store` (the warehouse: GET /api/v1/data/symbols) or `synthetic[:<seed>]`'),
  ...common,
  from: z.string().min(1).max(40).optional().describe('Bars opening at or after this time (ISO date or time, or epoch ms)'),
  to: z.string().min(1).max(40).optional().describe('Bars opening at or before this time (a date: that whole day)'),
});
export type DataCandlesQuery = z.infer<typeof DataCandlesQuerySchema>;

export const CandleSchema = z.object({
  /** Open time of the bar, epoch ms. */
  tsMs: z.number(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number(),
});
export const CandleIndicatorSchema = z.object({
  /** The indicator as asked, with its canonical name: `sma:20`, `bollinger:20:2`. */
  key: z.string(),
  name: z.string(),
  title: z.string(),
  group: z.string(),
  /** Every param, defaults filled in. */
  params: z.record(z.string(), z.unknown()),
  /** One column per output (`value`, or e.g. `upper`/`middle`/`lower`), aligned with `bars`; null while warming up. */
  values: z.record(z.string(), z.array(z.number().nullable())),
});
export const CandleFillSchema = z.object({
  tsMs: z.number(), side: SideSchema, price: z.number(), qty: z.number(), strategyId: z.string(), orderId: z.string(),
});
export const CandlesSchema = z.object({
  /** `bot:<id>`, `store` or `synthetic:<seed>`. */
  source: z.string(),
  symbol: z.string(),
  /** Every symbol of the source (for a picker). */
  symbols: z.array(z.string()),
  /** The bars' length: a name of `timeframes`, or the source's own bar length (`200ms`, `1s`, `1d`). */
  timeframe: z.string(),
  timeframeMs: z.number().int(),
  /** The source's own bar length in ms (0 when unknown). */
  barMs: z.number().int(),
  /** The timeframes this source can be shown in. */
  timeframes: z.array(z.string()),
  bars: z.array(CandleSchema),
  indicators: z.array(CandleIndicatorSchema),
  /** The bot's fills of this symbol from the first bar's open on (entries and exits); none for a data set. */
  fills: z.array(CandleFillSchema),
  /** What the bars are, when it needs saying (e.g. a bot's bars since its node started). */
  note: z.string().nullable(),
});
export type Candles = z.infer<typeof CandlesSchema>;
export type CandleFill = z.infer<typeof CandleFillSchema>;

/** An indicator asked for, parsed. */
export interface AskedIndicator {
  readonly key: string;
  readonly def: IndicatorDef;
  readonly params: Params;
}

/**
 * `sma:20,ema:50,bollinger:20:2,rsi:period=14`: each item a registered indicator (or alias) with params in
 * the order `sextant indicator --list` shows them, or by name. Pair indicators (two series) are refused.
 */
export function parseIndicatorList(text: string | undefined, field = 'indicators'): AskedIndicator[] {
  const items = (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length > MAX_INDICATORS) throw new InputError(`at most ${MAX_INDICATORS} indicators, got ${items.length}`, { field });
  return items.map((item) => {
    const [name = '', ...args] = item.split(':').map((s) => s.trim());
    let def: IndicatorDef;
    try {
      def = getIndicator(name);
    } catch {
      throw new InputError(`"${item}": no indicator "${name}" (sextant indicator --list names them)`, { field });
    }
    if (def.inputs === 'pair') throw new InputError(`"${item}": ${def.name} needs two series; a chart has one`, { field });
    const order = Object.keys(def.schema.parse({}));
    const raw: Record<string, string> = {};
    args.forEach((a, k) => {
      const eq = a.indexOf('=');
      if (eq >= 0) raw[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
      else {
        const key = order[k];
        if (key === undefined) throw new InputError(`"${item}": ${def.name} takes at most ${order.length} params (${order.join(', ') || 'none'})`, { field });
        raw[key] = a;
      }
    });
    let params: Params;
    try {
      params = parseParams(def, raw);
      createIndicator(def, params);
    } catch (e) {
      if (e instanceof SextantError) throw new InputError(`"${item}": ${e.message.replace(/^field "[^"]*": /, '')}`, { field });
      throw e;
    }
    return { key: [def.name, ...args].join(':'), def, params };
  });
}

/** 60000 -> "1m", 200 -> "200ms". */
export function formatTimeframe(ms: number): string {
  for (const [unit, size] of [['d', MS_PER_DAY], ['h', MS_PER_HOUR], ['m', MS_PER_MINUTE], ['s', 1000]] as const) if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** The listed timeframes bars of `barMs` can be aggregated to (whole multiples; all when the length is unknown). */
export function timeframesFor(barMs: number): TimeframeName[] {
  return TIMEFRAME_NAMES.filter((t) => barMs <= 0 || (TIMEFRAMES[t] >= barMs && TIMEFRAMES[t] % barMs === 0));
}

/** The bucket length for an asked timeframe over bars of `barMs` (the bars' own without one); 400s name `timeframe`. */
export function bucketMs(asked: TimeframeName | undefined, barMs: number, symbol: string): number {
  if (asked === undefined) return barMs;
  const ms = TIMEFRAMES[asked];
  if (barMs > 0 && ms < barMs) throw new InputError(`${asked} is finer than the bars: ${symbol} has ${formatTimeframe(barMs)} bars (bars can be combined, not split; ${timeframesFor(barMs).join(', ') || 'no listed timeframe'})`, { field: 'timeframe' });
  if (barMs > 0 && ms % barMs !== 0) throw new InputError(`${asked} is not a whole number of ${symbol}'s ${formatTimeframe(barMs)} bars`, { field: 'timeframe' });
  return ms;
}
