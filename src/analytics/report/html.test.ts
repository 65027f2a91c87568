import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { MS_PER_DAY, toIso } from '../../core/time.ts';
import { attribute, type AttributionFill } from '../attribution.ts';
import { computeMetrics } from '../metrics.ts';
import type { TradeRecord } from '../trades.ts';
import { formatTick, linearAxis } from './axis.ts';
import { buildAnalysis, PRICE_SERIES_MAX } from './analysis.ts';
import { formatValue, readPath, type Fmt } from './format.ts';
import { embeddedReport, renderTearsheet } from './html.ts';
import { buildTearsheetModel, type TearsheetSource } from './model.ts';

/**
 * A small run built without the engine: closes, fills, the account's equity, trades, the positions
 * still open. `symbols` names its symbols (two by default); `tick` is the instrument's tick size
 * (null: the report does not say) and `decimals` the decimals its closes are rounded to.
 */
function source(opts: { bars?: number; benchmark?: boolean; symbols?: string[]; tick?: number | null; decimals?: number; start?: number } = {}): TearsheetSource {
  const n = opts.bars ?? 400;
  const rng = new Rng(11);
  const timeMs = Float64Array.from({ length: n }, (_, i) => Date.UTC(2021, 0, 4) + i * MS_PER_DAY);
  const symbols = opts.symbols ?? ['AAA1', 'BBB2'];
  const round = 10 ** (opts.decimals ?? 2);
  const tick = opts.tick === undefined ? 0.01 : opts.tick;
  const closes = symbols.map(() => new Float64Array(n));
  closes.forEach((c, s) => {
    c[0] = opts.start ?? 50 + 50 * s;
    for (let i = 1; i < n; i++) c[i] = Math.round(c[i - 1]! * (1 + 0.015 * rng.normal()) * round) / round;
  });
  const fills: AttributionFill[] = [];
  const trades: TradeRecord[] = [];
  const held = symbols.map(() => 0);
  const entry = symbols.map(() => ({ t: 0, p: 0, c: 0 }));
  let cash = 100_000;
  const equity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < symbols.length; s++) {
      if (rng.next() < 0.08) {
        const price = closes[s]![i]!;
        const qty = held[s] === 0 ? Math.round(5_000 / price) : Math.abs(held[s]!);
        const side = held[s] === 0 ? (rng.next() < 0.7 ? 'buy' : 'sell') : held[s]! > 0 ? 'sell' : 'buy';
        const commission = Math.round(qty * price * 0.001 * 100) / 100;
        fills.push({ symbol: symbols[s]!, side, qty, price, commission, tsMs: timeMs[i]!, strategyId: s === 0 ? 'alpha' : 'beta' });
        const signed = side === 'buy' ? qty : -qty;
        cash -= signed * price + commission;
        if (held[s] === 0) entry[s] = { t: timeMs[i]!, p: price, c: commission };
        else {
          const q = held[s]!;
          trades.push({ symbol: symbols[s]!, entryTimeMs: entry[s]!.t, exitTimeMs: timeMs[i]!, entryPrice: entry[s]!.p, exitPrice: price, qty: q, pnl: q * (price - entry[s]!.p) - entry[s]!.c - commission, commission: entry[s]!.c + commission });
        }
        held[s] = held[s]! + signed;
      }
    }
    equity[i] = cash + held.reduce((v, q, s) => v + q * closes[s]![i]!, 0);
  }
  const open = symbols.flatMap((symbol, s) => {
    const q = held[s]!;
    const last = closes[s]![n - 1]!;
    return q === 0 ? [] : [{ symbol, qty: q, avgPrice: entry[s]!.p, lastPrice: last, marketValue: q * last, unrealizedPnl: q * (last - entry[s]!.p) }];
  });
  const bench = Float64Array.from(closes[0]!, (c) => (100_000 * c) / closes[0]![0]!);
  const attribution = attribute({
    timeMs, fills, marks: symbols.map((s, k) => ({ symbol: s, time: timeMs, close: closes[k]! })),
    instruments: symbols.map((symbol, k) => ({ symbol, sector: k % 2 === 0 ? 'tech' : 'energy' })), startingEquity: 100_000, equity,
  });
  const fillCount = (symbol: string): number => fills.filter((f) => f.symbol === symbol).length;
  const metrics = computeMetrics({ timeMs, equity, trades });
  const withBench = opts.benchmark !== false;
  return {
    params: { strategy: 'demo', strategyParams: { fast: 10, slow: 30, flag: true }, data: ['synthetic:42'], cash: 100_000, instrument: tick === null ? null : { tickSize: tick } },
    bars: n * 2,
    finalValue: equity[n - 1]!,
    finalCash: cash,
    metrics,
    benchmark: withBench ? { strategy: 'buy-and-hold', finalValue: bench[n - 1]!, metrics: computeMetrics({ timeMs, equity: bench }) } : null,
    trades: trades.map((t) => ({
      symbol: t.symbol, side: t.qty > 0 ? 'long' : 'short', entryTime: toIso(t.entryTimeMs), entryPrice: t.entryPrice, exitTime: toIso(t.exitTimeMs),
      exitPrice: t.exitPrice, qty: Math.abs(t.qty), pnl: t.pnl, commission: t.commission,
    })),
    fills: fills.map((f) => ({ time: toIso(f.tsMs), symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission })),
    openPositions: open,
    equity: Array.from(equity, (e, i) => ({ time: toIso(timeMs[i]!), equity: e })),
    analysis: buildAnalysis({
      timeMs, equity, benchmarkEquity: withBench ? bench : null, trades, attribution,
      prices: symbols.map((symbol, k) => ({ symbol, tickSize: null, fills: fillCount(symbol), timeMs, close: closes[k]! })),
      openPositionValues: open.map((p) => p.marketValue),
    }),
  };
}

