// Portfolio Greeks: the sum over positions of each Greek × signed quantity × contract multiplier.
import { InputError } from '../../core/errors.ts';
import { bsmGreeks, DAYS_PER_YEAR, type BsmParams } from './bsm.ts';

/** A position whose Greeks are aggregated: an option (priced by BSM) or the underlying itself. */
export type GreeksPosition =
  | {
      readonly kind: 'option';
      /** Symbol of the underlying, the key of `byUnderlying`. */
      readonly underlying: string;
      /** Signed number of contracts: > 0 long, < 0 short. */
      readonly qty: number;
      /** Units of underlying per contract (100 for US equity options). */
      readonly multiplier: number;
      readonly option: BsmParams;
    }
  | {
      readonly kind: 'underlying';
      readonly underlying: string;
      /** Signed quantity (shares, or futures contracts). */
      readonly qty: number;
      /** Units per contract (1 for shares, the point value for futures); 1 when omitted. */
      readonly multiplier?: number;
      readonly spot: number;
    };

/** Aggregated sensitivities in currency units (per unit move of the named input). */
export interface GreeksTotals {
  /** Marked value: Σ price × qty × multiplier (for an underlying, spot × qty × multiplier). */
  readonly value: number;
  /** Share-equivalent delta: Σ delta × qty × multiplier (one share has delta 1). */
  readonly delta: number;
  /** Σ delta × qty × multiplier × spot: value change for a 100% move, to first order (so × 0.01 for 1%). */
  readonly dollarDelta: number;
  /** Σ gamma × qty × multiplier: change in share-equivalent delta per 1.00 move of the underlying. */
  readonly gamma: number;
  /** Σ vega × qty × multiplier, per 1.00 of volatility. */
  readonly vega: number;
  /** Per 1 vol point: vega / 100. */
  readonly vegaPct: number;
  /** Σ theta × qty × multiplier, per year. */
  readonly theta: number;
  /** Per calendar day: theta / 365. */
  readonly thetaPerDay: number;
  /** Σ rho × qty × multiplier, per 1.00 of rate. */
  readonly rho: number;
}

export interface PortfolioGreeks {
  /** Sums over every position. Delta and gamma add shares of different underlyings: use dollarDelta across names. */
  readonly total: GreeksTotals;
  /** Sums per underlying symbol, in first-seen order. */
  readonly byUnderlying: ReadonlyMap<string, GreeksTotals>;
}

interface Acc {
  value: number;
  delta: number;
  dollarDelta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
}

const zero = (): Acc => ({ value: 0, delta: 0, dollarDelta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 });

function finish(a: Acc, daysPerYear: number): GreeksTotals {
  return { ...a, vegaPct: a.vega / 100, thetaPerDay: a.theta / daysPerYear };
}

/** Aggregates position Greeks: each Greek × qty × multiplier, in total and per underlying. */
export function aggregateGreeks(positions: readonly GreeksPosition[], daysPerYear = DAYS_PER_YEAR): PortfolioGreeks {
  const total = zero();
  const by = new Map<string, Acc>();
  for (const pos of positions) {
    const mult = pos.multiplier ?? 1;
    if (!Number.isFinite(pos.qty)) throw new InputError(`position in ${pos.underlying}: qty ${pos.qty} is not finite`, { field: 'qty' });
    if (!(mult > 0)) throw new InputError(`position in ${pos.underlying}: multiplier ${mult} must be positive`, { field: 'multiplier' });
    const n = pos.qty * mult;
    let add: Acc;
    if (pos.kind === 'option') {
      const g = bsmGreeks(pos.option, daysPerYear);
      add = {
        value: g.price * n,
        delta: g.delta * n,
        dollarDelta: g.delta * n * pos.option.spot,
        gamma: g.gamma * n,
        vega: g.vega * n,
        theta: g.theta * n,
        rho: g.rho * n,
      };
    } else {
      if (!(pos.spot > 0)) throw new InputError(`position in ${pos.underlying}: spot ${pos.spot} must be positive`, { field: 'spot' });
      add = { value: pos.spot * n, delta: n, dollarDelta: pos.spot * n, gamma: 0, vega: 0, theta: 0, rho: 0 };
    }
    let acc = by.get(pos.underlying);
    if (!acc) {
      acc = zero();
      by.set(pos.underlying, acc);
    }
    for (const a of [total, acc]) {
      a.value += add.value;
      a.delta += add.delta;
      a.dollarDelta += add.dollarDelta;
      a.gamma += add.gamma;
      a.vega += add.vega;
      a.theta += add.theta;
      a.rho += add.rho;
    }
  }
  const byUnderlying = new Map<string, GreeksTotals>();
  for (const [k, a] of by) byUnderlying.set(k, finish(a, daysPerYear));
  return { total: finish(total, daysPerYear), byUnderlying };
}
