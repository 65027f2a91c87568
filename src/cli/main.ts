// The `sextant` command line: thin over app/. Parsing and checking happen first (src/cli/program.ts, from the
// definitions in src/cli/commands.ts); the command's implementation is imported only when it runs.
// Exit codes: src/cli/exit-codes.ts (0 done, 1 internal error, 2 bad input, 3 a strategy failed, 4 reconciliation, 5 audit trail broken).
import { isUserError, ReconciliationError } from '../core/errors.ts';
import { commandPathOf } from './command-path.ts';
import { commandName } from './commands.ts';
import { LOADERS } from './loaders.ts';
import { parseCommandLine } from './program.ts';

let quietOnClosedPipe = false;

/** `sextant ... | head` closes stdout early: stop quietly instead of an EPIPE stack trace. */
function stopOnClosedPipe(): void {
  if (quietOnClosedPipe) return;
  quietOnClosedPipe = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

export async function main(argv: readonly string[], out?: (s: string) => void, err: (s: string) => void = (s) => console.error(s)): Promise<number> {
  if (out === undefined) stopOnClosedPipe();
  const io = { out: out ?? ((s: string) => console.log(s)), err };
  const name = commandPathOf(argv);
  try {
    const p = await parseCommandLine(argv, io);
    if (p.kind === 'done') return p.code;
    const run = await LOADERS[commandName(p.def)]!();
    return await run(p.args, io);
  } catch (e) {
    if (e instanceof ReconciliationError) {
      err(`sextant${name ? ` ${name}` : ''}: ${e.message}`);
      return 4;
    }
    if (isUserError(e)) {
      err(`sextant${name ? ` ${name}` : ''}: ${e.message}`);
      return 2;
    }
    err(`sextant${name ? ` ${name}` : ''}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
