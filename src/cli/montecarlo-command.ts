// `sextant montecarlo --run run.json [--method trades|shuffle|returns] [--paths 10000] [--block 20]
//   [--block-kind stationary|fixed] [--trade-unit return|pnl] [--seed 1] [--ruin 0.5] [--percentiles 5,50,95] [--json out.json]`
import { ConfigError } from '../core/errors.ts';
import { runMonteCarlo } from '../app/montecarlo.ts';
import type { Distribution, MonteCarloMethod } from '../research/montecarlo.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { withFlags } from './field-flags.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${flag} must be ${allowed.join(', ')}; got "${value}"`, { field: flag });
  return value as T;
}

function parsePercentiles(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((p) => {
    const n = Number(p.trim());
    if (p.trim() === '' || !(n > 0 && n < 100)) throw new ConfigError(`--percentiles is a comma-separated list in (0, 100), got "${text}"`, { field: '--percentiles' });
    return n;
  });
}

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const file = str(a, 'run')!;
  const method: MonteCarloMethod = oneOf(str(a, 'method'), ['trades', 'shuffle', 'returns'] as const, '--method') ?? 'trades';
  const r = withFlags({ run: '--run' }, () => runMonteCarlo(file, {
    method,
    paths: num(a, 'paths'),
    block: num(a, 'block'),
    blockKind: oneOf(str(a, 'block-kind'), ['stationary', 'fixed'] as const, '--block-kind'),
    tradeUnit: oneOf(str(a, 'trade-unit'), ['return', 'pnl'] as const, '--trade-unit'),
    seed: num(a, 'seed'),
    ruin: num(a, 'ruin'),
    percentiles: parsePercentiles(str(a, 'percentiles')),
  }));
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a)) return Promise.resolve(0);
  const out = io.out;
  const keys = Object.keys(r.finalEquity.percentiles);
  const row = (name: string, d: Distribution, f: (x: number | null) => string): string[] => [name, f(d.historical), ...keys.map((k) => f(d.percentiles[k] ?? null)), d.historicalRank === null ? '-' : fmtPct(d.historicalRank, 1)];
  const what = r.method === 'returns' ? `${r.steps} bar returns, ${r.scheme} blocks of ${r.block}` : `${r.steps} trades (${r.additive ? 'cash PnL' : 'returns'}), ${r.method === 'trades' ? 'bootstrap' : 'shuffled order'}`;
  out(`Monte Carlo of ${file}: ${r.paths} paths, seed ${r.seed}; ${what}`);
  out(renderTable(['Statistic', 'Historical', ...keys, 'Hist. rank'], [
    row('Final equity', r.finalEquity, (x) => fmtNum(x)),
    row('Total return', r.totalReturn, (x) => fmtPct(x)),
    row('Max drawdown', r.maxDrawdown, (x) => fmtPct(x)),
    row('Sharpe', r.sharpe, (x) => fmtNum(x)),
  ]));
  out(`Probability of ruin (equity at or below ${fmtPct(r.ruin.level, 0)} of the start, ${fmtNum(r.ruin.equity)}): ${fmtPct(r.ruin.probability)} (${r.ruin.ruinedPaths} of ${r.paths} paths)`);
  if (r.sharpe.defined < r.paths) out(`Sharpe undefined on ${r.paths - r.sharpe.defined} path(s) without volatility`);
  return Promise.resolve(0);
}

/** `sextant montecarlo <argv>` in-process (tests, scripts). */
export function montecarloCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['montecarlo'], argv, () => run, out, err);
}
