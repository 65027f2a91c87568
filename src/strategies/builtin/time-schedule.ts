// Entries that take effect at increasing times (walk-forward model or policy schedules): which one is in force
// at a bar's time. Shared by ml-ensemble's model schedule and rl-agent's policy schedule.

export interface Timed {
  readonly fromMs: number;
}

/** RangeError naming `what` unless the entries start at strictly increasing times. */
export function checkIncreasing(entries: readonly Timed[], what: string): void {
  for (let i = 1; i < entries.length; i++) {
    if (!(entries[i]!.fromMs > entries[i - 1]!.fromMs)) throw new RangeError(`${what}: entries must start at increasing times`);
  }
}

/** Index of the entry in force at `tsMs` (-1 before the first), searching forward from `hint` (bars come in time order). */
export function indexAt(entries: readonly Timed[], tsMs: number, hint = 0): number {
  let i = Math.max(-1, Math.min(hint, entries.length - 1));
  if (i >= 0 && entries[i]!.fromMs > tsMs) i = -1;
  while (i + 1 < entries.length && entries[i + 1]!.fromMs <= tsMs) i++;
  return i;
}
