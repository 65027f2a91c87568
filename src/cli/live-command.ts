// `sextant live --venue alpaca|binance|ccxt:<id>|ib [--paper|--testnet] [--base-url URL] [--stream-url URL]
// --strategy ... --symbols ...`: the paper node with a broker adapter instead of the simulated venue
// (docs/live.md). It reconciles with the venue before trading and refuses to trade on a mismatch
// (exit 4, with the report); credentials come from the environment and never reach output or the store.
import { bool, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { ibLink } from './ib-flags.ts';
import { commonRequest, superviseFromCli } from './paper-command.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const ib = ibLink(a);
  return superviseFromCli(
    {
      ...commonRequest(a), venue: str(a, 'venue'), feed: str(a, 'feed'), symbols: strs(a, 'symbols'), timeframe: str(a, 'timeframe'),
      testnet: bool(a, 'paper') || bool(a, 'testnet'), ib, positionCheckSec: num(a, 'position-check'), warmupBars: num(a, 'warmup'),
    },
    a,
    io,
  );
}
