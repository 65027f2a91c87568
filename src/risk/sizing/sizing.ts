// Position sizing rules. Every quantity is floored to the lot size (towards zero), never rounded up,
// so a rule never commits more than it computed. Formulas and examples: docs/risk-math.md.
import { InputError } from '../../core/errors.ts';
import { floorToStep } from '../../core/math.ts';

function positive(name: string, x: number): void {
  if (!(x > 0 && Number.isFinite(x))) throw new InputError(`${name} must be a positive number, got ${x}`, { field: name });
}

function nonNegative(name: string, x: number): void {
  if (!(x >= 0 && Number.isFinite(x))) throw new InputError(`${name} must be a non-negative number, got ${x}`, { field: name });
}

/** Floors a quantity to a multiple of `lotSize` (> 0); negative or non-finite amounts give 0. */
export function floorToLot(qty: number, lotSize: number): number {
  positive('lotSize', lotSize);
  if (!(qty > 0) || !Number.isFinite(qty)) return 0;
  return floorToStep(qty, lotSize);
}

/** A fixed quantity, floored to the lot size. */
export function fixedQuantity(qty: number, lotSize: number): number {
  nonNegative('qty', qty);
  return floorToLot(qty, lotSize);
}

export interface FixedFractionInput {
  readonly equity: number;
  /** Fraction of equity to commit (0.1 = 10%). */
  readonly fraction: number;
  readonly price: number;
  readonly lotSize: number;
}

/** Quantity worth `fraction` of equity: ⌊equity × fraction / price⌋ in lots. */
export function fixedFractionQty(i: FixedFractionInput): number {
  nonNegative('fraction', i.fraction);
  positive('price', i.price);
  return floorToLot((Math.max(i.equity, 0) * i.fraction) / i.price, i.lotSize);
}

export interface KellyOptions {
  /** Scales the full Kelly fraction (0.5 = half Kelly). Default 1. */
  readonly multiplier?: number;
  /** Upper limit on the fraction. Default 1 (no leverage). */
  readonly cap?: number;
}

/**
 * Kelly fraction of equity for a bet won with probability p paying b per 1 risked, lost otherwise:
 * f* = p − (1 − p) / b, times the multiplier, capped, and 0 when negative (no edge, no bet).
 */
export function kellyFraction(winRate: number, payoffRatio: number, opts: KellyOptions = {}): number {
  if (!(winRate >= 0 && winRate <= 1)) throw new InputError(`winRate must be in [0, 1], got ${winRate}`, { field: 'winRate' });
  positive('payoffRatio', payoffRatio);
  const multiplier = opts.multiplier ?? 1;
  const cap = opts.cap ?? 1;
  nonNegative('multiplier', multiplier);
  nonNegative('cap', cap);
  const f = (winRate - (1 - winRate) / payoffRatio) * multiplier;
  return f > 0 ? Math.min(f, cap) : 0;
}

export interface KellyInput extends KellyOptions {
  readonly equity: number;
  readonly price: number;
  readonly winRate: number;
  /** Average win / average loss. */
  readonly payoffRatio: number;
  readonly lotSize: number;
}

/** Quantity for the (fractional, capped) Kelly fraction of equity: ⌊equity × f / price⌋ in lots. */
export function kellyQty(i: KellyInput): number {
  const f = kellyFraction(i.winRate, i.payoffRatio, i);
  return fixedFractionQty({ equity: i.equity, fraction: f, price: i.price, lotSize: i.lotSize });
}

/** Annualized volatility of periodic returns: sample std × √periodsPerYear (252 for daily bars). */
export function annualizedVol(returns: ArrayLike<number>, periodsPerYear = 252): number {
  const n = returns.length;
  if (n < 2) throw new InputError(`annualizedVol needs at least 2 returns, got ${n}`);
  positive('periodsPerYear', periodsPerYear);
  let m = 0;
  for (let i = 0; i < n; i++) m += returns[i]!;
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (returns[i]! - m) ** 2;
  return Math.sqrt((ss / (n - 1)) * periodsPerYear);
}

export interface VolTargetInput {
  readonly equity: number;
  readonly price: number;
  /** Target annual volatility of the position's value relative to equity (0.1 = 10%). */
  readonly targetAnnualVol: number;
  /** Realized annual volatility of the instrument (see annualizedVol). */
  readonly realizedAnnualVol: number;
  readonly lotSize: number;
  /** Cap on notional / equity (default: none). */
  readonly maxLeverage?: number;
  /** Currency value of one unit per price point (contract multiplier); default 1. */
  readonly pointValue?: number;
}

/** Volatility targeting: notional = equity × target / realized (capped by maxLeverage); qty = notional / (price × pointValue). */
export function volTargetQty(i: VolTargetInput): number {
  nonNegative('targetAnnualVol', i.targetAnnualVol);
  positive('realizedAnnualVol', i.realizedAnnualVol);
  positive('price', i.price);
  const pointValue = i.pointValue ?? 1;
  positive('pointValue', pointValue);
  let leverage = i.targetAnnualVol / i.realizedAnnualVol;
  if (i.maxLeverage !== undefined) {
    nonNegative('maxLeverage', i.maxLeverage);
    leverage = Math.min(leverage, i.maxLeverage);
  }
  return floorToLot((Math.max(i.equity, 0) * leverage) / (i.price * pointValue), i.lotSize);
}

export interface AtrRiskInput {
  readonly equity: number;
  /** Fraction of equity risked if the stop is hit (0.01 = 1%). */
  readonly riskFraction: number;
  /** Average true range, in price units. */
  readonly atr: number;
  /** Stop distance in ATRs (e.g. 2). */
  readonly atrMultiple: number;
  readonly lotSize: number;
  /** Currency value of one unit per price point (contract multiplier); default 1. */
  readonly pointValue?: number;
}

/** ATR risk per trade: qty = equity × riskFraction / (ATR × multiple × pointValue), so a stop-out loses riskFraction of equity. */
export function atrRiskQty(i: AtrRiskInput): number {
  nonNegative('riskFraction', i.riskFraction);
  positive('atr', i.atr);
  positive('atrMultiple', i.atrMultiple);
  const pointValue = i.pointValue ?? 1;
  positive('pointValue', pointValue);
  return floorToLot((Math.max(i.equity, 0) * i.riskFraction) / (i.atr * i.atrMultiple * pointValue), i.lotSize);
}
