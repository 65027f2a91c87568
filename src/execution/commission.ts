// Commission models: what a fill costs. All return a non-negative amount in the account currency.
import { ConfigError } from '../core/errors.ts';
import type { Instrument } from '../model/instrument.ts';

export interface CommissionModel {
  readonly name: string;
  commission(qty: number, price: number, liquidity: 'maker' | 'taker', multiplier: number): number;
}

/** A fraction of traded value: |qty| x price x rate (backtrader's percentage scheme). */
export class FractionCommission implements CommissionModel {
  readonly name = 'fraction';
  constructor(readonly rate: number) {
    if (!(rate >= 0)) throw new ConfigError(`commission fraction must be >= 0, got ${rate}`, { field: 'commission' });
  }
  commission(qty: number, price: number, _l: 'maker' | 'taker', multiplier: number): number {
    return Math.abs(qty) * price * multiplier * this.rate;
  }
}

/** Per share/contract with a minimum per order fill and an optional cap as a fraction of value (IBKR style). */
export class PerShareCommission implements CommissionModel {
  readonly name = 'per-share';
  constructor(
    readonly perShare: number,
    readonly minimum = 0,
    readonly maxFractionOfValue = Infinity,
  ) {}
  commission(qty: number, price: number, _l: 'maker' | 'taker', multiplier: number): number {
    const raw = Math.max(this.minimum, Math.abs(qty) * this.perShare);
    return Math.min(raw, Math.abs(qty) * price * multiplier * this.maxFractionOfValue);
  }
}

/** Tiered by traded value: each tier's rate applies to the whole fill whose value falls in it. */
export class TieredCommission implements CommissionModel {
  readonly name = 'tiered';
  /** Tiers sorted by `upTo` (value); the last should be Infinity. */
  constructor(readonly tiers: readonly { upTo: number; rate: number }[]) {
    if (tiers.length === 0) throw new ConfigError('tiered commission needs at least one tier', { field: 'commission' });
  }
  commission(qty: number, price: number, _l: 'maker' | 'taker', multiplier: number): number {
    const value = Math.abs(qty) * price * multiplier;
    const tier = this.tiers.find((t) => value <= t.upTo) ?? this.tiers[this.tiers.length - 1]!;
    return value * tier.rate;
  }
}

/** Maker/taker fractions of value (crypto venues); a negative maker rate is a rebate. */
export class MakerTakerCommission implements CommissionModel {
  readonly name = 'maker-taker';
  constructor(
    readonly makerRate: number,
    readonly takerRate: number,
  ) {}
  commission(qty: number, price: number, liquidity: 'maker' | 'taker', multiplier: number): number {
    return Math.abs(qty) * price * multiplier * (liquidity === 'maker' ? this.makerRate : this.takerRate);
  }
}

export const NO_COMMISSION: CommissionModel = new FractionCommission(0);

/**
 * The commission of one fill: the venue's model (a fraction of value by default) plus the instrument's
 * per-unit commission, and at least the instrument's minimum:
 * max(minCommission, model(qty, price) + |qty| x commissionPerUnit). Both parts add up.
 */
export function fillCommission(
  model: CommissionModel, qty: number, price: number, liquidity: 'maker' | 'taker',
  inst: Pick<Instrument, 'multiplier' | 'commissionPerUnit' | 'minCommission'>,
): number {
  const base = model.commission(qty, price, liquidity, inst.multiplier);
  const perUnit = inst.commissionPerUnit;
  const min = inst.minCommission;
  if (perUnit === undefined && min === undefined) return base;
  const total = base + Math.abs(qty) * (perUnit ?? 0);
  return min !== undefined && total < min ? min : total;
}
