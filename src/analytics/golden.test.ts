// Compares the library with reference values computed independently in Python from the textbook
// formulas (test/golden/analytics/make_golden.py → metrics.json; see the README there).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchmarkStats } from './benchmark.ts';
import { drawdownEpisodes, maxDrawdown, maxDrawdownDuration, ulcerIndex } from './drawdown.ts';
import { computeMetrics } from './metrics.ts';
import { inferPeriodsPerYear } from './periods.ts';
import { monthlyReturns, yearlyReturns } from './periods-tables.ts';
import { annualVolatility, cagr, returnsFromEquity, totalReturn } from './returns.ts';
import { calmarRatio, returnDistributionStats, sharpeRatio, sortinoRatio } from './risk-ratios.ts';
import { rollingBeta, rollingSharpe, rollingVolatility } from './rolling.ts';
import { deflatedSharpeRatio, expectedMaxSharpe, minTrackRecordLength, probabilisticSharpeRatio } from './sharpe-inference.ts';
import { timeInMarket, tradedValue, tradeStats, type TradeRecord } from './trades.ts';

type Num = number | null;
interface Headline {
  riskFreeRate: number;
  years: number;
  totalReturn: number;
  cagr: number;
  annualVolatility: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
  maxDrawdownDurationBars: number;
  maxDrawdownDurationDays: number;
  calmar: number;
}
interface GoldenSeries {
  name: string;
  periodsPerYear: number;
  timeMs: number[];
  equity: number[];
  benchmarkReturns?: number[];
  rollingWindow: number;
  expected: {
    returns: number[];
    headline: Headline[];
    distribution: ({ riskFreeRate: number; requiredReturn: number; cutoff: number } & Record<string, number>)[];
    ulcerIndex: number;
    drawdownEpisodes: Record<string, Num>[];
    monthly: { year: number; month: number; return: number }[];
    yearly: { year: number; return: number }[];
    rolling: { window: number; sharpe: Num[]; volatility: Num[]; beta?: Num[] };
    sharpeInference: {
      benchmarkSharpe: number;
      numTrials: number;
      trialSharpeVariance: number;
      psr0: number;
      psrBenchmark: number;
      expectedMaxSharpe: number;
      dsr: number;
      sharpe: number;
      minTrackRecordLength: Num;
    };
    benchmark?: ({ riskFreeRate: number } & Record<string, number>)[];
  };
}
interface Golden {
  series: GoldenSeries[];
  trades: TradeRecord[];
  tradeStats: Record<string, unknown>;
  run: {
    exposure: number[];
    turnoverValue: number;
    expected: Record<string, number>;
  };
}

const golden = JSON.parse(readFileSync(new URL('../../test/golden/analytics/metrics.json', import.meta.url), 'utf8')) as Golden;

/** Within 1e-9 relative; values that should be zero compare with a 1e-13 absolute floor. */
function close(actual: number | null | undefined, expected: number | null | undefined, what: string): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(actual, what).not.toBeUndefined();
  const a = actual as number;
  const tol = Math.max(1e-13, 1e-9 * Math.max(Math.abs(a), Math.abs(expected)));
  if (!(Math.abs(a - expected) <= tol)) expect.fail(`${what}: got ${a}, expected ${expected} (diff ${Math.abs(a - expected)})`);
}

function closeArrays(actual: ArrayLike<number>, expected: Num[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? null;
    const a = actual[i]!;
    if (e === null) {
      if (!Number.isNaN(a)) expect.fail(`${what}[${i}]: got ${a}, expected NaN`);
    } else close(a, e, `${what}[${i}]`);
  }
}

function closeObject(actual: object, expected: Record<string, unknown>, what: string): void {
  for (const [k, v] of Object.entries(expected)) {
    const a = (actual as Record<string, unknown>)[k];
    if (v !== null && typeof v === 'object') closeObject(a as object, v as Record<string, unknown>, `${what}.${k}`);
    else close(a as Num, v as Num, `${what}.${k}`);
  }
}