/** Every element with a data-path: its path, raw value, tag and the text it shows (from the HTML text). */
function data(html: string): { path: string; value: string; text: string }[] {
  const out: { path: string; value: string; text: string }[] = [];
  const re = /<(\w+)[^>]*?data-path="([^"]*)" data-value="([^"]*)"[^>]*>([^<]*)/g;
  for (let m = re.exec(html); m !== null; m = re.exec(html)) out.push({ path: unescape(m[2]!), value: unescape(m[3]!), text: unescape(m[4]!) });
  return out;
}
const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The visible text of the page once every data element and axis label is removed (what is left must hold no digit). */
function textOutsideData(html: string): string {
  let s = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<head>[\s\S]*?<\/head>/, '');
  s = s.replace(/<(\w+)\b[^>]*data-path="[^"]*"[^>]*>[\s\S]*?<\/\1>/g, '');
  s = s.replace(/<text class="axis [^"]*"[^>]*data-tick="[^"]*"[^>]*>[^<]*<\/text>/g, '');
  return s.replace(/<[^>]+>/g, ' ');
}

/** Each chart's axis labels: class, tick value and text. */
function chartTicks(html: string): Map<string, { cls: string; tick: number; text: string }[]> {
  const out = new Map<string, { cls: string; tick: number; text: string }[]>();
  for (const m of html.matchAll(/<svg id="([^"]+)"[\s\S]*?<\/svg>/g)) {
    const ticks = [...m[0].matchAll(/<text class="axis (\w+)"[^>]*data-tick="([^"]+)">([^<]*)<\/text>/g)].map((t) => ({ cls: t[1]!, tick: Number(t[2]), text: t[3]! }));
    out.set(m[1]!, ticks);
  }
  return out;
}

