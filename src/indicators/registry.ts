// The indicator registry: name -> factory, params schema (with defaults), input kind and output names.
// Used by `runIndicator` (and so by `sextant indicator <name>`), by the contract suite and the docs.
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import {
  atrBatch,
  bollingerBatch,
  emaBatch,
  macdBatch,
  rsiBatch,
  smaBatch,
  smmaBatch,
  type Columns,
} from './batch.ts';
import { CrossOver } from './crossover.ts';
import { EMA, SMMA } from './ema.ts';
import type { Indicator } from './indicator.ts';
import { DEMA, HMA, KAMA, TEMA, VWMA, WMA } from './ma.ts';
import { MACD, Momentum, PPO, ROC, TRIX } from './momentum.ts';
import { CCI, MFI, StochRSI, Stochastic, WilliamsR } from './oscillators.ts';
import { RSI } from './rsi.ts';
import { SMA } from './sma.ts';
import { Beta, Correlation, Hurst, LinRegR2, LinRegSlope } from './statistics.ts';
import { ADX, Aroon, DMI, Ichimoku, ParabolicSAR, SuperTrend } from './trend.ts';
import { ATR, Bollinger, Donchian, Keltner, NATR, StdDev, TrueRange, Variance, ZScore } from './volatility.ts';
import { AD, AnchoredVWAP, CMF, ChaikinOsc, OBV, SessionVWAP } from './volume.ts';

/**
 * What an indicator reads: one series (`close`, or another field chosen by the `source` param),
 * whole bars (`bar`: high, low, close, volume, time), or two series (`pair`: fields `x` and `y`).
 */
export type InputKind = 'close' | 'bar' | 'pair';
export type IndicatorGroup = 'moving average' | 'momentum' | 'trend' | 'volatility' | 'volume' | 'statistics';

/** Input of a batch computation: the bars' columns, and the selected series for `close`/`pair` kinds. */
export interface BatchInput {
  readonly cols: Columns;
  /** The `source` series (close kind) or the `x` series (pair kind). */
  readonly x: Float64Array;
  /** The `y` series (pair kind). */
  readonly y: Float64Array;
}

export type Params = Record<string, unknown>;

export interface IndicatorDef {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly title: string;
  readonly group: IndicatorGroup;
  readonly inputs: InputKind;
  /** Output names; `['value']` for single-output indicators (whose `update` returns a number). */
  readonly outputs: readonly string[];
  /** Validates raw params (numbers or numeric strings) and fills defaults; strict: unknown keys fail. */
  readonly schema: z.ZodType<Params>;
  /** The TA-Lib function(s) it equals on TA-Lib's defined range, if any. */
  readonly talib?: string;
  /** A new streaming indicator for parsed params. */
  create(params: Params): Indicator<never, unknown>;
  /** A tight batch loop proven equal to folding `create(params)`, when one exists. */
  readonly fastBatch?: (params: Params, input: BatchInput) => Record<string, Float64Array>;
}

const int = (d: number, min = 1) => z.coerce.number().int().min(min).default(d);
const num = (d: number, min = 0) => z.coerce.number().finite().min(min).default(d);
const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
const SOURCES = [...FIELDS, 'hl2', 'hlc3', 'ohlc4'] as const;
export type Source = (typeof SOURCES)[number];
const source = z.enum(SOURCES).default('close');
const field = (d: (typeof FIELDS)[number]) => z.enum(FIELDS).default(d);
/** Epoch ms, or an ISO 8601 date/time (UTC unless it says otherwise). */
const timestamp = z
  .union([z.number(), z.string()])
  .default(0)
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.issues.push({ code: 'custom', message: `not a timestamp: ${String(v)}`, input: v });
      return z.NEVER;
    }
    return ms;
  });

interface Spec<S extends z.ZodRawShape, N extends string, I extends InputKind, O extends readonly string[]> {
  name: N;
  aliases?: string[];
  title: string;
  group: IndicatorGroup;
  inputs: I;
  outputs?: O;
  talib?: string;
  params: S;
  create: (p: z.output<z.ZodObject<S>>) => Indicator<never, unknown>;
  fastBatch?: (p: z.output<z.ZodObject<S>>, input: BatchInput) => Record<string, Float64Array>;
}

