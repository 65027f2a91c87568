// A timeout that may be longer than setTimeout allows. Node (like browsers) stores the delay in a
// signed 32-bit integer: above 2^31-1 ms (24.8 days) it warns and fires after 1 ms instead. A long
// delay is waited out in chunks of at most that size, re-armed until the deadline has passed.

/** The longest delay setTimeout honours (ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface LongTimer {
  /** Cancels the timer; idempotent, and harmless after it fired. */
  clear(): void;
}

/**
 * Calls `fn` once, `ms` milliseconds from now (any finite ms >= 0; Infinity never fires).
 * `now` reads the clock the deadline is kept on (Date.now by default), so a chunk that fires early or
 * late never shifts the deadline; `unref` lets the process exit while only this timer is pending.
 */
export function setLongTimeout(fn: () => void, ms: number, opts: { now?: () => number; unref?: boolean } = {}): LongTimer {
  if (Number.isNaN(ms) || ms < 0) throw new RangeError(`timeout must be a number >= 0, got ${ms}`);
  const now = opts.now ?? Date.now;
  const deadline = now() + ms;
  let handle: NodeJS.Timeout | undefined;
  let cleared = false;
  const arm = (delay: number): void => {
    handle = setTimeout(tick, Math.min(delay, MAX_TIMEOUT_MS));
    if (opts.unref === true) handle.unref();
  };
  const tick = (): void => {
    if (cleared) return;
    const left = deadline - now();
    if (left > 0) return arm(left);
    cleared = true;
    fn();
  };
  if (Number.isFinite(ms)) arm(ms);
  return {
    clear(): void {
      cleared = true;
      clearTimeout(handle);
    },
  };
}
