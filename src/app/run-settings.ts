// The settings that shape one backtest run (the `backtest` flags), checked in one place for every
// command that runs the engine: a bad value is a ConfigError naming its flag (CLI exit 2).
import { ConfigError } from '../core/errors.ts';
import { parseSizer, type Sizer } from '../strategies/sizing.ts';

/** One set of defaults for every command that runs a strategy (backtest, research, paper, replay). */
export const RUN_DEFAULTS = {
  cash: 100_000,
  commission: 0,
  slippageBps: 0,
  size: 'pct-cash:95',
  fill: 'next-open',
  account: 'cash',
  leverage: 2,
} as const;

export interface RunSettingsInput {
  readonly cash?: number;
  readonly commission?: number;
  readonly slippageBps?: number;
  readonly size?: string;
  readonly fill?: 'next-open' | 'close';
  readonly account?: string;
  readonly leverage?: number;
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
  return { sizeText, sizer, cash, commission, slippageBps, fill, account, leverage };
}
