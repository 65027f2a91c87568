// Marks which strategy's code is running, for a watchdog on another thread: the paper supervisor
// (paper-supervisor.ts) or the backtest watchdog (backtest-watchdog.ts). Active only once installed:
// then user strategy classes (files; built-ins are Sextant's own code) are wrapped so that every
// callback records "strategy i entered" in memory shared with the watchdog's thread. Nothing is
// wrapped otherwise (research, tests, built-in backtests run the classes as they are). A strategy the watchdog stopped is "disabled" when the node restarts: its first
// callback throws, so the kernel stops it as it stops any failing strategy (its working orders are
// canceled, the failure is stored and shown), and the other strategies trade on. A strategy that threw
// before the restart stays stopped too: the restart continues the session, it is not a second chance.
import type { Strategy, StrategyClass } from '../strategies/strategy.ts';

/** Slots of the shared array: the running strategy (index + 1, 0 = none) and a count of callback entries. */
export const CURRENT = 0;
export const ENTRIES = 1;
export const WATCH_SLOTS = 2;

/** Seconds a strategy callback may run before the watchdog (paper or backtest) calls it stuck, unless `--strategy-timeout` says otherwise. */
export const DEFAULT_STRATEGY_TIMEOUT_SEC = 10;

const CALLBACKS = ['onStart', 'onBar', 'onQuote', 'onTrade', 'onBook', 'onOrderEvent', 'onStop'] as const;

interface WatchState {
  readonly slots: Int32Array;
  /** Strategy ids in index order, as the supervisor learns them. */
  readonly ids: string[];
  readonly onNewId: (id: string, index: number) => void;
  /** A callback threw: the strategy is stopped by the kernel, and stays stopped if the node restarts. */
  readonly onFailed: (id: string, message: string) => void;
  /** Ids the watchdog stopped earlier in this process, with why. */
  readonly disabled: ReadonlyMap<string, string>;
}

let state: WatchState | null = null;

/** Stops wrapping classes loaded from now on (those already wrapped keep marking into their buffer). */
export function uninstallStrategyWatch(): void {
  state = null;
}

export function installStrategyWatch(
  buffer: SharedArrayBuffer,
  disabled: ReadonlyMap<string, string>,
  onNewId: (id: string, index: number) => void,
  onFailed: (id: string, message: string) => void,
): void {
  state = { slots: new Int32Array(buffer, 0, WATCH_SLOTS), ids: [], onNewId, onFailed, disabled };
}

function indexOf(s: WatchState, id: string): number {
  let i = s.ids.indexOf(id);
  if (i < 0) {
    i = s.ids.push(id) - 1;
    s.onNewId(id, i);
  }
  return i;
}

/** The class itself when no watch is installed; otherwise a subclass whose callbacks mark themselves. */
export function watched<C extends object>(cls: StrategyClass<C>): StrategyClass<C> {
  const s = state;
  if (s === null) return cls;
  const Base = cls as unknown as new (config: C) => object;
  const Watched = class extends Base {} as unknown as StrategyClass<C>;
  Object.defineProperty(Watched, 'name', { value: cls.name });
  const proto = Watched.prototype as unknown as Record<string, unknown>;
  for (const name of CALLBACKS) {
    const original = (cls.prototype as unknown as Record<string, unknown>)[name];
    if (typeof original !== 'function') continue;
    proto[name] = function (this: Strategy<C>, ...args: unknown[]): unknown {
      const why = s.disabled.get(this.id);
      if (why !== undefined) throw new Error(why);
      const prev = s.slots[CURRENT]!;
      s.slots[CURRENT] = indexOf(s, this.id) + 1;
      Atomics.add(s.slots, ENTRIES, 1);
      try {
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } catch (e) {
        s.onFailed(this.id, `it failed earlier in this session: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      } finally {
        s.slots[CURRENT] = prev;
      }
    };
  }
  return Watched;
}