/** Parsed params of an indicator: its own, plus `source` (one-series kinds) or `x`/`y` (pair kinds). */
type ParamsOf<S extends z.ZodRawShape, I extends InputKind> = z.output<z.ZodObject<S>> &
  (I extends 'close' ? { source: Source } : I extends 'pair' ? { x: (typeof FIELDS)[number]; y: (typeof FIELDS)[number] } : unknown);

/**
 * A definition that keeps its name, input kind, outputs and params in its type, so typed front ends
 * (StrategyContext.indicators) are generated from the registry. `params` exists in the type only.
 */
export interface TypedIndicatorDef<N extends string, P, I extends InputKind, O extends readonly string[]> extends IndicatorDef {
  readonly name: N;
  readonly inputs: I;
  readonly outputs: O;
  readonly params?: P;
}

function define<const N extends string, S extends z.ZodRawShape, const I extends InputKind, const O extends readonly string[] = readonly ['value']>(
  spec: Spec<S, N, I, O>,
): TypedIndicatorDef<N, ParamsOf<S, I>, I, O> {
  const shape = spec.inputs === 'close' ? { ...spec.params, source } : spec.inputs === 'pair' ? { ...spec.params, x: field('close'), y: field('close') } : spec.params;
  const schema = z.strictObject(shape) as unknown as z.ZodType<Params>;
  const def: IndicatorDef = {
    name: spec.name,
    aliases: spec.aliases ?? [],
    title: spec.title,
    group: spec.group,
    inputs: spec.inputs,
    outputs: spec.outputs ?? (['value'] as const as unknown as O),
    schema,
    create: spec.create as (p: Params) => Indicator<never, unknown>,
    ...(spec.talib !== undefined ? { talib: spec.talib } : {}),
    ...(spec.fastBatch !== undefined ? { fastBatch: spec.fastBatch as (p: Params, i: BatchInput) => Record<string, Float64Array> } : {}),
  };
  return def as TypedIndicatorDef<N, ParamsOf<S, I>, I, O>;
}

const one = (value: Float64Array): Record<string, Float64Array> => ({ value });

