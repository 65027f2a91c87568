// The fast sweep kernel against the event-driven engine: same fills, trades, rejections, equity and
// metrics, bit for bit, on random walks and on a CSV file loaded the way `sextant backtest` loads it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/app/backtest.ts';
import { computeMetrics } from '../../src/analytics/metrics.ts';
import { toIso } from '../../src/core/time.ts';
import { loadDataSource } from '../../src/data/source.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import { FractionCommission } from '../../src/execution/commission.ts';
import type { BarSeries } from '../../src/model/bar.ts';
import { RsiStrategy } from '../../src/strategies/builtin/rsi.ts';
import { SmaCross } from '../../src/strategies/builtin/sma-cross.ts';
import { sizers } from '../../src/strategies/sizing.ts';
import { ColumnCache, runRecorded, runRows, SweepScratch, type SweepRule, type SweepSettings } from '../../src/research/fast-sweep.ts';
import { METRIC_COUNT, readMetrics } from '../../src/research/window-metrics.ts';
import { randomWalk } from '../helpers/bars.ts';

function engine(rule: SweepRule, s: BarSeries, p: readonly number[], set: SweepSettings) {
  const strategy = rule === 'sma-cross' ? new SmaCross({ fast: p[0]!, slow: p[1]! }) : new RsiStrategy({ period: p[0]!, lower: p[1]!, upper: p[2]! });
  const node = new BacktestNode({
    series: [s], cash: set.cash, sizer: sizers.pctCash(set.pctCash), venue: { commission: new FractionCommission(set.commission) },
    strategies: [{ strategy }],
  });
  return node.run();
}

const CASES: { rule: SweepRule; params: number[]; settings: SweepSettings }[] = [
  { rule: 'sma-cross', params: [5, 20], settings: { cash: 100_000, commission: 0, pctCash: 95 } },
  { rule: 'sma-cross', params: [3, 7], settings: { cash: 100_000, commission: 0.001, pctCash: 95 } },
  // Buying with all the cash: every gap up between signal and fill is rejected at the fill.
  { rule: 'sma-cross', params: [2, 9], settings: { cash: 10_000, commission: 0.002, pctCash: 100 } },
  { rule: 'rsi', params: [14, 30, 70], settings: { cash: 100_000, commission: 0.001, pctCash: 95 } },
  { rule: 'rsi', params: [3, 20, 60], settings: { cash: 25_000, commission: 0.0005, pctCash: 100 } },
];