describe('analytics golden values (Python reference)', () => {
  it('holds the expected series', () => {
    expect(golden.series.map((s) => s.name)).toEqual(['random-daily', 'flat-stretch', 'big-drawdown']);
    expect(golden.series[0]!.equity.length).toBe(2001);
  });

  for (const s of golden.series) {
    describe(s.name, () => {
      const time = Float64Array.from(s.timeMs);
      const equity = Float64Array.from(s.equity);
      const ppy = s.periodsPerYear;
      const r = returnsFromEquity(equity);
      const x = s.expected;

      it('computes simple returns from the equity curve', () => closeArrays(r, x.returns, 'returns'));

      it('infers the periods per year of its calendar', () => expect(inferPeriodsPerYear(time)).toBe(ppy));

      for (const h of x.headline) {
        it(`matches the headline metrics with risk-free rate ${h.riskFreeRate}`, () => {
          const m = computeMetrics({ timeMs: time, equity, trades: [], periodsPerYear: ppy, riskFreeRate: h.riskFreeRate });
          for (const k of Object.keys(h) as (keyof Headline)[]) close(m[k], h[k], `computeMetrics.${k}`);
        });

        it(`matches the standalone functions with risk-free rate ${h.riskFreeRate}`, () => {
          const o = { periodsPerYear: ppy, riskFreeRate: h.riskFreeRate };
          close(totalReturn(equity), h.totalReturn, 'totalReturn');
          close(cagr(time, equity), h.cagr, 'cagr');
          close(annualVolatility(r, ppy), h.annualVolatility, 'annualVolatility');
          close(sharpeRatio(r, o), h.sharpe, 'sharpe');
          close(sortinoRatio(r, o), h.sortino, 'sortino');
          close(maxDrawdown(equity), h.maxDrawdown, 'maxDrawdown');
          const d = maxDrawdownDuration(time, equity);
          close(d.bars, h.maxDrawdownDurationBars, 'duration bars');
          close(d.days, h.maxDrawdownDurationDays, 'duration days');
          close(calmarRatio(cagr(time, equity), maxDrawdown(equity)), h.calmar, 'calmar');
        });
      }

      for (const d of x.distribution) {
        it(`matches the distribution statistics at cutoff ${d.cutoff}`, () => {
          const got = returnDistributionStats(r, { periodsPerYear: ppy, riskFreeRate: d.riskFreeRate, requiredReturn: d.requiredReturn, cutoff: d.cutoff });
          for (const k of ['skew', 'excessKurtosis', 'omega', 'tailRatio', 'historicalVaR', 'historicalCVaR', 'parametricVaR', 'parametricCVaR'] as const) {
            close(got[k], d[k], k);
          }
        });
      }

      it('matches the ulcer index', () => close(ulcerIndex(equity), x.ulcerIndex, 'ulcer'));

      it('lists the same drawdown episodes', () => {
        const eps = drawdownEpisodes(time, equity);
        expect(eps.length).toBe(x.drawdownEpisodes.length);
        eps.forEach((ep, i) => closeObject(ep, x.drawdownEpisodes[i]!, `episode ${i}`));
      });

      it('matches the monthly and yearly return tables', () => {
        const m = monthlyReturns(time, equity);
        expect(m.map((v) => [v.year, v.month])).toEqual(x.monthly.map((v) => [v.year, v.month]));
        m.forEach((v, i) => close(v.return, x.monthly[i]!.return, `month ${v.year}-${v.month}`));
        const y = yearlyReturns(time, equity);
        expect(y.map((v) => v.year)).toEqual(x.yearly.map((v) => v.year));
        y.forEach((v, i) => close(v.return, x.yearly[i]!.return, `year ${v.year}`));
      });

      it('matches rolling Sharpe, volatility and beta', () => {
        const w = x.rolling.window;
        closeArrays(rollingSharpe(r, w, { periodsPerYear: ppy }), x.rolling.sharpe, 'rollingSharpe');
        closeArrays(rollingVolatility(r, w, { periodsPerYear: ppy }), x.rolling.volatility, 'rollingVolatility');
        if (x.rolling.beta) closeArrays(rollingBeta(r, s.benchmarkReturns!, w), x.rolling.beta, 'rollingBeta');
      });

      it('matches the probabilistic and deflated Sharpe ratios', () => {
        const si = x.sharpeInference;
        close(probabilisticSharpeRatio(r, { periodsPerYear: ppy }), si.psr0, 'psr0');
        close(probabilisticSharpeRatio(r, { periodsPerYear: ppy, benchmarkSharpe: si.benchmarkSharpe }), si.psrBenchmark, 'psrBenchmark');
        close(expectedMaxSharpe(si.numTrials, si.trialSharpeVariance), si.expectedMaxSharpe, 'expectedMaxSharpe');
        const dsr = deflatedSharpeRatio(r, { periodsPerYear: ppy, numTrials: si.numTrials, trialSharpeVariance: si.trialSharpeVariance });
        close(dsr.dsr, si.dsr, 'dsr');
        close(dsr.sharpe, si.sharpe, 'sharpe');
        close(minTrackRecordLength(r, { periodsPerYear: ppy }), si.minTrackRecordLength, 'minTRL');
      });

      if (x.benchmark) {
        for (const b of x.benchmark) {
          it(`matches alpha, beta, correlation, tracking error and information ratio (rf ${b.riskFreeRate})`, () => {
            const got = benchmarkStats(r, s.benchmarkReturns!, { periodsPerYear: ppy, riskFreeRate: b.riskFreeRate });
            for (const k of ['alpha', 'beta', 'correlation', 'trackingError', 'informationRatio'] as const) close(got[k], b[k], k);
          });
        }
      }
    });
  }

  describe('trades and run-level metrics', () => {
    const s = golden.series[0]!;
    const time = Float64Array.from(s.timeMs);
    const equity = Float64Array.from(s.equity);
    const trades = golden.trades;
    const e = golden.run.expected;

    it('matches the trade statistics', () => {
      closeObject(tradeStats(trades), golden.tradeStats, 'tradeStats');
    });

    it('matches time in market, traded value and turnover', () => {
      close(timeInMarket(time, trades), e.timeInMarketFromTrades, 'timeInMarket');
      close(tradedValue(trades), e.tradedValue, 'tradedValue');
      const fromTrades = computeMetrics({ timeMs: time, equity, trades, periodsPerYear: 252 });
      close(fromTrades.exposure, e.timeInMarketFromTrades, 'exposure from trades');
      expect(fromTrades.avgGrossExposure).toBeNull();
      close(fromTrades.turnover, e.turnoverFromTrades, 'turnover from trades');
      const ts = tradeStats(trades);
      for (const k of ['winRate', 'profitFactor', 'avgWin', 'avgLoss', 'expectancy'] as const) close(fromTrades[k], ts[k], k);
      expect(fromTrades.tradeCount).toBe(trades.length);

      const given = computeMetrics({
        timeMs: time,
        equity,
        trades,
        exposure: Float64Array.from(golden.run.exposure),
        turnoverValue: golden.run.turnoverValue,
        periodsPerYear: 252,
      });
      close(given.exposure, e.timeInMarketFromExposure, 'exposure from series');
      close(given.avgGrossExposure, e.avgGrossExposure, 'avgGrossExposure');
      close(given.turnover, e.turnoverGiven, 'turnover given');
    });
  });
});
