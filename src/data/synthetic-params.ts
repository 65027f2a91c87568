// Parameters of the synthetic market model (docs/data.md explains the equations).

export type SyntheticTimeframe = '1d' | '1h' | '1m';

/** Regime index: 0 bull, 1 bear, 2 crisis. */
export const REGIMES = ['bull', 'bear', 'crisis'] as const;
export type RegimeName = (typeof REGIMES)[number];

/** Annual drift of log prices per regime. */
export const REGIME_DRIFT = [0.12, -0.1, -0.6] as const;
/** Volatility multiplier per regime. */
export const REGIME_VOL = [0.85, 1.3, 2.4] as const;
/** Daily transition probabilities (row: from, column: to); mean stays of 100, 33 and 12.5 days. */
export const REGIME_TRANSITIONS_DAILY = [
  [0.99, 0.008, 0.002],
  [0.02, 0.97, 0.01],
  [0.03, 0.05, 0.92],
] as const;

/** GJR-GARCH(1,1) on unit variance: h' = omega + (alpha + gamma [z < 0]) h z^2 + beta h. */
export const GARCH = { alpha: 0.05, gamma: 0.06, beta: 0.9 } as const;
export const GARCH_OMEGA = 1 - GARCH.alpha - GARCH.gamma / 2 - GARCH.beta;

/** Annual volatilities of the market and sector factors; symbols draw the rest. */
export const MARKET_VOL = 0.14;
export const SECTOR_VOL = 0.1;
export const BETA_RANGE = [0.8, 1.2] as const;
export const SECTOR_LOADING_RANGE = [0.7, 1.1] as const;
export const IDIO_VOL_RANGE = [0.15, 0.3] as const;
export const START_PRICE_RANGE = [20, 300] as const;
/** Average daily volume in shares. */
export const DAILY_VOLUME_RANGE = [2e5, 4e6] as const;

/** Overnight open gap (sd, in units of a day's volatility) at each session start; none inside a session. */
export const OVERNIGHT_GAP = 0.35;
/** Mean high/low extension beyond open and close, in units of the bar's volatility (times 3U^2, mean 1). */
export const WICK = 0.5;

export const DEFAULT_SECTORS = ['tech', 'finance', 'energy', 'health', 'consumer'] as const;
export const DEFAULT_SYMBOLS = 10;
export const DEFAULT_BARS = 2520;
export const DEFAULT_START_MS = Date.UTC(2015, 0, 2);

export const TRADING_DAYS_PER_YEAR = 252;
