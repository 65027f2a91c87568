// `sextant paper --strategy <name[:allocation]>... [--symbols A,B|N] [--replay <source>] [--speed N|max]
// [--feed <venue>]`: paper trading with a live status line (app/paper-console.ts); SIGINT/SIGTERM stop it
// gracefully. A strategy that failed, or a run stopped by its heap limit or its watchdog, makes exit 3
// (as a failed strategy in backtest). The node runs in a supervised worker thread (app/paper-supervisor.ts).
import type { PaperRequest } from '../app/paper.ts';
import { DEFAULT_STRATEGY_TIMEOUT_SEC, supervisePaper } from '../app/paper-supervisor.ts';
import { ttyStatusWriter } from '../app/status-line.ts';
import { bool, keyValues, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { EXIT_OK, EXIT_STRATEGY_FAILED } from './exit-codes.ts';
import { ibLink } from './ib-flags.ts';
import { instrumentFlags } from './run-flags.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  return superviseFromCli(
    {
      ...commonRequest(a), symbols: strs(a, 'symbols'), replay: str(a, 'replay'), speed: num(a, 'speed'), commission: num(a, 'commission'),
      barMs: num(a, 'bar-ms'), tickMs: num(a, 'tick-ms'), seed: num(a, 'seed'), alwaysOpen: bool(a, 'always-open'), ...instrumentFlags(a),
      feed: str(a, 'feed'), testnet: bool(a, 'testnet'), warmupBars: num(a, 'warmup'), ib: ibLink(a),
    },
    a,
    io,
  );
}

/** The flags `paper` and `live` share. */
export function commonRequest(a: ParsedArgs): PaperRequest {
  return {
    strategies: strs(a, 'strategy'), params: keyValues(strs(a, 'param'), '--param'), runId: str(a, 'run'), cash: num(a, 'cash'), size: str(a, 'size'),
    durationSec: num(a, 'duration'), stateDir: str(a, 'state-dir'), riskFile: str(a, 'risk'), haltOnStrategyError: bool(a, 'halt-on-strategy-error'),
    durability: str(a, 'durability') as PaperRequest['durability'],
    maxHeapMb: num(a, 'max-heap-mb'), baseUrl: str(a, 'base-url'), streamUrl: str(a, 'stream-url'),
  };
}

/** Runs the node in its supervised worker with the status line; exit 3 when a strategy failed. */
export async function superviseFromCli(request: PaperRequest, a: ParsedArgs, io: CommandIO): Promise<number> {
  const line = process.stderr.isTTY ? ttyStatusWriter(process.stderr) : undefined;
  const outcome = await supervisePaper(
    request,
    {
      // Other lines start below the status line, which the next second redraws.
      out: (l) => {
        line?.end();
        io.out(l);
      },
      err: (l) => {
        line?.end();
        io.err(l);
      },
      // A terminal rewrites one status line in place, cut to its width; elsewhere a plain line every 10 s.
      status: line?.write,
      plainStatusEveryMs: 10_000,
      quiet: bool(a, 'quiet'),
    },
    { stuckAfterMs: (num(a, 'strategy-timeout') ?? DEFAULT_STRATEGY_TIMEOUT_SEC) * 1000 },
  );
  line?.end();
  return outcome === 'failed' ? EXIT_STRATEGY_FAILED : EXIT_OK;
}
