// Agreement with TA-Lib: every registered indicator that TA-Lib defines, compared with reference values
// generated once by test/golden/indicators/make_golden.cjs (talib npm over TA-Lib C) and committed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BarSeries } from '../model/bar.ts';
import { computeIndicator } from './run.ts';
import type { Params } from './registry.ts';

interface Golden {
  origin: Record<string, unknown>;
  inputs: Record<'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'bench', number[]>;
  cases: { id: string; begIndex: number; outputs: Record<string, (number | null)[]> }[];
  composed: { id: string; recipe: string; outputs: Record<string, (number | null)[]> }[];
}

const golden = JSON.parse(
  readFileSync(new URL('../../test/golden/indicators/talib.json', import.meta.url), 'utf8'),
) as Golden;
const g = golden.inputs;
const f64 = (xs: number[]) => Float64Array.from(xs);
const series = new BarSeries('GOLD', g.close.length, 3_600_000, {
  time: f64(g.time),
  open: f64(g.open),
  high: f64(g.high),
  low: f64(g.low),
  close: f64(g.close),
  volume: f64(g.volume),
});
/** The benchmark series for pair indicators: its close is the golden `bench` column. */
const bench = new BarSeries('BENCH', g.bench.length, 3_600_000, {
  time: f64(g.time),
  open: f64(g.bench),
  high: f64(g.bench),
  low: f64(g.bench),
  close: f64(g.bench),
  volume: f64(g.volume),
});

const REL = 1e-9;
/**
 * Near zero (an oscillator crossing it, a flat window) relative error is meaningless: there a value
 * passes when its absolute error is within ABS_OF_SCALE × the largest |value| of the series. Example:
 * TA-Lib's running sums leave 2.6e-14 where the exact STOCHRSI %D is 0.
 */
const ABS_OF_SCALE = 1e-12;

/** Largest relative difference beyond the near-zero allowance; null positions must agree exactly. */
function compare(ours: Float64Array, ref: (number | null)[], transform: (x: number) => number = (x) => x) {
  let worst = 0;
  let worstAt = -1;
  const mismatchedNull: number[] = [];
  let seriesScale = 0;
  for (const r of ref) if (r !== null && r !== undefined) seriesScale = Math.max(seriesScale, Math.abs(transform(r)));
  const absTol = ABS_OF_SCALE * seriesScale;
  for (let i = 0; i < ref.length; i++) {
    const raw = ref[i];
    const r = raw === null || raw === undefined ? null : transform(raw);
    const o = ours[i]!;
    if (r === null || r === undefined) {
      if (!Number.isNaN(o)) mismatchedNull.push(i);
      continue;
    }
    if (Number.isNaN(o)) {
      mismatchedNull.push(i);
      continue;
    }
    const v = o;
    const scale = Math.max(Math.abs(v), Math.abs(r));
    const diff = Math.abs(v - r);
    const rel = scale === 0 || diff <= absTol ? 0 : diff / scale;
    if (rel > worst) {
      worst = rel;
      worstAt = i;
    }
  }
  return { worst, worstAt, mismatchedNull };
}

interface Mapping {
  /** Registered indicator name and params. */
  run: [string, Params];
  /** Our output key -> TA-Lib output name. */
  out: Record<string, string>;
  other?: BarSeries;
  /** Applied to TA-Lib's value before comparing. */
  transform?: (x: number) => number;
}

