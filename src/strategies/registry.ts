// The built-in strategies by name, each loaded only when a run asks for it: a paper or live node trading
// sma-cross does not load the ML, RL and statistics code of the others (about 80 modules, a tenth of a
// second of every start). Callers that need every class at once (catalogs, validation of requests) use
// builtin-classes.ts, which imports them all.
import { ConfigError } from '../core/errors.ts';
import type { StrategyClass } from './strategy.ts';

type Loader = () => Promise<StrategyClass<object>>;
const as = (cls: unknown): StrategyClass<object> => cls as StrategyClass<object>;

/** Every built-in, in the order listings show them (builtin-classes.ts loads them all from here). */
const LOADERS = new Map<string, Loader>([
  ['sma-cross', async () => as((await import('./builtin/sma-cross.ts')).SmaCross)],
  ['rsi', async () => as((await import('./builtin/rsi.ts')).RsiStrategy)],
  ['bollinger', async () => as((await import('./builtin/bollinger.ts')).BollingerReversion)],
  ['macd', async () => as((await import('./builtin/macd.ts')).MacdStrategy)],
  ['buy-and-hold', async () => as((await import('./builtin/buy-and-hold.ts')).BuyAndHold)],
  ['donchian-breakout', async () => as((await import('./builtin/donchian-breakout.ts')).DonchianBreakout)],
  ['zscore-reversion', async () => as((await import('./builtin/zscore-reversion.ts')).ZScoreReversion)],
  ['rsi-enhanced', async () => as((await import('./builtin/rsi-enhanced.ts')).RsiEnhanced)],
  ['ensemble', async () => as((await import('./builtin/ensemble.ts')).Ensemble)],
  ['pairs', async () => as((await import('./builtin/pairs.ts')).PairsTrading)],
  ['stat-arb', async () => as((await import('./builtin/stat-arb.ts')).StatArb)],
  ['mtf-trend', async () => as((await import('./builtin/mtf-trend.ts')).MtfTrend)],
  ['volume-profile', async () => as((await import('./builtin/volume-profile.ts')).VolumeProfileReversion)],
  ['liquidity-sweep', async () => as((await import('./builtin/liquidity-sweep.ts')).LiquiditySweep)],
  ['smart-money-divergence', async () => as((await import('./builtin/smart-money-divergence.ts')).SmartMoneyDivergence)],
  ['correlation-regime', async () => as((await import('./builtin/correlation-regime.ts')).CorrelationRegime)],
  ['book-imbalance', async () => as((await import('./builtin/book-imbalance.ts')).BookImbalance)],
  ['ml-ensemble', async () => as((await import('./builtin/ml-ensemble.ts')).MlEnsemble)],
  ['meta', async () => as((await import('./builtin/meta.ts')).MetaStrategy)],
  ['rl-agent', async () => as((await import('./builtin/rl-agent.ts')).RlAgent)],
]);

/** Strategies added at run time (tests): found by name like the built-ins, and before them. */
const REGISTERED = new Map<string, StrategyClass<object>>();

export function registerStrategy(name: string, cls: StrategyClass<object>): void {
  REGISTERED.set(name, cls);
}

/** A strategy added by registerStrategy, or undefined. */
export function registeredStrategy(name: string): StrategyClass<object> | undefined {
  return REGISTERED.get(name);
}

/** The built-in strategy called `name` (loaded now if it was not yet), or undefined when there is none. */
export async function loadBuiltinStrategy(name: string): Promise<StrategyClass<object> | undefined> {
  return REGISTERED.get(name) ?? (await LOADERS.get(name)?.());
}

/** Every strategy shipped with Sextant (not those added by registerStrategy), loaded, in listing order. */
export async function loadShippedStrategies(): Promise<[string, StrategyClass<object>][]> {
  return Promise.all([...LOADERS].map(async ([name, load]) => [name, await load()] as [string, StrategyClass<object>]));
}

export function builtinStrategyNames(): string[] {
  return [...new Set([...LOADERS.keys(), ...REGISTERED.keys()])];
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
