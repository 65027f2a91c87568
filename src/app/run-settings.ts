// The settings that shape one backtest run (the `backtest` flags), checked in one place for every
// command that runs the engine: a bad value is a ConfigError naming its flag (CLI exit 2).
import { ConfigError } from '../core/errors.ts';
import { parseSizer, type Sizer } from '../strategies/sizing.ts';

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
  const sizeText = req.size ?? 'pct-cash:95';
  const sizer = parseSizer(sizeText);
  if (sizer === null) throw new ConfigError(`bad size "${sizeText}": use pct-cash:<p>, qty:<n> or pct-equity:<p>`, { field: '--size' });
  const cash = req.cash ?? 100_000;
  if (!(cash > 0)) throw new ConfigError(`cash must be positive, got ${cash}`, { field: '--cash' });
  const commission = req.commission ?? 0;
  if (!(commission >= 0 && commission < 1)) throw new ConfigError(`commission is a fraction of traded value in [0, 1), got ${commission}`, { field: '--commission' });
  const slippageBps = req.slippageBps ?? 0;
  if (!(slippageBps >= 0)) throw new ConfigError(`slippage must be >= 0 bps, got ${slippageBps}`, { field: '--slippage-bps' });
  const fill = req.fill ?? 'next-open';
  if (fill !== 'next-open' && fill !== 'close') throw new ConfigError(`--fill must be next-open or close, got "${String(fill)}"`, { field: '--fill' });
  const account = req.account ?? 'cash';
  if (account !== 'cash' && account !== 'margin') throw new ConfigError(`--account must be cash or margin, got "${account}"`, { field: '--account' });
  const leverage = req.leverage ?? 2;
  if (!(leverage >= 1)) throw new ConfigError(`--leverage must be >= 1, got ${leverage}`, { field: '--leverage' });
  return { sizeText, sizer, cash, commission, slippageBps, fill, account, leverage };
}