const V = (talib = 'outReal') => ({ value: talib });
const CASES: Record<string, Mapping> = {
  SMA_5: { run: ['sma', { period: 5 }], out: V() },
  SMA_20: { run: ['sma', { period: 20 }], out: V() },
  EMA_9: { run: ['ema', { period: 9 }], out: V() },
  EMA_20: { run: ['ema', { period: 20 }], out: V() },
  WMA_20: { run: ['wma', { period: 20 }], out: V() },
  DEMA_20: { run: ['dema', { period: 20 }], out: V() },
  TEMA_20: { run: ['tema', { period: 20 }], out: V() },
  KAMA_10: { run: ['kama', { period: 10 }], out: V() },
  KAMA_30: { run: ['kama', { period: 30 }], out: V() },
  RSI_5: { run: ['rsi', { period: 5 }], out: V() },
  RSI_14: { run: ['rsi', { period: 14 }], out: V() },
  STOCH_14_3_3: { run: ['stochastic', { kPeriod: 14, kSmooth: 3, dPeriod: 3 }], out: { k: 'outSlowK', d: 'outSlowD' } },
  STOCH_5_3_4: { run: ['stochastic', { kPeriod: 5, kSmooth: 3, dPeriod: 4 }], out: { k: 'outSlowK', d: 'outSlowD' } },
  STOCHRSI_14_14_3: { run: ['stoch_rsi', { rsiPeriod: 14, kPeriod: 14, dPeriod: 3 }], out: { k: 'outFastK', d: 'outFastD' } },
  WILLR_14: { run: ['williams_r', { period: 14 }], out: V() },
  CCI_14: { run: ['cci', { period: 14 }], out: V() },
  CCI_20: { run: ['cci', { period: 20 }], out: V() },
  MFI_14: { run: ['mfi', { period: 14 }], out: V() },
  ROC_10: { run: ['roc', { period: 10 }], out: V() },
  MOM_10: { run: ['momentum', { period: 10 }], out: V() },
  MACD_12_26_9: {
    run: ['macd', { fast: 12, slow: 26, signal: 9 }],
    out: { macd: 'outMACD', signal: 'outMACDSignal', histogram: 'outMACDHist' },
  },
  MACD_5_13_4: {
    run: ['macd', { fast: 5, slow: 13, signal: 4 }],
    out: { macd: 'outMACD', signal: 'outMACDSignal', histogram: 'outMACDHist' },
  },
  PPO_12_26_EMA: { run: ['ppo', { fast: 12, slow: 26, ma: 'ema' }], out: V() },
  PPO_12_26_SMA: { run: ['ppo', { fast: 12, slow: 26, ma: 'sma' }], out: V() },
  TRIX_15: { run: ['trix', { period: 15 }], out: V() },
  ADX_7: { run: ['adx', { period: 7 }], out: { adx: 'outReal' } },
  ADX_14: { run: ['adx', { period: 14 }], out: { adx: 'outReal' } },
  PLUS_DI_7: { run: ['dmi', { period: 7 }], out: { plusDI: 'outReal' } },
  PLUS_DI_14: { run: ['dmi', { period: 14 }], out: { plusDI: 'outReal' } },
  MINUS_DI_7: { run: ['dmi', { period: 7 }], out: { minusDI: 'outReal' } },
  MINUS_DI_14: { run: ['dmi', { period: 14 }], out: { minusDI: 'outReal' } },
  AROON_14: { run: ['aroon', { period: 14 }], out: { up: 'outAroonUp', down: 'outAroonDown' } },
  AROONOSC_14: { run: ['aroon', { period: 14 }], out: { oscillator: 'outReal' } },
  ATR_14: { run: ['atr', { period: 14 }], out: V() },
  NATR_14: { run: ['natr', { period: 14 }], out: V() },
  TRANGE: { run: ['true_range', {}], out: V() },
  BBANDS_20_2: {
    run: ['bollinger', { period: 20, mult: 2 }],
    out: { upper: 'outRealUpperBand', middle: 'outRealMiddleBand', lower: 'outRealLowerBand' },
  },
  STDDEV_20: { run: ['stddev', { period: 20 }], out: V() },
  VAR_20: { run: ['variance', { period: 20 }], out: V() },
  OBV: { run: ['obv', {}], out: V() },
  AD: { run: ['ad', {}], out: V() },
  ADOSC_3_10: { run: ['chaikin_osc', { fast: 3, slow: 10 }], out: V() },
  'SAR_0.02_0.2': { run: ['parabolic_sar', { acceleration: 0.02, maximum: 0.2 }], out: V() },
  'SAR_0.05_0.3': { run: ['parabolic_sar', { acceleration: 0.05, maximum: 0.3 }], out: V() },
  LINEARREG_SLOPE_14: { run: ['linreg_slope', { period: 14 }], out: V() },
  CORREL_HIGH_LOW_20: { run: ['correlation', { period: 20, x: 'high', y: 'low' }], out: V() },
  CORREL_CLOSE_BENCH_20: { run: ['correlation', { period: 20 }], out: V(), other: bench },
  // R² of close on time equals TA-Lib's correlation of (index, close), squared.
  CORREL_INDEX_CLOSE_14: { run: ['linreg_r2', { period: 14 }], out: V(), transform: (r) => r * r },
  BETA_BENCH_CLOSE_20: { run: ['beta', { period: 20 }], out: V(), other: bench },
};

const COMPOSED: Record<string, Mapping> = {
  HMA_20: { run: ['hma', { period: 20 }], out: { value: 'value' } },
  VWMA_20: { run: ['vwma', { period: 20 }], out: { value: 'value' } },
  CMF_20: { run: ['cmf', { period: 20 }], out: { value: 'value' } },
  KELTNER_20_10_2: { run: ['keltner', { period: 20, atrPeriod: 10, mult: 2 }], out: { upper: 'upper', middle: 'middle', lower: 'lower' } },
  DONCHIAN_20: { run: ['donchian', { period: 20 }], out: { upper: 'upper', middle: 'middle', lower: 'lower' } },
  ICHIMOKU_9_26_52_26: {
    run: ['ichimoku', { tenkan: 9, kijun: 26, senkou: 52, displacement: 26 }],
    out: { tenkan: 'tenkan', kijun: 'kijun', senkouA: 'senkouA', senkouB: 'senkouB' },
  },
  ZSCORE_20: { run: ['zscore', { period: 20 }], out: { value: 'value' } },
};

function check(id: string, m: Mapping, ref: Record<string, (number | null)[]>): void {
  const [name, params] = m.run;
  const { columns } = computeIndicator(name, params, series, m.other);
  for (const [ours, theirs] of Object.entries(m.out)) {
    const r = compare(columns[ours]!, ref[theirs]!, m.transform);
    expect(r.mismatchedNull, `${id}.${ours}: defined where TA-Lib is not (or vice versa)`).toEqual([]);
    expect(r.worst, `${id}.${ours}: worst relative difference at bar ${r.worstAt}`).toBeLessThanOrEqual(REL);
  }
}

describe('agreement with TA-Lib (golden values)', () => {
  it('covers every golden case', () => {
    expect(golden.cases.map((c) => c.id).sort()).toEqual(Object.keys(CASES).sort());
    expect(golden.composed.map((c) => c.id).sort()).toEqual(Object.keys(COMPOSED).sort());
  });
  for (const c of golden.cases) {
    it(`equals TA-Lib ${c.id} within 1e-9 relative (1e-12 of scale near zero) from its first value on`, () => {
      check(c.id, CASES[c.id]!, c.outputs);
    });
  }
  for (const c of golden.composed) {
    it(`equals the TA-Lib composition ${c.id} (${c.recipe}) within 1e-9 relative`, () => {
      check(c.id, COMPOSED[c.id]!, c.outputs);
    });
  }
});
