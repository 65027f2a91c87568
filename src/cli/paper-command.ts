// `sextant paper --strategy <name[:allocation]>... [--symbols A,B|N] [--replay <source>] [--speed N|max]`:
// paper trading with a live status line (app/paper-console.ts); SIGINT/SIGTERM stop it gracefully.
// A strategy that failed makes exit 3, as in backtest.
import { runPaper } from '../app/paper-console.ts';
import { bool, keyValues, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { EXIT_STRATEGY_FAILED } from './exit-codes.ts';
import { instrumentFlags } from './run-flags.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const tty = process.stderr.isTTY;
  const code = await runPaper(
    {
      strategies: strs(a, 'strategy'), params: keyValues(strs(a, 'param'), '--param'), symbols: strs(a, 'symbols'), replay: str(a, 'replay'),
      speed: num(a, 'speed'), runId: str(a, 'run'), cash: num(a, 'cash'), commission: num(a, 'commission'), size: str(a, 'size'),
      barMs: num(a, 'bar-ms'), tickMs: num(a, 'tick-ms'), seed: num(a, 'seed'), durationSec: num(a, 'duration'), stateDir: str(a, 'state-dir'),
      alwaysOpen: bool(a, 'always-open'), riskFile: str(a, 'risk'), ...instrumentFlags(a),
    },
    {
      out: io.out,
      err: io.err,
      // A terminal rewrites one status line in place; elsewhere only the first and the last are printed.
      status: tty ? (line) => process.stderr.write(`\r${line.padEnd(120)}`) : undefined,
      quiet: bool(a, 'quiet'),
    },
  );
  if (tty && !bool(a, 'quiet')) process.stderr.write('\n');
  // runPaper returns 1 exactly when a strategy failed (it says so on stderr).
  return code === 1 ? EXIT_STRATEGY_FAILED : code;
}