describe('fast sweep kernel', () => {
  for (const seed of [1, 2]) {
    const s = randomWalk(1500, seed, { vol: 0.02 });
    for (const c of CASES) {
      it(`equals BacktestNode for ${c.rule} ${c.params.join('/')} (commission ${c.settings.commission}, pct ${c.settings.pctCash}) on random walk ${seed}`, () => {
        const out = engine(c.rule, s, c.params, c.settings);
        const k = out.kernel;
        const fast = runRecorded(c.rule, s, c.params, c.settings);
        expect(fast.fills.length).toBeGreaterThan(4);
        if (c.settings.pctCash === 100) expect(fast.rejected.length).toBeGreaterThan(0);
        expect(fast.fills.map((f) => ({ time: s.time[f.index], side: f.side, price: f.price, qty: f.qty, commission: f.commission }))).toEqual(
          k.fills.map((f) => ({ time: f.tsMs, side: f.side, price: f.price, qty: f.qty, commission: f.commission })),
        );
        expect(fast.trades.map((t) => ({ entryTimeMs: s.time[t.entryIndex], entryPrice: t.entryPrice, exitTimeMs: s.time[t.exitIndex], exitPrice: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission }))).toEqual(
          k.trades.closed.map((t) => ({ entryTimeMs: t.entryTimeMs, entryPrice: t.entryPrice, exitTimeMs: t.exitTimeMs, exitPrice: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission })),
        );
        expect(fast.rejected.map((r) => ({ time: s.time[r.index], qty: r.qty, status: r.status }))).toEqual(k.rejections.map((r) => ({ time: r.tsMs, qty: r.qty, status: r.status })));
        expect(Array.from(fast.equity)).toEqual(Array.from(out.equity));
        expect(fast.cash).toBe(k.portfolio.cash);
        expect(fast.equity[fast.equity.length - 1]).toBe(k.portfolio.equity());
      });
    }
  }

  it('produces the metrics of computeMetrics on the engine equity, bit for bit', () => {
    const s = randomWalk(900, 5);
    const set: SweepSettings = { cash: 50_000, commission: 0.001, pctCash: 95 };
    const params = Float64Array.of(4, 15, 10, 40, 20, 60);
    const metrics = new Float64Array(3 * METRIC_COUNT);
    const cols = new ColumnCache('sma-cross', s.close);
    runRows(
      { rule: 'sma-cross', series: s, column: (p) => cols.get(p), params, settings: set, from: 0, to: s.length, periodsPerYear: 252, blocks: 0 },
      metrics, null, new SweepScratch(s.length),
    );
    for (let r = 0; r < 3; r++) {
      const out = engine('sma-cross', s, [params[2 * r]!, params[2 * r + 1]!], set);
      const ref = computeMetrics({ timeMs: out.equityTime, equity: out.equity, periodsPerYear: 252 });
      const m = readMetrics(metrics, r * METRIC_COUNT);
      expect(m.sharpe).not.toBeNull();
      expect({ ...m, tradeCount: ref.tradeCount }).toEqual({
        finalValue: out.equity[out.equity.length - 1], totalReturn: ref.totalReturn, cagr: ref.cagr, annualVolatility: ref.annualVolatility, sharpe: ref.sharpe,
        sortino: ref.sortino, maxDrawdown: ref.maxDrawdown, calmar: ref.calmar, tradeCount: ref.tradeCount, periodsPerYear: 252, bars: s.length,
      });
      expect(m.tradeCount).toBe(out.kernel.trades.closed.length);
    }
  });

  it('equals `sextant backtest` on a CSV file: final value, trades, fills and metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-sweep-'));
    const path = join(dir, 'WALK.csv');
    const w = randomWalk(800, 11, { vol: 0.015 });
    const lines = ['Date,Open,High,Low,Close,Volume'];
    for (let i = 0; i < w.length; i++) lines.push(`${toIso(w.time[i]!).slice(0, 10)},${w.open[i]},${w.high[i]},${w.low[i]},${w.close[i]},${w.volume[i]}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const series = loadDataSource(`csv:${path}`).series[0]!;
    for (const [rule, params, names] of [
      ['sma-cross', [8, 30], ['fast', 'slow']],
      ['rsi', [10, 35, 65], ['period', 'lower', 'upper']],
    ] as const) {
      const report = await runBacktest({
        strategy: rule, data: [`csv:${path}`], commission: 0.001, benchmark: false,
        params: Object.fromEntries(names.map((n, i) => [n, params[i]!])),
      });
      const fast = runRecorded(rule, series, params, { cash: 100_000, commission: 0.001, pctCash: 95 });
      expect(fast.trades.length).toBeGreaterThan(2);
      expect(fast.equity[fast.equity.length - 1]).toBe(report.finalValue);
      expect(fast.fills.map((f) => ({ time: toIso(series.time[f.index]!), side: f.side, price: f.price, qty: f.qty, commission: f.commission }))).toEqual(
        report.fills.map((f) => ({ time: f.time, side: f.side, price: f.price, qty: f.qty, commission: f.commission })),
      );
      expect(fast.trades.map((t) => ({ entryTime: toIso(series.time[t.entryIndex]!), entryPrice: t.entryPrice, exitTime: toIso(series.time[t.exitIndex]!), exitPrice: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission }))).toEqual(
        report.trades.map((t) => ({ entryTime: t.entryTime, entryPrice: t.entryPrice, exitTime: t.exitTime, exitPrice: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission })),
      );
      const metrics = new Float64Array(METRIC_COUNT);
      const cols = new ColumnCache(rule, series.close);
      runRows(
        { rule, series, column: (p) => cols.get(p), params: Float64Array.from(params), settings: { cash: 100_000, commission: 0.001, pctCash: 95 }, from: 0, to: series.length, periodsPerYear: report.metrics.periodsPerYear, blocks: 0 },
        metrics, null, new SweepScratch(series.length),
      );
      const m = readMetrics(metrics, 0);
      expect([m.sharpe, m.sortino, m.maxDrawdown, m.calmar, m.totalReturn, m.tradeCount]).toEqual([
        report.metrics.sharpe, report.metrics.sortino, report.metrics.maxDrawdown, report.metrics.calmar, report.metrics.totalReturn, report.metrics.tradeCount,
      ]);
    }
  });
});
