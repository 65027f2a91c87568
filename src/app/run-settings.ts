// The settings that shape one backtest run (the `backtest` flags), checked in one place for every
// command that runs the engine: a bad value is a ConfigError naming its flag (CLI exit 2).
import { ConfigError } from '../core/errors.ts';
import { parseTimeframe, type Timeframe } from '../data/resample.ts';
import { parseSizer, type Sizer } from '../strategies/sizing.ts';
import { parseInstrumentSettings, type InstrumentSettings } from './instrument-flags.ts';

/** One set of defaults for every command that runs a strategy (backtest, research, paper, replay). */
export const RUN_DEFAULTS = {
  cash: 100_000,
  commission: 0,
  slippageBps: 0,
  size: 'pct-cash:95',
  fill: 'next-open',
  account: 'cash',
  leverage: 2,
  asset: 'equity',
} as const;

export interface RunSettingsInput {
  readonly cash?: number;
  readonly commission?: number;
  readonly slippageBps?: number;
  readonly size?: string;
  readonly fill?: 'next-open' | 'close';
  readonly account?: string;
  readonly leverage?: number;
  /** `--asset`: equity (default), crypto, fx or future: the defaults of the run's instruments. */
  readonly asset?: string;
  /**
   * `--instrument key=value` entries (or the same as a key -> value record): multiplier, margin,
   * commission-per-unit, min-commission, tick, lot, min-qty.
   */
  readonly instrument?: readonly string[] | Readonly<Record<string, string>>;
  /** `--timeframe`: resample the bars on load (15m, 1h, 4h, 1d, 1w, W, M); none = as loaded. */
  readonly timeframe?: string;
}

/** Everything that defines one run of a strategy on data (the `backtest` flags), shared by every use case. */
export interface StrategyRunRequest extends RunSettingsInput {
  readonly strategy: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** `--data` specs; `synthetic` when empty. */
  readonly data?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly skipBadRows?: boolean;
}

export interface RunSettings {
  readonly sizeText: string;
  readonly sizer: Sizer;
  readonly cash: number;
  readonly commission: number;
  readonly slippageBps: number;
  readonly fill: 'next-open' | 'close';
  readonly account: 'cash' | 'margin';
  readonly leverage: number;
  readonly instrument: InstrumentSettings;
  readonly timeframe: Timeframe | undefined;
  /** The settings the request left out, which took their RUN_DEFAULTS value. */
  readonly defaulted: readonly string[];
}

export function checkRunSettings(req: RunSettingsInput): RunSettings {
  const sizeText = req.size ?? RUN_DEFAULTS.size;
  const sizer = parseSizer(sizeText);
  if (sizer === null) throw new ConfigError(`bad size "${sizeText}": use pct-cash:<p>, qty:<n> or pct-equity:<p>`, { field: '--size' });
  const cash = req.cash ?? RUN_DEFAULTS.cash;
  if (!(cash > 0)) throw new ConfigError(`cash must be positive, got ${cash}`, { field: '--cash' });
  const commission = req.commission ?? RUN_DEFAULTS.commission;
  if (!(commission >= 0 && commission < 1)) throw new ConfigError(`commission is a fraction of traded value in [0, 1), got ${commission}`, { field: '--commission' });
  const slippageBps = req.slippageBps ?? RUN_DEFAULTS.slippageBps;
  if (!(slippageBps >= 0)) throw new ConfigError(`slippage must be >= 0 bps, got ${slippageBps}`, { field: '--slippage-bps' });
  const fill = req.fill ?? RUN_DEFAULTS.fill;
  if (fill !== 'next-open' && fill !== 'close') throw new ConfigError(`--fill must be next-open or close, got "${String(fill)}"`, { field: '--fill' });
  const account = req.account ?? RUN_DEFAULTS.account;
  if (account !== 'cash' && account !== 'margin') throw new ConfigError(`--account must be cash or margin, got "${account}"`, { field: '--account' });
  const leverage = req.leverage ?? RUN_DEFAULTS.leverage;
  if (!(leverage >= 1)) throw new ConfigError(`--leverage must be >= 1, got ${leverage}`, { field: '--leverage' });
  const instrument = parseInstrumentSettings(req.asset, req.instrument);
  const timeframe = req.timeframe === undefined ? undefined : timeframeOf(req.timeframe);
  const defaulted = (Object.keys(RUN_DEFAULTS) as (keyof typeof RUN_DEFAULTS)[]).filter((k) => req[k] === undefined);
  return { sizeText, sizer, cash, commission, slippageBps, fill, account, leverage, instrument, timeframe, defaulted };
}

function timeframeOf(text: string): Timeframe {
  // As Freqtrade users write them: 1w is a calendar week from Monday, 1M a calendar month.
  const t = text.trim();
  if (/^1\s*w$/.test(t)) return 'W';
  if (/^1\s*M$/.test(t)) return 'M';
  try {
    return parseTimeframe(t);
  } catch (e) {
    throw e instanceof ConfigError ? new ConfigError(`bad timeframe "${text}": use a count and unit such as 15m, 1h, 4h, 1d, 1w, or W (weeks) or M (months)`, { field: '--timeframe' }) : e;
  }
}
