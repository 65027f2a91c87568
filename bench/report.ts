// Tearsheet for a run with 1M fills: attribution over the fills and per-bar marks, the analysis
// block, the HTML page and its write to disk. Inputs are synthetic and seeded (20 symbols x 2,520
// daily bars, 3 strategies); generating them is not timed.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.ts';
import { MS_PER_DAY, toIso } from '../src/core/time.ts';
import { attribute, type AttributionFill, type MarkSeries } from '../src/analytics/attribution.ts';
import { computeMetrics } from '../src/analytics/metrics.ts';
import { buildAnalysis } from '../src/analytics/report/analysis.ts';
import { renderTearsheet } from '../src/analytics/report/html.ts';
import type { TearsheetSource } from '../src/analytics/report/model.ts';
import type { TradeRecord } from '../src/analytics/trades.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const FILLS = 1_000_000;
const SYMBOLS = 20;
const BARS = 2520;
const STRATEGIES = ['trend', 'revert', 'carry'];
const SECTORS = ['tech', 'finance', 'energy', 'health', 'consumer'];
const CASH = 1e9;

interface Inputs {
  timeMs: Float64Array;
  marks: MarkSeries[];
  fills: AttributionFill[];
  equity: Float64Array;
  trades: TradeRecord[];
  bench: Float64Array;
}

function makeInputs(): Inputs {
  const rng = new Rng(42);
  const timeMs = new Float64Array(BARS);
  for (let i = 0, d = Date.UTC(2010, 0, 4); i < BARS; d += MS_PER_DAY) {
    const wd = new Date(d).getUTCDay();
    if (wd !== 0 && wd !== 6) timeMs[i++] = d;
  }
  const marks: MarkSeries[] = [];
  for (let s = 0; s < SYMBOLS; s++) {
    const close = new Float64Array(BARS);
    let p = 20 + 200 * rng.next();
    for (let i = 0; i < BARS; i++) {
      p = Math.max(1, p * (1 + 0.0002 + 0.015 * rng.normal()));
      close[i] = Math.round(p * 100) / 100;
    }
    marks.push({ symbol: `SYM${String(s).padStart(2, '0')}`, time: timeMs, close });
  }
  // Fills spread over the bars in time order; each symbol/strategy alternates buys and sells so
  // positions stay bounded and round trips close.
  const fills: AttributionFill[] = new Array<AttributionFill>(FILLS);
  const trades: TradeRecord[] = [];
  const held = new Map<string, { qty: number; price: number; t: number; c: number }>();
  const qty = new Float64Array(SYMBOLS);
  const equity = new Float64Array(BARS);
  let cash = CASH;
  let j = 0;
  for (let i = 0; i < BARS; i++) {
    const upto = Math.round(((i + 1) * FILLS) / BARS);
    for (; j < upto; j++) {
      const s = rng.int(SYMBOLS);
      const strategyId = STRATEGIES[rng.int(STRATEGIES.length)]!;
      const key = `${strategyId}/${s}`;
      const open = held.get(key);
      const price = Math.round(marks[s]!.close[i]! * (1 + 0.002 * rng.normal()) * 100) / 100;
      const q = open === undefined ? 1 + rng.int(100) : Math.abs(open.qty);
      const side = open === undefined ? (rng.next() < 0.6 ? 'buy' : 'sell') : open.qty > 0 ? 'sell' : 'buy';
      const commission = Math.round(q * price * 0.0005 * 100) / 100;
      fills[j] = { strategyId, symbol: marks[s]!.symbol, side, qty: q, price, commission, tsMs: timeMs[i]! };
      const signed = side === 'buy' ? q : -q;
      cash -= signed * price + commission;
      qty[s] = qty[s]! + signed;
      if (open === undefined) held.set(key, { qty: signed, price, t: timeMs[i]!, c: commission });
      else {
        held.delete(key);
        trades.push({
          symbol: marks[s]!.symbol, entryTimeMs: open.t, exitTimeMs: timeMs[i]!, entryPrice: open.price, exitPrice: price, qty: open.qty,
          pnl: open.qty * (price - open.price) - open.c - commission, commission: open.c + commission,
        });
      }
    }
    let value = 0;
    for (let s = 0; s < SYMBOLS; s++) value += qty[s]! * marks[s]!.close[i]!;
    equity[i] = cash + value;
  }
  const bench = Float64Array.from(marks[0]!.close, (c) => (CASH * c) / marks[0]!.close[0]!);
  return { timeMs, marks, fills, equity, trades, bench };
}

