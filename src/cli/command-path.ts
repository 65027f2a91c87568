// The command a command line names (`backtest`, `data import`), for error messages; '' when none.
import { COMMANDS } from './commands.ts';

export function commandPathOf(argv: readonly string[]): string {
  let best = '';
  for (const c of COMMANDS) {
    if (c.path.every((p, i) => argv[i] === p) && c.path.join(' ').length > best.length) best = c.path.join(' ');
  }
  return best;
}