describe('renderTearsheet', () => {
  const src = source();
  const html = renderTearsheet(src);
  const json: unknown = JSON.parse(JSON.stringify(src));

  it('shows only numbers that are in the report JSON, at the path each one names', () => {
    const shown = data(html);
    expect(shown.length).toBeGreaterThan(300);
    for (const d of shown) {
      const v = readPath(json, d.path);
      expect(v, d.path).not.toBeUndefined();
      expect(String(v), d.path).toBe(d.value);
    }
  });

  it('shows each datum as the formatted JSON value', () => {
    const model = buildTearsheetModel(src);
    const fmts = new Map<string, { fmt: Fmt; decimals?: number }>();
    for (const t of [...model.metricTables, model.drawdowns, model.trades, model.positions!]) for (const row of t.rows) for (const c of row) if (typeof c !== 'string') fmts.set(c.path, c);
    let checked = 0;
    for (const d of data(html)) {
      const f = fmts.get(d.path);
      if (f === undefined || d.text === '') continue;
      const v = readPath(json, d.path);
      expect(d.text, d.path).toBe(formatValue(typeof v === 'number' || typeof v === 'string' ? v : null, f.fmt, f.decimals));
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('labels every axis with round values of its scale: an even 1, 2 or 5 × 10^k step, 4 to 8 of them', () => {
    const ticks = chartTicks(html);
    for (const id of ['chart-equity', 'chart-underwater', 'chart-rolling-sharpe', 'chart-price-0', 'chart-histogram']) {
      const y = ticks.get(id)!.filter((t) => t.cls === 'ylabel');
      expect(y.length, id).toBeGreaterThanOrEqual(4);
      expect(y.length, id).toBeLessThanOrEqual(8);
      const step = y[1]!.tick - y[0]!.tick;
      for (let k = 1; k < y.length; k++) expect(y[k]!.tick - y[k - 1]!.tick, id).toBeCloseTo(step, 9);
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6), `${id} step ${step}`).toBe(true);
    }
    // The equity chart's labels are those of a nice axis over the equity and buy-and-hold range, written compactly.
    const all = [...src.equity.map((p) => p.equity), ...src.analysis!.benchmarkEquity!];
    const axis = linearAxis(Math.min(...all), Math.max(...all), 'compact');
    expect(ticks.get('chart-equity')!.filter((t) => t.cls === 'ylabel').map((t) => t.text)).toEqual(axis.ticks.map((t) => t.label));
    expect(axis.ticks[1]!.label).toBe(formatTick(axis.ticks[1]!.value, axis.ticks[1]!.value - axis.ticks[0]!.value, 'compact'));
    // 400 daily bars from 2021-01-04: month labels, the year at each January.
    expect(ticks.get('chart-equity')!.filter((t) => t.cls === 'xlabel').map((t) => t.text)).toEqual(['Mar 2021', 'May', 'Jul', 'Sep', 'Nov', 'Jan 2022']);
  });

  it('lists the positions open at the end with their value and share of the final equity', () => {
    const open = src.openPositions!;
    expect(open.length).toBeGreaterThan(0);
    const shown = new Map(data(html).map((d) => [d.path, d]));
    open.forEach((p, i) => {
      expect(shown.get(`openPositions[${i}].qty`)!.text).toBe(formatValue(p.qty, 'num'));
      expect(shown.get(`openPositions[${i}].lastPrice`)!.text).toBe(p.lastPrice.toFixed(2));
      expect(shown.get(`openPositions[${i}].unrealizedPnl`)!.value).toBe(String(p.unrealizedPnl));
      const weight = p.marketValue / src.finalValue;
      expect(Number(shown.get(`analysis.positionWeights[${i}]`)!.value)).toBeCloseTo(weight, 12);
      expect(shown.get(`analysis.positionWeights[${i}]`)!.text).toBe(`${(weight * 100).toFixed(2)}%`);
    });
    const section = /<section class="table" id="positions">[\s\S]*?<\/section>/.exec(html)![0];
    expect((section.match(/<tr>/g) ?? []).length).toBe(open.length + 1);
  });

  it('marks every fill of a charted symbol on its price chart', () => {
    for (const [k, p] of src.analysis!.prices!.series.entries()) {
      const svg = new RegExp(`<svg id="chart-price-${k}"[\\s\\S]*?</svg>`).exec(html)![0];
      const fills = src.fills.filter((f) => f.symbol === p.symbol);
      expect(fills.length).toBeGreaterThan(10);
      expect((svg.match(/<path class="mk buy"/g) ?? []).length).toBe(fills.filter((f) => f.side === 'buy').length);
      expect((svg.match(/<path class="mk sell"/g) ?? []).length).toBe(fills.filter((f) => f.side === 'sell').length);
      expect(svg).toMatch(/<path class="series price" d="M/);
    }
    expect(html).toContain('<b class="buy">▲</b>Buy');
  });

  it('writes no digit outside a data element, so no number escapes the check', () => {
    const rest = textOutsideData(html);
    expect(rest).toContain('Attribution');
    expect(rest.match(/\d/g)).toBeNull();
  });

  it('needs no network: no URL, no external resource, and a policy that forbids fetching', () => {
    const page = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    expect(page).not.toMatch(/https?:|\/\/[a-z]|<link|<img|<iframe|@import|url\(/i);
    expect(page).not.toMatch(/<script(?! type="application\/json")/);
    expect(page).toContain(`content="default-src 'none'`);
  });

  it('embeds the report as JSON that parses back to the same object', () => {
    const m = /<script type="application\/json" id="sextant-report">([\s\S]*?)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    expect(m![1]).not.toContain('<');
    expect(JSON.parse(m![1]!)).toEqual(json);
  });

  it('draws each chart with its data', () => {
    const a = src.analysis!;
    const months = a.monthlyReturns.reduce((s, r) => s + r.months.filter((v) => v !== null).length, 0);
    expect((html.match(/<rect class="cell"/g) ?? []).length).toBe(months);
    expect((html.match(/<rect class="total"/g) ?? []).length).toBe(a.monthlyReturns.length);
    expect((html.match(/<rect class="bar"/g) ?? []).length).toBe(a.distribution.histogram.counts.filter((c) => c > 0).length);
    expect((html.match(/<rect class="corr/g) ?? []).length).toBe(a.attribution!.correlation.labels.length ** 2);
    expect(html).toMatch(/<path class="series strategy"[^>]*d="M[\d.]+ [\d.]+L/);
    expect(html).toMatch(/<path class="series benchmark"/);
    expect(html).toMatch(/<path class="area drawdown"/);
  });

  it('leaves the benchmark out when the run has none', () => {
    const page = renderTearsheet(source({ benchmark: false }));
    expect(page).not.toMatch(/<path class="series benchmark"/);
    expect(page).not.toContain('Against buy and hold');
  });

  it('embeds only the latest fills and trades of a large report and says where they start', () => {
    const cut = embeddedReport(src, 5) as { fills: unknown[]; trades: unknown[]; tearsheetEmbedding: Record<string, number> };
    expect(cut.fills).toEqual(src.fills.slice(-5));
    expect(cut.trades).toEqual(src.trades.slice(-5));
    expect(cut.tearsheetEmbedding).toEqual({ fillsOffset: src.fills.length - 5, fillsTotal: src.fills.length, tradesOffset: src.trades.length - 5, tradesTotal: src.trades.length });
    expect(embeddedReport(src, 1e9)).toBe(src);
  });

  it('lists the latest trades when there are more than the table holds', () => {
    const page = renderTearsheet(src, { maxTradeRows: 3 });
    const n = src.trades.length;
    const paths = data(page).filter((d) => /^trades\[\d+\]\.pnl$/.test(d.path)).map((d) => d.path);
    expect(paths).toEqual([n - 3, n - 2, n - 1].map((i) => `trades[${i}].pnl`));
  });

  it('shows EUR/USD prices with the five decimals of its 0.00001 tick, or of its data when the tick is unknown', () => {
    for (const tick of [0.00001, null]) {
      const fx = source({ symbols: ['EURUSD'], tick, decimals: 5, start: 1.0716 });
      const page = renderTearsheet(fx);
      const shown = new Map(data(page).map((d) => [d.path, d.text]));
      const t = fx.trades[0]!;
      expect(shown.get('trades[0].entryPrice')).toBe(t.entryPrice.toFixed(5));
      expect(shown.get('trades[0].exitPrice')).toBe(t.exitPrice.toFixed(5));
      expect(fx.trades.some((x) => x.entryPrice.toFixed(2) === x.exitPrice.toFixed(2) && x.entryPrice !== x.exitPrice)).toBe(true);
    }
    // A tick of 0.01 writes 2 decimals whatever the data hold.
    const cents = source({ symbols: ['EURUSD'], tick: 0.01, decimals: 5, start: 1.0716 });
    expect(new Map(data(renderTearsheet(cents)).map((d) => [d.path, d.text])).get('trades[0].entryPrice')).toBe(cents.trades[0]!.entryPrice.toFixed(2));
  });

  it('charts the most traded symbols only and says how many were traded', () => {
    const many = source({ symbols: ['A1', 'B2', 'C3', 'D4', 'E5', 'F6'] });
    const page = renderTearsheet(many);
    expect(many.analysis!.prices!.tradedSymbols).toBe(6);
    expect((page.match(/<svg id="chart-price-/g) ?? []).length).toBe(PRICE_SERIES_MAX);
    expect(page).toContain('Only the most traded symbols are charted, of <span data-path="analysis.prices.tradedSymbols" data-value="6">6</span> traded.');
  });

  it('draws the equity on a log scale when asked, and not when told not to', () => {
    expect(renderTearsheet(src, { logScale: true })).toMatch(/Equity and buy and hold <span class="hint">\(log scale\)/);
    expect(renderTearsheet(src, { logScale: false })).not.toContain('(log scale)');
    // The default: this run's equity stays within 10x, so linear.
    expect(html).not.toMatch(/Equity and buy and hold <span class="hint">/);
  });

  it('refuses a report without an analysis block', () => {
    expect(() => renderTearsheet({ ...src, analysis: null })).toThrow(/analysis/);
  });
});