function reportOf(inp: Inputs): Omit<TearsheetSource, 'analysis'> {
  const n = inp.equity.length;
  return {
    params: { strategy: 'synthetic-fills', strategyParams: {}, data: ['synthetic'], cash: CASH },
    bars: n * SYMBOLS,
    finalValue: inp.equity[n - 1]!,
    finalCash: 0,
    metrics: computeMetrics({ timeMs: inp.timeMs, equity: inp.equity, trades: inp.trades }),
    benchmark: { strategy: 'buy-and-hold', finalValue: inp.bench[n - 1]!, metrics: computeMetrics({ timeMs: inp.timeMs, equity: inp.bench }) },
    trades: inp.trades.map((t) => ({
      symbol: t.symbol, side: t.qty > 0 ? 'long' : 'short', entryTime: toIso(t.entryTimeMs), entryPrice: t.entryPrice, exitTime: toIso(t.exitTimeMs),
      exitPrice: t.exitPrice, qty: Math.abs(t.qty), pnl: t.pnl, commission: t.commission,
    })),
    fills: inp.fills.map((f) => ({ time: toIso(f.tsMs), symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission })),
    equity: Array.from(inp.equity, (e, i) => ({ time: toIso(inp.timeMs[i]!), equity: e })),
  };
}

export async function run(): Promise<BenchResult[]> {
  const inp = makeInputs();
  const base = reportOf(inp);
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-report-'));
  const file = join(dir, 'tearsheet.html');
  const out: BenchResult[] = [];
  try {
    let best = { total: Infinity, attribution: 0, analysis: 0, render: 0, bytes: 0, check: 0 };
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      const attribution = attribute({
        timeMs: inp.timeMs, fills: inp.fills, marks: inp.marks, startingEquity: CASH, equity: inp.equity,
        instruments: inp.marks.map((m, s) => ({ symbol: m.symbol, sector: SECTORS[s % SECTORS.length]! })),
      });
      const t1 = performance.now();
      const fillsOf = new Map<string, number>();
      for (const f of inp.fills) fillsOf.set(f.symbol, (fillsOf.get(f.symbol) ?? 0) + 1);
      const prices = inp.marks.map((m) => ({ symbol: m.symbol, tickSize: 0.01, fills: fillsOf.get(m.symbol) ?? 0, timeMs: m.time, close: m.close }));
      const analysis = buildAnalysis({ timeMs: inp.timeMs, equity: inp.equity, benchmarkEquity: inp.bench, trades: inp.trades, attribution, prices });
      const t2 = performance.now();
      writeFileSync(file, renderTearsheet({ ...base, analysis }));
      const t3 = performance.now();
      const total = (t3 - t0) / 1000;
      // The attribution must account for the run: it is a benchmark of correct work, not of any work.
      const check = Math.abs(attribution.decomposition.unexplained) / CASH;
      if (!(check < 1e-9)) throw new Error(`attribution does not add up: unexplained ${attribution.decomposition.unexplained}`);
      if (total < best.total) best = { total, attribution: (t1 - t0) / 1000, analysis: (t2 - t1) / 1000, render: (t3 - t2) / 1000, bytes: statSync(file).size, check };
    }
    const work = `${FILLS.toLocaleString('en-US')} fills, ${SYMBOLS} symbols x ${BARS} daily bars, ${STRATEGIES.length} strategies, ${inp.trades.length.toLocaleString('en-US')} trades`;
    out.push({
      name: 'report.tearsheet.1M-fills', work: `${work}; attribution + analysis + HTML + write`, seconds: best.total, rate: FILLS / best.total,
      peakRssMb: peakRssMb(), target: '< 5 s', htmlMb: Math.round(best.bytes / 1e5) / 10,
      attributionSeconds: best.attribution, analysisSeconds: best.analysis, renderSeconds: best.render,
    });
    out.push({ name: 'report.attribution.1M-fills', work, seconds: best.attribution, rate: FILLS / best.attribution, peakRssMb: peakRssMb() });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
