// The `sextant` command line: thin over app/. Exit codes: 0 done, 2 bad input, 1 internal error.
import { isUserError } from '../core/errors.ts';
import { backtestCommand } from './backtest-command.ts';
import { cointCommand } from './coint-command.ts';
import { indicatorCommand } from './indicator-command.ts';
import { killCommand } from './kill-command.ts';
import { paperCommand } from './paper-command.ts';
import { statusCommand } from './status-command.ts';
import { taxCommand } from './tax-command.ts';
import { riskCommand } from './risk-command.ts';
import { optimizeCommand } from './optimize-command.ts';
import { walkforwardCommand } from './walkforward-command.ts';
import { workerCommand } from './worker-command.ts';
import { sqlCommand } from './sql-command.ts';
import { dataCommand } from './data-command.ts';
import { montecarloCommand } from './montecarlo-command.ts';
import { stressCommand } from './stress-command.ts';
import { lookaheadCommand } from './lookahead-command.ts';
import { recursiveCommand } from './recursive-command.ts';
import { optionCommand } from './option-command.ts';
import { demoCommand } from './demo-command.ts';
import { strategiesCommand } from './strategies-command.ts';

type Command = (argv: readonly string[], out: (s: string) => void) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  backtest: { run: backtestCommand, help: 'backtest a strategy on history (see docs/cli.md)' },
  paper: { run: paperCommand, help: 'paper trading on the live synthetic market or a replay (see docs/paper.md)' },
  status: { run: statusCommand, help: 'stored state of a paper run: positions, open orders, counts, equity' },
  kill: { run: killCommand, help: 'kill switch of a running paper process: halt, cancel all, optionally flatten' },
  data: { run: dataCommand, help: 'import bars into the Parquet warehouse (data import csv:<path> --symbol X) and list them' },
  sql: { run: sqlCommand, help: 'SQL over the warehouse: bars, runs, trades, fills, equity (DuckDB)' },
  risk: { run: riskCommand, help: 'VaR/CVaR, stress and limit usage of a saved backtest run (see docs/risk-report.md)' },
  tax: { run: taxCommand, help: 'tax lots of a backtest run: realized short/long-term gains, wash sales, open lots, loss harvesting' },
  optimize: { run: optimizeCommand, help: 'grid, random or TPE search over params with deflated Sharpe and PBO (see docs/research.md)' },
  walkforward: { run: walkforwardCommand, help: 'rolling or anchored walk-forward: re-optimize per fold, stitched out-of-sample results' },
  worker: { run: workerCommand, help: 'serve distributed optimize/walkforward jobs from a BullMQ queue (--queue redis://...)' },
  montecarlo: { run: montecarloCommand, help: 'Monte Carlo of a backtest --json run: bands for final equity, drawdown, Sharpe; ruin probability' },
  stress: { run: stressCommand, help: 'the strategy through the worst windows of its data and injected shocks, vs the baseline' },
  lookahead: { run: lookaheadCommand, help: 'look-ahead check: re-run on data cut right after signal bars' },
  recursive: { run: recursiveCommand, help: 'start-point check: signals under different warm-up lengths' },
  strategies: { run: strategiesCommand, help: 'list strategies with their params and defaults' },
  indicator: { run: indicatorCommand, help: 'an indicator over a data source, values aligned with the bars (--list)' },
  coint: { run: cointCommand, help: 'ADF of each log-price series and the Engle-Granger test of the pair' },
  option: { run: optionCommand, help: 'Black-Scholes-Merton price, Greeks and implied volatility' },
  demo: { run: demoCommand, help: 'the built-in strategies on the synthetic market, as a comparison table' },
};

function usage(): string {
  return ['usage: sextant <command> [flags]', '', ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(12)} ${v.help}`)].join('\n');
}

export async function main(argv: readonly string[], out: (s: string) => void = (s) => console.log(s), err: (s: string) => void = (s) => console.error(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    out(usage());
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) {
    err(`sextant: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest, out);
  } catch (e) {
    if (isUserError(e)) {
      err(`sextant ${name}: ${e.message}`);
      return 2;
    }
    err(`sextant ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
