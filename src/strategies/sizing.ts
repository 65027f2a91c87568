// How many units an order should have, resolved when the order is made from the price at that moment.
import { z } from 'zod';
import { InvariantError } from '../core/errors.ts';
import { floorToStep } from '../core/math.ts';
import { parseArgs } from './parse.ts';

/**
 * A sizing rule. `qty` and `pct-cash` size the order itself; `pct-equity` is a target position. The
 * risk-based rules (`kelly`, `vol-target`, `atr-risk`, the library's rules in src/risk/sizing) size
 * the order itself too, from the strategy's history up to the current bar when the order is made.
 */
export type Sizer =
  | { readonly kind: 'pct-cash'; readonly pct: number }
  | { readonly kind: 'qty'; readonly qty: number }
  | { readonly kind: 'pct-equity'; readonly pct: number }
  | ({ readonly kind: 'kelly' } & KellySizing)
  | ({ readonly kind: 'vol-target' } & VolTargetSizing)
  | ({ readonly kind: 'atr-risk' } & AtrRiskSizing);

const KellySchema = z.strictObject({
  /** Probability of a winning trade, in [0, 1]. */
  winRate: z.number().min(0).max(1),
  /** Average win / average loss, > 0. */
  payoffRatio: z.number().positive().finite(),
  /** Scales the full Kelly fraction (0.5 = half Kelly). */
  multiplier: z.number().min(0).finite().default(1),
  /** Most of equity committed (1 = no leverage). */
  cap: z.number().min(0).finite().default(1),
});
const VolTargetSchema = z.strictObject({
  /** Target annual volatility of the position relative to equity (0.1 = 10%). */
  targetVol: z.number().min(0).finite(),
  /** Closes read back to measure realized volatility (lookback returns). */
  lookback: z.number().int().min(2).default(20),
  /** Bars per year, to annualize (252 for daily bars). */
  periodsPerYear: z.number().positive().finite().default(252),
  /** Cap on notional / equity. */
  maxLeverage: z.number().min(0).finite().optional(),
});
const AtrRiskSchema = z.strictObject({
  /** Fraction of equity lost if the stop at atrMultiple ATRs is hit (0.01 = 1%). */
  riskFraction: z.number().min(0).max(1),
  /** ATR period (Wilder, the `atr` indicator). */
  atrPeriod: z.number().int().min(1).default(14),
  /** Stop distance in ATRs. */
  atrMultiple: z.number().positive().finite().default(2),
});
export type KellySizing = z.output<typeof KellySchema>;
export type KellySizingInput = z.input<typeof KellySchema>;
export type VolTargetSizingInput = z.input<typeof VolTargetSchema>;
export type AtrRiskSizingInput = z.input<typeof AtrRiskSchema>;
export type VolTargetSizing = z.output<typeof VolTargetSchema>;
export type AtrRiskSizing = z.output<typeof AtrRiskSchema>;

export const sizers = {
  /** floor(pct% x cash / price) units. */
  pctCash: (pct: number): Sizer => ({ kind: 'pct-cash', pct }),
  /** A fixed quantity. */
  qty: (qty: number): Sizer => ({ kind: 'qty', qty }),
  /** Trade towards a position worth pct% of equity (a target, not an increment). */
  pctEquity: (pct: number): Sizer => ({ kind: 'pct-equity', pct }),
  /** Kelly: ⌊equity × f / price⌋ with f = (p − (1 − p) / b) × multiplier, capped, 0 without an edge. */
  kelly: (opts: KellySizingInput): Sizer => ({ kind: 'kelly', ...parseArgs(KellySchema, opts, 'size.kelly') }),
  /** Volatility target: ⌊equity × targetVol / realized vol / (price × multiplier)⌋, realized vol over `lookback` closes. */
  volTarget: (opts: VolTargetSizingInput): Sizer => ({ kind: 'vol-target', ...parseArgs(VolTargetSchema, opts, 'size.volTarget') }),
  /** ATR risk: ⌊equity × riskFraction / (ATR × atrMultiple × multiplier)⌋, so a stop-out costs riskFraction of equity. */
  atrRisk: (opts: AtrRiskSizingInput): Sizer => ({ kind: 'atr-risk', ...parseArgs(AtrRiskSchema, opts, 'size.atrRisk') }),
};

/** The sizers resolved from the strategy's history (by the engine's context, not by resolveSize). */
export type RiskSizer = Extract<Sizer, { kind: 'kelly' | 'vol-target' | 'atr-risk' }>;
export function isRiskSizer(s: Sizer): s is RiskSizer {
  return s.kind === 'kelly' || s.kind === 'vol-target' || s.kind === 'atr-risk';
}

/**
 * Units to buy (positive) or sell (negative) for `sizer` in the direction `sign`, rounded down to
 * whole lots of `lot` units (whole units by default). One unit costs `unitCost`: its price by default,
 * price x multiplier for contracts, the initial margin for futures-style instruments.
 * For pct-equity the result moves the current position towards the target.
 */
export function resolveSize(sizer: Sizer, sign: 1 | -1, price: number, cash: number, equity: number, positionQty: number, unitCost = price, lot = 1): number {
  switch (sizer.kind) {
    case 'qty':
      return sign * sizer.qty;
    case 'pct-cash':
      return sign * units(((sizer.pct / 100) * Math.max(0, cash)) / unitCost, lot);
    case 'pct-equity': {
      const target = sign * units(((sizer.pct / 100) * Math.max(0, equity)) / unitCost, lot);
      const delta = target - positionQty;
      return Math.sign(delta) === sign ? delta : 0;
    }
    case 'kelly':
    case 'vol-target':
    case 'atr-risk':
      throw new InvariantError(`the ${sizer.kind} sizer reads the strategy's history: resolve it through the strategy context`);
  }
}

/** Whole lots in `x` units, rounded down (Math.floor for whole units, as the §8 contract states). */
function units(x: number, lot: number): number {
  return lot === 1 ? Math.floor(x) : floorToStep(x, lot);
}

/** Parses `pct-cash:95`, `qty:100` or `pct-equity:50` (the CLI's --size). Returns null when malformed. */
export function parseSizer(text: string): Sizer | null {
  const m = /^(pct-cash|qty|pct-equity):([0-9]*\.?[0-9]+)$/.exec(text.trim());
  if (!m) return null;
  const v = Number(m[2]);
  if (!(v > 0)) return null;
  if (m[1] === 'qty') return sizers.qty(v);
  if (v > 100 && m[1] === 'pct-cash') return null;
  return m[1] === 'pct-cash' ? sizers.pctCash(v) : sizers.pctEquity(v);
}
