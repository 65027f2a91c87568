// The flags that shape one engine run (as `backtest` defines them), declared and read once for every
// command that runs a strategy: backtest, optimize, walkforward, lookahead, recursive, stress.
import { ConfigError } from '../core/errors.ts';
import type { StrategyRunRequest } from '../app/analysis.ts';
import { bool, keyValues, num, str, strs, type FlagSpec, type ParsedArgs } from './args.ts';

export const RUN_FLAGS: readonly FlagSpec[] = [
  { name: 'strategy', kind: 'string' },
  { name: 'data', kind: 'string', repeat: true },
  { name: 'param', kind: 'string', repeat: true },
  { name: 'cash', kind: 'number' },
  { name: 'commission', kind: 'number' },
  { name: 'slippage-bps', kind: 'number' },
  { name: 'size', kind: 'string' },
  { name: 'fill', kind: 'string' },
  { name: 'from', kind: 'string' },
  { name: 'to', kind: 'string' },
  { name: 'skip-bad-rows', kind: 'boolean' },
  { name: 'account', kind: 'string' },
  { name: 'leverage', kind: 'number' },
];

/** The run request those flags describe; --strategy is required and --fill checked here. */
export function runRequest(a: ParsedArgs): StrategyRunRequest & { readonly strategy: string; readonly params: Record<string, string>; readonly fill: 'next-open' | 'close' } {
  const strategy = str(a, 'strategy');
  if (strategy === undefined) throw new ConfigError('--strategy is required (a built-in name or a path to a .ts file)', { field: '--strategy' });
  const fill = str(a, 'fill') ?? 'next-open';
  if (fill !== 'next-open' && fill !== 'close') throw new ConfigError(`--fill must be next-open or close, got "${fill}"`, { field: '--fill' });
  return {
    strategy, params: keyValues(strs(a, 'param'), '--param'), data: strs(a, 'data'), cash: num(a, 'cash'), commission: num(a, 'commission'),
    slippageBps: num(a, 'slippage-bps'), size: str(a, 'size'), fill, from: str(a, 'from'), to: str(a, 'to'), skipBadRows: bool(a, 'skip-bad-rows'),
    account: str(a, 'account'), leverage: num(a, 'leverage'),
  };
}
