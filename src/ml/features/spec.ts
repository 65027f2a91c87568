// The declarative feature spec: JSON-safe, validated by zod, turned into column blocks by plan.ts.
// Every feature of a row reads bars 0..i of its series only (and benchmark bars closed by then).
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { RegimeRulesSchema } from '../regime/rules.ts';

const posInt = z.number().int().min(1);
/** One window or several; normalized to a list. */
const windows = z.union([posInt, z.array(posInt).min(1)]).transform((w) => (Array.isArray(w) ? w : [w]));

export const IndicatorFeatureSchema = z.strictObject({
  /** A registered indicator (src/indicators/registry.ts), by name or alias. */
  name: z.string().min(1),
  /** Its params; defaults filled by the registry's schema. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** raw: the value; ratio: value / close (ATR, MACD); excess: value / close - 1 (moving averages, bands). */
  scale: z.enum(['raw', 'ratio', 'excess']).default('raw'),
  /** Column name prefix instead of `name(param=value,...)`. */
  as: z.string().min(1).optional(),
});

const baseShape = {
  /** Log returns ln(c[i] / c[i-h]): columns `ret_{h}`. */
  returns: z.array(posInt).default([]),
  /** Distance from the moving average ln(c[i] / SMA_h[i]): columns `mom_{h}`. */
  momentum: z.array(posInt).default([]),
  /**
   * Per window w: `rvol_{w}` (sample std of 1-bar log returns), `parkinson_{w}` (high/low range
   * estimator), `atr_{w}` (Wilder ATR(w) / close).
   */
  volatility: z
    .strictObject({
      window: windows,
      realized: z.boolean().default(true),
      parkinson: z.boolean().default(true),
      atr: z.boolean().default(true),
    })
    .optional(),
  /** `log_turnover` (ln(close * volume)); per window: `amihud_{w}` (mean |r| / turnover), `volume_z_{w}`. */
  volume: z
    .strictObject({
      window: windows,
      turnover: z.boolean().default(true),
      amihud: z.boolean().default(true),
      zscore: z.boolean().default(true),
    })
    .optional(),
  /** Registered indicators; `pair` indicators (correlation, beta) read y from the benchmark when one is given. */
  indicators: z.array(IndicatorFeatureSchema).default([]),
};

/** A spec without higher timeframes (what a higher timeframe computes). */
export const BaseFeatureSpecSchema = z.strictObject(baseShape);

export const FeatureSpecSchema = z.strictObject({
  ...baseShape,
  /**
   * Against a benchmark series (given to buildFeatures): per window `bm_corr_{w}` and `bm_beta_{w}`
   * of 1-bar log returns; per horizon `bm_rs_{h}` = ret_h(asset) - ret_h(benchmark).
   */
  benchmark: z
    .strictObject({
      window: windows.default([20]),
      horizons: z.array(posInt).default([]),
    })
    .optional(),
  /** sin/cos of day of week, month and hour of the bar's open time (UTC): `dow_sin`, `dow_cos`, ... */
  calendar: z
    .union([
      z.boolean(),
      z.strictObject({ dayOfWeek: z.boolean().default(false), month: z.boolean().default(false), hour: z.boolean().default(false) }),
    ])
    .default(false)
    .transform((c) => (typeof c === 'boolean' ? { dayOfWeek: c, month: c, hour: c } : c)),
  /**
   * The rule-based market regime of each bar (src/ml/regime: bull/bear/sideways x quiet/volatile, crisis) as
   * one-hot columns `regime:<name>`: true for the default rules, or the rules' settings (trendWindow, ...).
   */
  regimes: z.union([z.boolean(), RegimeRulesSchema]).default(false),
  /**
   * Higher timeframes ('W', 'M', '4h', '1d', ...; 'W' is calendar weeks from Monday, while '1w' is 7-day
   * periods counted from the epoch, a Thursday): each row gets the features of the last *completed*
   * higher-timeframe bar, as columns `{tf}:{name}`. A bare timeframe computes this spec's returns,
   * momentum, volatility, volume and single-series indicators; `{ timeframe, features }` says which.
   */
  timeframes: z
    .array(z.union([z.string().min(1), z.strictObject({ timeframe: z.string().min(1), features: BaseFeatureSpecSchema })]))
    .default([]),
});

/** What a user writes (defaults may be left out). */
export type FeatureSpecInput = z.input<typeof FeatureSpecSchema>;
/** A parsed spec, defaults filled. */
export type FeatureSpec = z.output<typeof FeatureSpecSchema>;
export type BaseFeatureSpec = z.output<typeof BaseFeatureSpecSchema>;
export type IndicatorFeature = z.output<typeof IndicatorFeatureSchema>;

/** Validates a spec (from code or JSON); ConfigError names the first bad field. */
export function parseFeatureSpec(raw: unknown): FeatureSpec {
  const r = FeatureSpecSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = ['features', ...issue.path.map(String)].join('.');
  throw new ConfigError(`feature spec: ${issue.message}`, { field });
}
