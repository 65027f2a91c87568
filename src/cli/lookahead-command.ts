// `sextant lookahead --strategy ... [--data ...] [--samples 20] [--json out.json]`: re-runs the strategy on
// data cut right after a sample of its signal bars; any difference at or before that bar means it peeks ahead.
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { runLookaheadAnalysis, type StrategyRunRequest } from '../app/analysis.ts';
import { num, parseArgs, str, type FlagSpec, type ParsedArgs } from './args.ts';
import { renderTable } from './table.ts';
import { RUN_FLAGS, runRequest } from './run-flags.ts';

/** The `backtest` flags that shape a run, plus --json: shared by lookahead, recursive and stress. */
export const STRATEGY_RUN_FLAGS: readonly FlagSpec[] = [...RUN_FLAGS, { name: 'json', kind: 'string' }];

export const strategyRunRequest: (a: ParsedArgs) => StrategyRunRequest = runRequest;

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
