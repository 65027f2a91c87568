// The Chart page's data: what is charted (a bot's symbol or a data set's, from the URL), the candles answer,
// how a live bar folds into the current period, how a re-read tail replaces the last periods, and how the
// answer becomes the chart's candles, indicator lines and fill markers.
// Imports with their extensions: the module's test (test/web) type-checks it with the server's settings too.
import type { paths } from '../../api/schema.d.ts';
import type { CandleBar, IndicatorLine, PriceMarker } from '../../components/candle-chart-types.ts';

export type Candles = paths['/api/v1/bots/{id}/candles']['get']['responses'][200]['content']['application/json'];
export type CandleRow = Candles['bars'][number];

/** A bot (`bot`) or a data set (`store`, `synthetic[:seed]`). */
export type Source = { readonly kind: 'bot'; readonly bot: string } | { readonly kind: 'data'; readonly source: string };

export interface ChartAsk {
  readonly source: Source;
  readonly symbol: string | undefined;
  /** A listed timeframe, or undefined for the source's own bars. */
  readonly timeframe: string | undefined;
  /** `sma:20`, `bollinger:20:2`, … as the API takes them. */
  readonly indicators: readonly string[];
  readonly limit: number;
}

export const LIMITS = [200, 500, 1000, 5000] as const;
export const DEFAULT_LIMIT = 500;

/** The indicators the picker offers, with their first param's default. */
export const PRESETS = [
  { name: 'sma', label: 'SMA', period: 20, extra: '' },
  { name: 'ema', label: 'EMA', period: 50, extra: '' },
  { name: 'bollinger', label: 'Bollinger', period: 20, extra: ':2' },
  { name: 'rsi', label: 'RSI', period: 14, extra: '' },
] as const;

/** Indicators drawn over the price (same scale); the rest go to the lower pane. */
const OVERLAY = new Set(['bollinger', 'keltner', 'donchian', 'vwap', 'anchored_vwap', 'supertrend', 'parabolic_sar', 'ichimoku', 'vwma']);
const COLORS = ['#2563eb', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];

/** Bars of a period (ms) — the live bar's bucket. */
const bucketOf = (tsMs: number, periodMs: number): number => (periodMs > 0 ? Math.floor(tsMs / periodMs) * periodMs : tsMs);

/** A live bar (one of the source's own) folded into the answer: into the current period, or as a new one. */
export function mergeLive(c: Candles, bar: CandleRow, limit: number): Candles {
  const t = bucketOf(bar.tsMs, c.timeframeMs);
  const last = c.bars[c.bars.length - 1];
  if (last !== undefined && t < last.tsMs) return c;
  if (last !== undefined && t === last.tsMs) {
    // The same bar again (a resent one) changes nothing; the re-read tail settles the volume in any case.
    const merged = { tsMs: t, open: last.open, high: Math.max(last.high, bar.high), low: Math.min(last.low, bar.low), close: bar.close, volume: last.volume + bar.volume };
    return { ...c, bars: [...c.bars.slice(0, -1), merged] };
  }
  const indicators = c.indicators.map((i) => ({ ...i, values: Object.fromEntries(Object.entries(i.values).map(([k, v]) => [k, [...v, null]])) }));
  return trim({ ...c, bars: [...c.bars, { ...bar, tsMs: t }], indicators }, limit);
}

/**
 * A re-read tail (the last few periods, exact) in place of the same periods of the answer. Periods newer than
 * the tail (live bars that arrived while it was read) stay.
 */
export function mergeTail(c: Candles, tail: Candles, limit: number): Candles {
  if (tail.bars.length === 0 || tail.timeframeMs !== c.timeframeMs || tail.symbol !== c.symbol) return c;
  const first = tail.bars[0]!.tsMs;
  const last = tail.bars[tail.bars.length - 1]!.tsMs;
  let keep = c.bars.length;
  while (keep > 0 && c.bars[keep - 1]!.tsMs >= first) keep--;
  let after = keep;
  while (after < c.bars.length && c.bars[after]!.tsMs <= last) after++;
  const bars = [...c.bars.slice(0, keep), ...tail.bars, ...c.bars.slice(after)];
  const indicators = c.indicators.map((i, k) => {
    const fresh = tail.indicators[k]?.key === i.key ? tail.indicators[k] : undefined;
    return { ...i, values: Object.fromEntries(Object.entries(i.values).map(([o, v]) => [o, [...v.slice(0, keep), ...(fresh?.values[o] ?? tail.bars.map(() => null)), ...v.slice(after)]])) };
  });
  const fills = [...c.fills.filter((f) => f.tsMs < first), ...tail.fills];
  return trim({ ...c, bars, indicators, fills }, limit);
}

function trim(c: Candles, limit: number): Candles {
  const drop = c.bars.length - limit;
  if (drop <= 0) return c;
  const from = c.bars[drop]!.tsMs;
  return {
    ...c, bars: c.bars.slice(drop), fills: c.fills.filter((f) => f.tsMs >= from),
    indicators: c.indicators.map((i) => ({ ...i, values: Object.fromEntries(Object.entries(i.values).map(([k, v]) => [k, v.slice(drop)])) })),
  };
}

/** Decimals the prices are given with (2 to 6). */
export function precisionOf(bars: readonly CandleRow[]): number {
  let d = 2;
  for (const b of bars.slice(-200)) {
    for (const v of [b.open, b.close]) {
      const s = String(v);
      const dot = s.indexOf('.');
      if (dot >= 0 && !s.includes('e')) d = Math.max(d, s.length - dot - 1);
    }
  }
  return Math.min(d, 6);
}

export const isOverlay = (name: string, group: string): boolean => group === 'moving average' || OVERLAY.has(name);

export function chartCandles(c: Candles): CandleBar[] {
  return c.bars.map((b) => ({ timeMs: b.tsMs, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }));
}

/** One line per indicator output; bands share a colour (the middle dashed). */
export function indicatorLines(c: Candles): IndicatorLine[] {
  const out: IndicatorLine[] = [];
  c.indicators.forEach((ind, k) => {
    const color = COLORS[k % COLORS.length]!;
    const outputs = Object.keys(ind.values);
    for (const o of outputs) {
      const values = ind.values[o]!;
      const points: { timeMs: number; value: number }[] = [];
      values.forEach((v, i) => {
        if (v !== null && c.bars[i] !== undefined) points.push({ timeMs: c.bars[i]!.tsMs, value: v });
      });
      out.push({ name: outputs.length === 1 ? ind.key : `${ind.key} ${o}`, color, pane: isOverlay(ind.name, ind.group) ? 0 : 1, dashed: o === 'middle' || o === 'signal', points });
    }
  });
  return out;
}

/** Fills as markers on their period's bar: one per period and side (`B`, `S`, with a count when several). */
export function fillMarkers(c: Candles): PriceMarker[] {
  const by = new Map<string, { timeMs: number; side: 'buy' | 'sell'; n: number }>();
  for (const f of c.fills) {
    const t = bucketOf(f.tsMs, c.timeframeMs);
    const key = `${t} ${f.side}`;
    const m = by.get(key);
    if (m === undefined) by.set(key, { timeMs: t, side: f.side, n: 1 });
    else m.n++;
  }
  return [...by.values()].map((m) => ({ timeMs: m.timeMs, side: m.side, text: `${m.side === 'buy' ? 'B' : 'S'}${m.n > 1 ? m.n : ''}` }));
}
