// `sextant lookahead --strategy ... [--data ...] [--samples 20] [--json out.json]`: re-runs the strategy on
// data cut right after a sample of its signal bars; any difference at or before that bar means it peeks ahead.
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { runLookaheadAnalysis, type StrategyRunRequest } from '../app/analysis.ts';
import { bool, keyValues, num, parseArgs, str, strs, type FlagSpec, type ParsedArgs } from './args.ts';
import { renderTable } from './table.ts';

/** The `backtest` flags that shape a run, shared by lookahead, recursive and stress. */
export const STRATEGY_RUN_FLAGS: readonly FlagSpec[] = [
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
  { name: 'json', kind: 'string' },
];

export function strategyRunRequest(a: ParsedArgs): StrategyRunRequest {
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

export function writeJson(path: string | undefined, value: unknown): void {
  if (path !== undefined) writeFileSync(path, `${JSON.stringify(value, null, 1)}\n`);
}

export async function lookaheadCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [...STRATEGY_RUN_FLAGS, { name: 'samples', kind: 'number' }]);
  if (a.positional.length) throw new ConfigError(`unexpected argument "${a.positional[0]}"`, { field: a.positional[0] });
  const r = await runLookaheadAnalysis({ ...strategyRunRequest(a), samples: num(a, 'samples') });
  writeJson(str(a, 'json'), r);
  out(`${String(r.params.strategy)}: ${r.signals} signal(s) on ${r.signalBars} of ${r.bars} bars; re-ran ${r.checked} cut after a signal bar`);
  if (r.checked > 0) {
    out(renderTable(['Cut after', 'Signals (full run)', 'Signals (cut run)', 'Result'], r.results.map((x) => [
      x.time.slice(0, 19), String(x.fullSignals.length), String(x.cutSignals.length), x.ok ? 'same' : `differs at ${x.firstDifference!.slice(0, 19)}`,
    ])));
  }
  if (r.checked === 0) out('no signals: nothing to check (choose data or params on which the strategy trades)');
  else if (r.biased) {
    out(`LOOK-AHEAD BIAS: ${r.biasedBars.length} of ${r.checked} cut run(s) decided differently; the strategy uses data from after the bar it acts on.`);
    const first = r.results.find((x) => !x.ok)!;
    out(`first: cut after ${first.time}, full run: [${first.difference!.full.join('; ')}], cut run: [${first.difference!.cut.join('; ')}]`);
  } else out('no look-ahead bias found: every cut run made the same signals and fills up to its last bar');
  return 0;
}
