// `sextant demo`: the built-in strategies backtested on the embedded synthetic market, compared.
import { runBacktest } from '../app/backtest.ts';
import { fileParamsOf } from '../strategies/file-params.ts';
import { builtinStrategy, builtinStrategyNames } from '../strategies/builtin-classes.ts';
import { num, type CommandIO, type ParsedArgs } from './args.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const seed = num(a, 'seed') ?? 42;
  const data = [`synthetic:${seed}`];
  const rows: string[][] = [];
  for (const name of builtinStrategyNames()) {
    // Strategies that need a file (a trained model) have nothing to run on here.
    if (Object.keys(fileParamsOf(builtinStrategy(name))).length > 0) continue;
    // Pairs and stat-arb short one side: they need a margin account.
    const account = name === 'pairs' || name === 'stat-arb' ? 'margin' : 'cash';
    const r = await runBacktest({ strategy: name, data, commission: 0.001, benchmark: false, account });
    const m = r.metrics;
    rows.push([name, fmtNum(r.finalValue), fmtPct(m.totalReturn), fmtPct(m.cagr), fmtNum(m.sharpe), fmtPct(m.maxDrawdown), String(m.tradeCount), fmtPct(m.winRate), r.runSeconds.toFixed(3)]);
  }
  io.out(`Sextant demo: built-in strategies on the synthetic market (seed ${seed}), $100,000, 0.1% commission, next-open fills`);
  io.out(renderTable(['Strategy', 'Final value', 'Return', 'CAGR', 'Sharpe', 'Max DD', 'Trades', 'Win rate', 'Engine s'], rows));
  return 0;
}
