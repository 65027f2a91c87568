// Strategy code must not end the process: while a paper run trades, process.exit (and abort) throw
// instead, so the kernel turns the call into a StrategyError for the strategy that made it (that
// strategy stops, the others trade on, the run ends normally: no run left "running", no stale pid
// file). Installed once however many runs share the process (reference-counted).
let installs = 0;
let saved: { exit: typeof process.exit; abort: typeof process.abort } | null = null;

export class ProcessExitBlocked extends Error {
  constructor(what: string, code?: unknown) {
    super(`${what}(${code === undefined ? '' : String(code)}) is not allowed while a run trades (strategy code cannot end the process; stop the run with Ctrl-C or \`sextant kill\`)`);
    this.name = 'ProcessExitBlocked';
  }
}

/** Blocks process.exit/abort until the returned release function is called. */
export function blockProcessExit(): () => void {
  if (installs++ === 0) {
    saved = { exit: process.exit, abort: process.abort };
    process.exit = ((code?: unknown): never => {
      throw new ProcessExitBlocked('process.exit', code);
    }) as typeof process.exit;
    process.abort = ((): never => {
      throw new ProcessExitBlocked('process.abort');
    }) as typeof process.abort;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--installs === 0 && saved !== null) {
      process.exit = saved.exit;
      process.abort = saved.abort;
      saved = null;
    }
  };
}

/**
 * Ends the process even while exits are blocked: for the platform's own last resort (a forced exit after
 * a graceful shutdown timed out), never for strategy code.
 */
export function exitProcess(code: number): never {
  return (saved?.exit ?? process.exit)(code);
}