const DEFS = [
  // ---- moving averages
  define({
    name: 'sma', title: 'Simple moving average', group: 'moving average', inputs: 'close', talib: 'SMA',
    params: { period: int(20) },
    create: (p) => new SMA(p.period),
    fastBatch: (p, i) => one(smaBatch(i.x, p.period)),
  }),
  define({
    name: 'ema', title: 'Exponential moving average (SMA-seeded)', group: 'moving average', inputs: 'close', talib: 'EMA',
    params: { period: int(20) },
    create: (p) => new EMA(p.period),
    fastBatch: (p, i) => one(emaBatch(i.x, p.period)),
  }),
  define({
    name: 'smma', aliases: ['rma'], title: "Wilder's smoothed moving average (SMMA/RMA)", group: 'moving average', inputs: 'close',
    params: { period: int(14) },
    create: (p) => new SMMA(p.period),
    fastBatch: (p, i) => one(smmaBatch(i.x, p.period)),
  }),
  define({
    name: 'wma', title: 'Linearly weighted moving average', group: 'moving average', inputs: 'close', talib: 'WMA',
    params: { period: int(20) },
    create: (p) => new WMA(p.period),
  }),
  define({
    name: 'dema', title: 'Double exponential moving average', group: 'moving average', inputs: 'close', talib: 'DEMA',
    params: { period: int(20) },
    create: (p) => new DEMA(p.period),
  }),
  define({
    name: 'tema', title: 'Triple exponential moving average', group: 'moving average', inputs: 'close', talib: 'TEMA',
    params: { period: int(20) },
    create: (p) => new TEMA(p.period),
  }),
  define({
    name: 'kama', title: 'Kaufman adaptive moving average', group: 'moving average', inputs: 'close', talib: 'KAMA (fast 2, slow 30)',
    params: { period: int(10), fast: int(2), slow: int(30) },
    create: (p) => new KAMA(p.period, p.fast, p.slow),
  }),
  define({
    name: 'hma', title: 'Hull moving average', group: 'moving average', inputs: 'close',
    params: { period: int(20, 2) },
    create: (p) => new HMA(p.period),
  }),
  define({
    name: 'vwma', title: 'Volume-weighted moving average', group: 'moving average', inputs: 'bar',
    params: { period: int(20) },
    create: (p) => new VWMA(p.period),
  }),
  // ---- momentum
  define({
    name: 'rsi', title: 'Relative strength index (Wilder)', group: 'momentum', inputs: 'close', talib: 'RSI',
    params: { period: int(14) },
    create: (p) => new RSI(p.period),
    fastBatch: (p, i) => one(rsiBatch(i.x, p.period)),
  }),
  define({
    name: 'stochastic', aliases: ['stoch'], title: 'Stochastic oscillator (slow %K, %D)', group: 'momentum', inputs: 'bar',
    talib: 'STOCH (SMA smoothing)', outputs: ['k', 'd'],
    params: { kPeriod: int(14), kSmooth: int(3), dPeriod: int(3) },
    create: (p) => new Stochastic(p.kPeriod, p.kSmooth, p.dPeriod),
  }),
  define({
    name: 'stoch_rsi', aliases: ['stochrsi'], title: 'Stochastic RSI', group: 'momentum', inputs: 'close',
    talib: 'STOCHRSI (SMA %D)', outputs: ['k', 'd'],
    params: { rsiPeriod: int(14), kPeriod: int(14), dPeriod: int(3) },
    create: (p) => new StochRSI(p.rsiPeriod, p.kPeriod, p.dPeriod),
  }),
  define({
    name: 'williams_r', aliases: ['willr'], title: 'Williams %R', group: 'momentum', inputs: 'bar', talib: 'WILLR',
    params: { period: int(14) },
    create: (p) => new WilliamsR(p.period),
  }),
  define({
    name: 'cci', title: 'Commodity channel index', group: 'momentum', inputs: 'bar', talib: 'CCI',
    params: { period: int(20) },
    create: (p) => new CCI(p.period),
  }),
  define({
    name: 'mfi', title: 'Money flow index', group: 'momentum', inputs: 'bar', talib: 'MFI',
    params: { period: int(14) },
    create: (p) => new MFI(p.period),
  }),
  define({
    name: 'roc', title: 'Rate of change (%)', group: 'momentum', inputs: 'close', talib: 'ROC',
    params: { period: int(10) },
    create: (p) => new ROC(p.period),
  }),
  define({
    name: 'momentum', aliases: ['mom'], title: 'Momentum', group: 'momentum', inputs: 'close', talib: 'MOM',
    params: { period: int(10) },
    create: (p) => new Momentum(p.period),
  }),
  define({
    name: 'macd', title: 'Moving average convergence/divergence', group: 'momentum', inputs: 'close', talib: 'MACD',
    outputs: ['macd', 'signal', 'histogram'],
    params: { fast: int(12), slow: int(26), signal: int(9) },
    create: (p) => new MACD(p.fast, p.slow, p.signal),
    fastBatch: (p, i) => macdBatch(i.x, p.fast, p.slow, p.signal),
  }),
  define({
    name: 'ppo', title: 'Percentage price oscillator', group: 'momentum', inputs: 'close', talib: 'PPO (matype EMA or SMA)',
    params: { fast: int(12), slow: int(26), ma: z.enum(['ema', 'sma']).default('ema') },
    create: (p) => new PPO(p.fast, p.slow, p.ma),
  }),
  define({
    name: 'trix', title: 'TRIX (rate of change of a triple EMA, %)', group: 'momentum', inputs: 'close', talib: 'TRIX',
    params: { period: int(15) },
    create: (p) => new TRIX(p.period),
  }),
  // ---- trend
  define({
    name: 'adx', title: 'Average directional index with +DI/−DI', group: 'trend', inputs: 'bar', talib: 'ADX, PLUS_DI, MINUS_DI',
    outputs: ['adx', 'plusDI', 'minusDI'],
    params: { period: int(14, 2) },
    create: (p) => new ADX(p.period),
  }),
  define({
    name: 'dmi', title: 'Directional movement index (+DI, −DI)', group: 'trend', inputs: 'bar', talib: 'PLUS_DI, MINUS_DI',
    outputs: ['plusDI', 'minusDI'],
    params: { period: int(14, 2) },
    create: (p) => new DMI(p.period),
  }),
  define({
    name: 'aroon', title: 'Aroon up/down and oscillator', group: 'trend', inputs: 'bar', talib: 'AROON, AROONOSC',
    outputs: ['up', 'down', 'oscillator'],
    params: { period: int(14) },
    create: (p) => new Aroon(p.period),
  }),
  define({
    name: 'parabolic_sar', aliases: ['sar', 'psar'], title: 'Parabolic SAR', group: 'trend', inputs: 'bar', talib: 'SAR',
    params: { acceleration: num(0.02, 1e-12), maximum: num(0.2, 1e-12) },
    create: (p) => new ParabolicSAR(p.acceleration, p.maximum),
  }),
  define({
    name: 'supertrend', title: 'SuperTrend', group: 'trend', inputs: 'bar', outputs: ['value', 'direction'],
    params: { period: int(10), mult: num(3) },
    create: (p) => new SuperTrend(p.period, p.mult),
  }),
  define({
    name: 'ichimoku', title: 'Ichimoku Kinko Hyo', group: 'trend', inputs: 'bar',
    outputs: ['tenkan', 'kijun', 'senkouA', 'senkouB'],
    params: { tenkan: int(9), kijun: int(26), senkou: int(52), displacement: int(26, 0) },
    create: (p) => new Ichimoku(p.tenkan, p.kijun, p.senkou, p.displacement),
  }),
  // ---- volatility
  define({
    name: 'true_range', aliases: ['trange'], title: 'True range', group: 'volatility', inputs: 'bar', talib: 'TRANGE',
    params: {},
    create: () => new TrueRange(),
  }),
  define({
    name: 'atr', title: 'Average true range', group: 'volatility', inputs: 'bar', talib: 'ATR',
    params: { period: int(14) },
    create: (p) => new ATR(p.period),
    fastBatch: (p, i) => one(atrBatch(i.cols.high, i.cols.low, i.cols.close, p.period)),
  }),
  define({
    name: 'natr', title: 'Normalized average true range (%)', group: 'volatility', inputs: 'bar', talib: 'NATR',
    params: { period: int(14) },
    create: (p) => new NATR(p.period),
  }),
  define({
    name: 'bollinger', aliases: ['bbands'], title: 'Bollinger Bands', group: 'volatility', inputs: 'close',
    talib: 'BBANDS (SMA, nbdevup = nbdevdn)', outputs: ['upper', 'middle', 'lower'],
    params: { period: int(20), mult: num(2) },
    create: (p) => new Bollinger(p.period, p.mult),
    fastBatch: (p, i) => bollingerBatch(i.x, p.period, p.mult),
  }),
  define({
    name: 'keltner', title: 'Keltner Channels', group: 'volatility', inputs: 'bar', outputs: ['upper', 'middle', 'lower'],
    params: { period: int(20), atrPeriod: int(10), mult: num(2) },
    create: (p) => new Keltner(p.period, p.atrPeriod, p.mult),
  }),
  define({
    name: 'donchian', title: 'Donchian Channels', group: 'volatility', inputs: 'bar', outputs: ['upper', 'middle', 'lower'],
    talib: 'MAX(high), MIN(low), MIDPRICE',
    params: { period: int(20) },
    create: (p) => new Donchian(p.period),
  }),
  define({
    name: 'stddev', title: 'Rolling standard deviation (population)', group: 'volatility', inputs: 'close', talib: 'STDDEV (nbdev 1)',
    params: { period: int(20) },
    create: (p) => new StdDev(p.period),
  }),
  define({
    name: 'variance', aliases: ['var'], title: 'Rolling variance (population)', group: 'volatility', inputs: 'close', talib: 'VAR',
    params: { period: int(20) },
    create: (p) => new Variance(p.period),
  }),
  define({
    name: 'zscore', title: 'Rolling z-score', group: 'statistics', inputs: 'close',
    params: { period: int(20, 2) },
    create: (p) => new ZScore(p.period),
  }),
  // ---- volume
  define({
    name: 'obv', title: 'On-balance volume', group: 'volume', inputs: 'bar', talib: 'OBV',
    params: {},
    create: () => new OBV(),
  }),
  define({
    name: 'ad', title: 'Accumulation/distribution line', group: 'volume', inputs: 'bar', talib: 'AD',
    params: {},
    create: () => new AD(),
  }),
  define({
    name: 'chaikin_osc', aliases: ['adosc'], title: 'Chaikin oscillator', group: 'volume', inputs: 'bar', talib: 'ADOSC',
    params: { fast: int(3), slow: int(10) },
    create: (p) => new ChaikinOsc(p.fast, p.slow),
  }),
  define({
    name: 'cmf', title: 'Chaikin money flow', group: 'volume', inputs: 'bar',
    params: { period: int(20) },
    create: (p) => new CMF(p.period),
  }),
  define({
    name: 'vwap', title: 'Session VWAP (restarts each UTC day + offset)', group: 'volume', inputs: 'bar',
    params: { sessionOffsetMinutes: z.coerce.number().finite().default(0) },
    create: (p) => new SessionVWAP(p.sessionOffsetMinutes),
  }),
  define({
    name: 'anchored_vwap', aliases: ['avwap'], title: 'Anchored VWAP', group: 'volume', inputs: 'bar',
    params: { anchor: timestamp },
    create: (p) => new AnchoredVWAP(p.anchor),
  }),
  // ---- statistics
  define({
    name: 'linreg_slope', aliases: ['linearreg_slope'], title: 'Linear-regression slope', group: 'statistics', inputs: 'close',
    talib: 'LINEARREG_SLOPE',
    params: { period: int(14, 2) },
    create: (p) => new LinRegSlope(p.period),
  }),
  define({
    name: 'linreg_r2', title: 'Linear-regression R²', group: 'statistics', inputs: 'close', talib: 'CORREL(time, x)²',
    params: { period: int(14, 2) },
    create: (p) => new LinRegR2(p.period),
  }),
  define({
    name: 'correlation', aliases: ['correl'], title: 'Rolling Pearson correlation of x and y', group: 'statistics', inputs: 'pair',
    talib: 'CORREL',
    params: { period: int(20, 2) },
    create: (p) => new Correlation(p.period),
  }),
  define({
    name: 'beta', title: 'Rolling beta of x (asset) on y (benchmark) returns', group: 'statistics', inputs: 'pair',
    talib: 'BETA(y, x)',
    params: { period: int(20, 2) },
    create: (p) => new Beta(p.period),
  }),
  define({
    name: 'hurst', title: 'Rolling Hurst exponent (lagged differences)', group: 'statistics', inputs: 'close',
    params: { period: int(100, 8), maxLag: int(20, 3) },
    create: (p) => new Hurst(p.period, p.maxLag),
  }),
  define({
    name: 'crossover', title: 'CrossOver of x over y (+1 up, −1 down, 0 none)', group: 'trend', inputs: 'pair',
    params: {},
    create: () => new CrossOver(),
  }),
] as const;

