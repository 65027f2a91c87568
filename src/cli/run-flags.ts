// Reads the run flags (src/cli/flags.ts RUN_FLAGS) of every command that runs a strategy on data: backtest,
// optimize, walkforward, lookahead, recursive, stress (and the instrument flags of paper --replay).
import type { StrategyRunRequest } from '../app/run-settings.ts';
import { bool, keyValues, num, str, strs, type ParsedArgs } from './args.ts';

/** `--asset`, `--instrument key=value`..., `--timeframe` as the app layer takes them (it checks the keys). */
export function instrumentFlags(a: ParsedArgs): { readonly asset?: string; readonly instrument?: readonly string[]; readonly timeframe?: string } {
  const instrument = strs(a, 'instrument');
  return { asset: str(a, 'asset'), instrument: instrument.length ? instrument : undefined, timeframe: str(a, 'timeframe') };
}

export type RunRequest = StrategyRunRequest & { readonly params: Record<string, string> };

/** The run request those flags describe (the definitions made --strategy required and checked every value). */
export function runRequest(a: ParsedArgs): RunRequest {
  return {
    strategy: str(a, 'strategy')!, params: keyValues(strs(a, 'param'), '--param'), data: strs(a, 'data'), cash: num(a, 'cash'), commission: num(a, 'commission'),
    slippageBps: num(a, 'slippage-bps'), size: str(a, 'size'), fill: str(a, 'fill') as 'next-open' | 'close' | undefined, from: str(a, 'from'), to: str(a, 'to'),
    skipBadRows: bool(a, 'skip-bad-rows'), account: str(a, 'account'), leverage: num(a, 'leverage'), ...instrumentFlags(a),
  };
}
