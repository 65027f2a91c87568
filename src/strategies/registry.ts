// The built-in strategies by name, with their schemas and descriptions.
import { ConfigError } from '../core/errors.ts';
import type { StrategyClass } from './strategy.ts';
import { BollingerReversion } from './builtin/bollinger.ts';
import { BookImbalance } from './builtin/book-imbalance.ts';
import { CorrelationRegime } from './builtin/correlation-regime.ts';
import { LiquiditySweep } from './builtin/liquidity-sweep.ts';
import { SmartMoneyDivergence } from './builtin/smart-money-divergence.ts';
import { VolumeProfileReversion } from './builtin/volume-profile.ts';
import { BuyAndHold } from './builtin/buy-and-hold.ts';
import { DonchianBreakout } from './builtin/donchian-breakout.ts';
import { Ensemble } from './builtin/ensemble.ts';
import { MacdStrategy } from './builtin/macd.ts';
import { MetaStrategy } from './builtin/meta.ts';
import { MlEnsemble } from './builtin/ml-ensemble.ts';
import { MtfTrend } from './builtin/mtf-trend.ts';
import { RlAgent } from './builtin/rl-agent.ts';
import { PairsTrading } from './builtin/pairs.ts';
import { RsiEnhanced } from './builtin/rsi-enhanced.ts';
import { RsiStrategy } from './builtin/rsi.ts';
import { SmaCross } from './builtin/sma-cross.ts';
import { StatArb } from './builtin/stat-arb.ts';
import { ZScoreReversion } from './builtin/zscore-reversion.ts';

const BUILTINS = new Map<string, StrategyClass<object>>([
  ['sma-cross', SmaCross as unknown as StrategyClass<object>],
  ['rsi', RsiStrategy as unknown as StrategyClass<object>],
  ['bollinger', BollingerReversion as unknown as StrategyClass<object>],
  ['macd', MacdStrategy as unknown as StrategyClass<object>],
  ['buy-and-hold', BuyAndHold as unknown as StrategyClass<object>],
  ['donchian-breakout', DonchianBreakout as unknown as StrategyClass<object>],
  ['zscore-reversion', ZScoreReversion as unknown as StrategyClass<object>],
  ['rsi-enhanced', RsiEnhanced as unknown as StrategyClass<object>],
  ['ensemble', Ensemble as unknown as StrategyClass<object>],
  ['pairs', PairsTrading as unknown as StrategyClass<object>],
  ['stat-arb', StatArb as unknown as StrategyClass<object>],
  ['mtf-trend', MtfTrend as unknown as StrategyClass<object>],
  ['volume-profile', VolumeProfileReversion as unknown as StrategyClass<object>],
  ['liquidity-sweep', LiquiditySweep as unknown as StrategyClass<object>],
  ['smart-money-divergence', SmartMoneyDivergence as unknown as StrategyClass<object>],
  ['correlation-regime', CorrelationRegime as unknown as StrategyClass<object>],
  ['book-imbalance', BookImbalance as unknown as StrategyClass<object>],
  ['ml-ensemble', MlEnsemble as unknown as StrategyClass<object>],
  ['meta', MetaStrategy as unknown as StrategyClass<object>],
  ['rl-agent', RlAgent as unknown as StrategyClass<object>],
]);

export function registerStrategy(name: string, cls: StrategyClass<object>): void {
  BUILTINS.set(name, cls);
}

export function builtinStrategy(name: string): StrategyClass<object> | undefined {
  return BUILTINS.get(name);
}

export function builtinStrategyNames(): string[] {
  return [...BUILTINS.keys()];
}

/** Validates raw params (strings from the CLI are coerced to numbers/booleans) against the schema. */
export function parseStrategyConfig(name: string, cls: StrategyClass<object>, raw: Record<string, unknown>): object {
  const input = coerce(raw);
  const result = cls.schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(params)';
    throw new ConfigError(`strategy ${name}: ${issue.message}`, { field: `param ${field}` });
  }
  const known = new Set(Object.keys(result.data as Record<string, unknown>));
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ConfigError(`strategy ${name} has no parameter "${unknown[0]}"; it takes: ${[...known].join(', ') || 'none'}`, { field: `param ${unknown[0]}` });
  }
  return result.data;
}

function coerce(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') out[k] = v;
    else if (v === 'true' || v === 'false') out[k] = v === 'true';
    else if (v.trim() !== '' && Number.isFinite(Number(v))) out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}