/** Every registered definition with its types (see TypedIndicatorDef). */
export type RegisteredIndicator = (typeof DEFS)[number];

const BY_NAME = new Map<string, IndicatorDef>();
for (const d of DEFS) for (const n of [d.name, ...d.aliases]) BY_NAME.set(n, d);

/** Every registered indicator, once each (aliases not repeated). */
export function listIndicators(): readonly IndicatorDef[] {
  return DEFS;
}

/** The definition registered under `name` or one of its aliases (case-insensitive); ConfigError if none. */
export function getIndicator(name: string): IndicatorDef {
  const d = BY_NAME.get(name.toLowerCase());
  if (d === undefined) {
    throw new ConfigError(`unknown indicator "${name}"; known: ${DEFS.map((x) => x.name).join(', ')}`, { field: 'indicator' });
  }
  return d;
}

/** Parses raw params against the definition's schema; ConfigError names the offending param. */
export function parseParams(def: IndicatorDef, raw: Params = {}): Params {
  const r = def.schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
  const what = issue.code === 'unrecognized_keys' ? `unknown param for ${def.name}` : issue.message;
  throw new ConfigError(`${def.name}: ${what}`, { field: key });
}

/** Builds the streaming indicator for parsed params; invalid combinations become a ConfigError. */
export function createIndicator(def: IndicatorDef, params: Params): Indicator<never, unknown> {
  try {
    return def.create(params);
  } catch (e) {
    if (e instanceof RangeError) throw new ConfigError(e.message, { field: def.name });
    throw e;
  }
}
