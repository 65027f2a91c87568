// `sextant paper --strategy <name[:allocation]>... [--symbols A,B|N] [--replay <source>] [--speed N]`:
// paper trading with a live status line; SIGINT/SIGTERM stop it gracefully.
import { startPaper } from '../app/paper.ts';
import type { LiveStatus } from '../engine/live-node.ts';
import { bool, keyValues, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { instrumentFlags } from './run-flags.ts';

function line(s: LiveStatus): string {
  const pos = s.positions.map((p) => `${p.symbol} ${+p.qty.toFixed(4)}`).join(' ') || 'flat';
  return `${new Date(s.nowMs).toISOString().slice(0, 19)}Z equity ${s.equity.toFixed(2)} pnl ${s.pnl >= 0 ? '+' : ''}${s.pnl.toFixed(2)} | ${pos} | open orders ${s.openOrders} | orders ${s.orders} fills ${s.fills}${s.halted ? ' | HALTED' : ''}`;
}

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const out = io.out;
  const replay = str(a, 'replay');
  const instrument = instrumentFlags(a);
  const speed = num(a, 'speed') ?? 1;
  const quiet = bool(a, 'quiet');
  const tty = process.stderr.isTTY;
  const session = await startPaper(
    {
      strategies: strs(a, 'strategy'), params: keyValues(strs(a, 'param'), '--param'), symbols: strs(a, 'symbols'), replay, speed, ...instrument,
      runId: str(a, 'run'), cash: num(a, 'cash'), commission: num(a, 'commission'), size: str(a, 'size'), barMs: num(a, 'bar-ms'), tickMs: num(a, 'tick-ms'),
      seed: num(a, 'seed'), durationSec: num(a, 'duration'), stateDir: str(a, 'state-dir'), alwaysOpen: bool(a, 'always-open'), riskFile: str(a, 'risk'),
    },
    (s) => {
      if (quiet) return;
      if (tty) process.stderr.write(`\r${line(s).padEnd(120)}`);
    },
  );
  const r = session.node.status().restored;
  if (!quiet) out(`paper run "${session.node.status().runId}" on ${session.store.location}${r && (r.fills || r.openOrders) ? ` (restored ${r.fills} fills, ${r.openOrders} working orders, ${r.mismatches} mismatches)` : ''}; Ctrl-C stops`);
  const onSignal = (): void => void session.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await session.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!quiet) {
    if (tty) process.stderr.write('\n');
    out(line(session.node.status()));
  }
  return 0;
}
