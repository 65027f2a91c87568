// Exit attachments as numbers: validation of what a strategy asked for, and the price levels of the
// protective orders once the entry's average fill price is known. The simulated venue places and
// manages the orders (docs/fill-assumptions.md, "Exit attachments"); this file only does the math.
import { ConfigError } from '../../core/errors.ts';
import type { ExitAttachments, ExitLevel, OrderSide, TrailingOffset } from '../../model/order.ts';

/** The protective orders of one entry, as prices (already rounded when a rounding was given). */
export interface ExitLevels {
  /** Stop price of the stop-loss. */
  readonly stopLoss?: number;
  /** Limit price of the take-profit. */
  readonly takeProfit?: number;
  /** Offset of the trailing stop, which starts from the entry price. */
  readonly trailing?: TrailingOffset;
  /** Bars of the position after which a market order closes it. */
  readonly timeExitBars?: number;
  /** Break-even: once the best price reaches `trigger` (not rounded), the stop moves to `stop`. */
  readonly breakEven?: { readonly trigger: number; readonly stop: number };
}

/** A problem with an exit attachment: the field (e.g. `exits.stopLoss.pct`) and what is wrong. */
export interface ExitProblem {
  readonly field: string;
  readonly message: string;
}

const finitePositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

function levelProblem(level: ExitLevel | { readonly amount?: number; readonly pct?: number }, field: string, absKey: 'price' | 'amount', maxPct: number): ExitProblem | null {
  const abs = (level as Record<string, unknown>)[absKey];
  const pct = level.pct;
  if ((abs === undefined) === (pct === undefined)) return { field, message: `give exactly one of ${absKey} and pct` };
  if (abs !== undefined && !finitePositive(abs)) return { field: `${field}.${absKey}`, message: `must be a positive number, got ${String(abs)}` };
  if (pct !== undefined && !(finitePositive(pct) && pct < maxPct)) {
    return { field: `${field}.pct`, message: `must be a percent in (0, ${maxPct === Infinity ? '∞' : maxPct}), got ${String(pct)}` };
  }
  return null;
}

/**
 * What is wrong with `exits` on an entry of `side`, or null. A stop-loss, a trailing stop or a
 * short's take-profit below 100% keeps every price positive; a long's take-profit may be any percent.
 */
export function exitsProblem(exits: ExitAttachments, side: OrderSide, reduceOnly = false): ExitProblem | null {
  if (reduceOnly) return { field: 'exits', message: 'a reduce-only order cannot carry exits: exits attach to entries' };
  const { stopLoss, takeProfit, trailing, timeExitBars, breakEven } = exits;
  if (stopLoss === undefined && takeProfit === undefined && trailing === undefined && timeExitBars === undefined && breakEven === undefined) {
    return { field: 'exits', message: 'give at least one of stopLoss, takeProfit, trailing, timeExitBars, breakEven' };
  }
  const p =
    (stopLoss === undefined ? null : levelProblem(stopLoss, 'exits.stopLoss', 'price', 100)) ??
    (takeProfit === undefined ? null : levelProblem(takeProfit, 'exits.takeProfit', 'price', side === 'buy' ? Infinity : 100)) ??
    (trailing === undefined ? null : levelProblem(trailing, 'exits.trailing', 'amount', 100));
  if (p !== null) return p;
  if (timeExitBars !== undefined && !(Number.isInteger(timeExitBars) && timeExitBars > 0)) {
    return { field: 'exits.timeExitBars', message: `must be a positive whole number of bars, got ${String(timeExitBars)}` };
  }
  if (breakEven !== undefined) {
    if (!(finitePositive(breakEven.triggerPct) && breakEven.triggerPct < (side === 'buy' ? Infinity : 100))) {
      return { field: 'exits.breakEven.triggerPct', message: `must be a positive percent, got ${String(breakEven.triggerPct)}` };
    }
    const off = breakEven.offsetPct ?? 0;
    if (!(typeof off === 'number' && off >= 0 && off < breakEven.triggerPct)) {
      return { field: 'exits.breakEven.offsetPct', message: `must be in [0, triggerPct ${breakEven.triggerPct}), got ${String(off)}` };
    }
  }
  return null;
}

/** Throws a ConfigError naming the field when `exits` is not valid for an entry of `side`. */
export function validateExits(exits: ExitAttachments, side: OrderSide, reduceOnly = false): void {
  const p = exitsProblem(exits, side, reduceOnly);
  if (p !== null) throw new ConfigError(p.message, { field: p.field });
}

/**
 * Absolute exit prices on the wrong side of `ref` (the expected entry price: the limit or stop of the
 * entry, or the last price), or null. A long's stop must be below it and its target above it.
 */
export function exitPricesProblem(exits: ExitAttachments, side: OrderSide, ref: number): ExitProblem | null {
  if (!(ref > 0)) return null;
  const long = side === 'buy';
  const sl = exits.stopLoss?.price;
  if (sl !== undefined && (long ? sl >= ref : sl <= ref)) {
    return { field: 'exits.stopLoss.price', message: `stop-loss ${sl} must be ${long ? 'below' : 'above'} the entry price ${ref}` };
  }
  const tp = exits.takeProfit?.price;
  if (tp !== undefined && (long ? tp <= ref : tp >= ref)) {
    return { field: 'exits.takeProfit.price', message: `take-profit ${tp} must be ${long ? 'above' : 'below'} the entry price ${ref}` };
  }
  return null;
}

/**
 * The levels of the exits of an entry of `side` filled at `entryPrice` on average. Percent levels
 * are measured from `entryPrice`: a long's stop-loss at pct p is entryPrice × (1 − p/100), its
 * take-profit entryPrice × (1 + p/100), mirrored for a short. `round` (e.g. to the tick) applies to
 * every computed price; absolute prices are passed through it too.
 */
export function exitLevels(exits: ExitAttachments, side: OrderSide, entryPrice: number, round: (price: number) => number = (p) => p): ExitLevels {
  const dir = side === 'buy' ? 1 : -1;
  const at = (pct: number): number => round(entryPrice + (entryPrice * dir * pct) / 100);
  const { stopLoss, takeProfit, trailing, timeExitBars, breakEven } = exits;
  return {
    ...(stopLoss === undefined ? {} : { stopLoss: stopLoss.price !== undefined ? round(stopLoss.price) : at(-stopLoss.pct!) }),
    ...(takeProfit === undefined ? {} : { takeProfit: takeProfit.price !== undefined ? round(takeProfit.price) : at(takeProfit.pct!) }),
    ...(trailing === undefined
      ? {}
      : { trailing: trailing.amount !== undefined ? { kind: 'amount' as const, value: trailing.amount } : { kind: 'percent' as const, value: trailing.pct! } }),
    ...(timeExitBars === undefined ? {} : { timeExitBars }),
    ...(breakEven === undefined ? {} : { breakEven: { trigger: entryPrice + (entryPrice * dir * breakEven.triggerPct) / 100, stop: at(breakEven.offsetPct ?? 0) } }),
  };
}

/** The tighter of two protective stop prices of an exit on `exitSide` (a sell stop protects a long: higher is tighter). */
export function tighterStop(exitSide: OrderSide, current: number | undefined, proposed: number): number {
  if (current === undefined || Number.isNaN(current)) return proposed;
  return exitSide === 'sell' ? Math.max(current, proposed) : Math.min(current, proposed);
}
