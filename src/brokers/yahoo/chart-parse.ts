// Yahoo's v8 chart answer (`chart.result[0]`, as yahoo-finance2's chart() returns it with `return:
// 'object'`, after the library's own schema check) checked at the boundary and turned into daily bars.
// - Times: each row is stamped at 00:00 UTC of the exchange's trading day (Yahoo stamps a daily row at the
//   session's open, or at the last trade for the day still trading; `meta.gmtoffset` gives the day), the
//   convention of daily CSV files and of the CSV loader.
// - Prices are Yahoo's raw OHLC (split-adjusted by Yahoo, not dividend-adjusted); `adjclose` and the
//   dividend/split events are not used, as the CSV loader ignores `Adj Close`.
// - A row with any null value (Yahoo sends them for holidays and halts) is skipped and counted. A bad
//   structure or value is an InputError naming the field, never a NaN passed on.
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import type { HistoryBar } from '../../data/history-source.ts';

/** null: Yahoo's empty candle (a holiday or a halt). */
const cell = z.number().finite().nullable();
const quote = z.looseObject({ open: z.array(cell), high: z.array(cell), low: z.array(cell), close: z.array(cell), volume: z.array(cell) });

/** What the download needs of `chart.result[0]`; the rest of the payload is left alone. */
export const ChartResultSchema = z.looseObject({
  meta: z.looseObject({ gmtoffset: z.number().int().min(-86_400).max(86_400) }),
  // Negative before 1970 (Yahoo has IBM from 1962).
  timestamp: z.array(z.number().int()).optional(),
  indicators: z.looseObject({ quote: z.array(quote) }),
});

/** The whole answer as Yahoo sends it, to name the field when the library could not read it. */
export const ChartPayloadSchema = z.looseObject({ chart: z.looseObject({ result: z.array(ChartResultSchema).min(1) }) });

const PREFIX = 'chart.result.0';

function issueField(e: z.ZodError, prefix: string): { field: string; message: string } {
  const issue = e.issues[0]!;
  return { field: [prefix, ...issue.path.map(String)].filter((s) => s !== '').join('.') || '(payload)', message: issue.message };
}

export function payloadError(what: string, field: string, message: string): InputError {
  return new InputError(`bad Yahoo chart answer for ${what}: ${message}`, { field });
}

/** The field the raw body gets wrong, when it does (undefined: the body reads as a chart answer). */
export function findPayloadProblem(body: unknown): { field: string; message: string } | undefined {
  const r = ChartPayloadSchema.safeParse(body);
  return r.success ? undefined : issueField(r.error, '');
}

export interface ParsedChart {
  /** Rows in [fromMs, toMs] (times as described above), oldest first, strictly increasing. */
  readonly bars: HistoryBar[];
  /** Rows in [fromMs, toMs] left out because Yahoo sent a null in them. */
  readonly skipped: number;
}

/** `result` as chart() returned it; `what` names the request in messages (symbol and interval). */
export function parseDailyChart(result: unknown, what: string, fromMs: number, toMs: number): ParsedChart {
  const r = ChartResultSchema.safeParse(result);
  if (!r.success) {
    const { field, message } = issueField(r.error, PREFIX);
    throw payloadError(what, field, message);
  }
  const { meta, timestamp = [], indicators } = r.data;
  if (timestamp.length === 0) return { bars: [], skipped: 0 };
  const q = indicators.quote[0];
  if (q === undefined) throw payloadError(what, `${PREFIX}.indicators.quote`, `no quote for ${timestamp.length} timestamp(s)`);
  for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (q[k].length !== timestamp.length) throw payloadError(what, `${PREFIX}.indicators.quote.0.${k}`, `${q[k].length} value(s) for ${timestamp.length} timestamp(s)`);
  }
  const bars: HistoryBar[] = [];
  let skipped = 0;
  for (let i = 0; i < timestamp.length; i++) {
    const tsMs = Math.floor((timestamp[i]! + meta.gmtoffset) / 86_400) * MS_PER_DAY;
    if (tsMs < fromMs || tsMs > toMs) continue;
    const [open, high, low, close, volume] = [q.open[i], q.high[i], q.low[i], q.close[i], q.volume[i]];
    if (open == null || high == null || low == null || close == null || volume == null) {
      skipped++;
      continue;
    }
    const at = (k: string): string => `${PREFIX}.indicators.quote.0.${k}.${i}`;
    for (const [k, v] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) {
      if (v <= 0) throw payloadError(what, at(k), `expected a price > 0, got ${v}`);
    }
    if (volume < 0) throw payloadError(what, at('volume'), `expected a volume >= 0, got ${volume}`);
    if (high < low) throw payloadError(what, at('high'), `high ${high} below low ${low}`);
    const prev = bars[bars.length - 1];
    if (prev !== undefined && tsMs <= prev.tsMs) throw payloadError(what, `${PREFIX}.timestamp.${i}`, `trading day ${new Date(tsMs).toISOString().slice(0, 10)} not after the previous row's`);
    bars.push({ tsMs, open, high, low, close, volume });
  }
  return { bars, skipped };
}
