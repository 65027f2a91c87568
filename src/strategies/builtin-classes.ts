// Every built-in strategy class at once, looked up synchronously: for catalogs and for checking requests
// (the server, jobs, research, ML/RL evaluation). Importing this loads them all; a run that trades named
// strategies loads only those (registry.ts, loadBuiltinStrategy).
import type { StrategyClass } from './strategy.ts';
import { builtinStrategyNames, registeredStrategy } from './registry.ts';
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

export { builtinStrategyNames };

/** The same names as registry.ts's loaders (a test checks), each with its class. */
export const BUILTIN_CLASSES: ReadonlyMap<string, StrategyClass<object>> = new Map<string, StrategyClass<object>>([
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

/** The built-in (or registered) strategy called `name`, or undefined. */
export function builtinStrategy(name: string): StrategyClass<object> | undefined {
  return registeredStrategy(name) ?? BUILTIN_CLASSES.get(name);
}
