import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { MS_PER_DAY, toIso } from '../../core/time.ts';
import { attribute, type AttributionFill } from '../attribution.ts';
import { computeMetrics } from '../metrics.ts';
import type { TradeRecord } from '../trades.ts';
import { buildAnalysis } from './analysis.ts';
import { formatValue, readPath, type Fmt } from './format.ts';
import { embeddedReport, renderTearsheet } from './html.ts';
import { buildTearsheetModel, type TearsheetSource } from './model.ts';

/** A small two-symbol run built without the engine: closes, fills, the account's equity, trades. */
function source(opts: { bars?: number; benchmark?: boolean } = {}): TearsheetSource {
  const n = opts.bars ?? 400;
  const rng = new Rng(11);
  const timeMs = Float64Array.from({ length: n }, (_, i) => Date.UTC(2021, 0, 4) + i * MS_PER_DAY);
  const symbols = ['AAA1', 'BBB2'];
  const closes = symbols.map(() => new Float64Array(n));
  closes.forEach((c, s) => {
    c[0] = 50 + 50 * s;
    for (let i = 1; i < n; i++) c[i] = Math.round(c[i - 1]! * (1 + 0.015 * rng.normal()) * 100) / 100;
  });
  const fills: AttributionFill[] = [];
  const trades: TradeRecord[] = [];
  const held = [0, 0];
  const entry = [{ t: 0, p: 0, c: 0 }, { t: 0, p: 0, c: 0 }];
  let cash = 100_000;
  const equity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < 2; s++) {
      if (rng.next() < 0.08) {
        const price = closes[s]![i]!;
        const qty = held[s] === 0 ? 100 : Math.abs(held[s]!);
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
    equity[i] = cash + held[0]! * closes[0]![i]! + held[1]! * closes[1]![i]!;
  }
  const bench = Float64Array.from(closes[0]!, (c) => (100_000 * c) / closes[0]![0]!);
  const attribution = attribute({
    timeMs, fills, marks: symbols.map((s, k) => ({ symbol: s, time: timeMs, close: closes[k]! })),
    instruments: [{ symbol: 'AAA1', sector: 'tech' }, { symbol: 'BBB2', sector: 'energy' }], startingEquity: 100_000, equity,
  });
  const metrics = computeMetrics({ timeMs, equity, trades });
  const withBench = opts.benchmark !== false;
  return {
    params: { strategy: 'demo', strategyParams: { fast: 10, slow: 30, flag: true }, data: ['synthetic:42'], cash: 100_000 },
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
    equity: Array.from(equity, (e, i) => ({ time: toIso(timeMs[i]!), equity: e })),
    analysis: buildAnalysis({ timeMs, equity, benchmarkEquity: withBench ? bench : null, trades, attribution }),
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

/** The visible text of the page once every data element is removed (what is left must hold no digit). */
function textOutsideData(html: string): string {
  let s = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<head>[\s\S]*?<\/head>/, '');
  s = s.replace(/<(\w+)\b[^>]*data-path="[^"]*"[^>]*>[\s\S]*?<\/\1>/g, '');
  return s.replace(/<[^>]+>/g, ' ');
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
    const fmts = new Map<string, Fmt>();
    for (const t of [...model.metricTables, model.drawdowns, model.trades]) for (const row of t.rows) for (const c of row) if (typeof c !== 'string') fmts.set(c.path, c.fmt);
    let checked = 0;
    for (const d of data(html)) {
      const fmt = fmts.get(d.path);
      if (fmt === undefined || d.text === '') continue;
      const v = readPath(json, d.path);
      expect(d.text, d.path).toBe(formatValue(typeof v === 'number' || typeof v === 'string' ? v : null, fmt));
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
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

  it('refuses a report without an analysis block', () => {
    expect(() => renderTearsheet({ ...src, analysis: null })).toThrow(/analysis/);
  });
});
