// `sextant compare --run <id> --backtest <bt.json> [--tolerance s] [--json <file>|-]`: how a paper or live
// run tracked a backtest of the same period (app/compare.ts).
import { compare, type Distribution } from '../app/compare.ts';
import { num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { renderTable } from './table.ts';

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
const dist = (d: Distribution | null, unit: string, digits: number): string =>
  d === null ? '-' : `mean ${d.mean.toFixed(digits)}${unit}, median ${d.median.toFixed(digits)}${unit}, p95 ${d.p95.toFixed(digits)}${unit}, worst ${d.worst.toFixed(digits)}${unit}`;

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const c = await compare({ runId: str(a, 'run')!, backtest: str(a, 'backtest')!, stateDir: str(a, 'state-dir'), toleranceMs: (num(a, 'tolerance') ?? 3600) * 1000 });
  writeJsonFlag(a, c, io);
  if (jsonOnStdout(a)) return 0;
  const f = c.fills;
  io.out(`period ${c.period.from} to ${c.period.to}; symbols ${c.symbols.map((s) => (s.run === s.backtest ? s.run : `${s.run} = ${s.backtest}`)).join(', ')}`);
  io.out(`fills: run ${f.run}, backtest ${f.backtest}, paired ${f.paired} (${pct(f.matchRate)} of the backtest's), only in the run ${f.runOnly}, only in the backtest ${f.backtestOnly}`);
  io.out(`slippage (positive = the run did worse): ${dist(f.slippageBps, ' bp', 2)}`);
  io.out(`delay (run after backtest): ${dist(f.delayMs === null ? null : { mean: f.delayMs.mean / 1000, median: f.delayMs.median / 1000, p95: f.delayMs.p95 / 1000, worst: f.delayMs.worst / 1000 }, ' s', 1)}`);
  io.out(`return: run ${pct(c.pnl.runReturn)}, backtest ${pct(c.pnl.backtestReturn)}, drift ${pct(c.pnl.drift)}, largest gap ${pct(c.pnl.maxGap)}, tracking error ${pct(c.pnl.trackingError)} per step`);
  if (c.pairs.length > 0) {
    io.out(renderTable(['Symbol', 'Side', 'Run time', 'Backtest time', 'Run px', 'Backtest px', 'Slippage bp'], c.pairs.slice(0, 20).map((p) => [p.symbol, p.side, p.runTime, p.backtestTime, String(p.runPrice), String(p.backtestPrice), p.slippageBps.toFixed(2)])));
    if (c.pairs.length > 20) io.out(`(${c.pairs.length - 20} more pairs in --json)`);
  }
  return 0;
}
