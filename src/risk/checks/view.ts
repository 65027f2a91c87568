// An in-memory RiskView: positions, prices and sectors held in maps. For tests, benchmarks and
// what-if checks outside the kernel; it implements every optional member of RiskView.
import type { AccountType } from '../../model/account.ts';
import type { Order } from '../../model/order.ts';
import type { RiskView } from '../risk-engine.ts';

export interface MemoryRiskViewInit {
  readonly accountType?: AccountType;
  readonly cash?: number;
  /** Equity; defaults to cash + signed marked value of the positions. */
  readonly equity?: number;
  /** Buying power; defaults to 3 x equity - gross exposure (margin) or cash (cash account). */
  readonly buyingPower?: number;
  readonly positions?: Readonly<Record<string, number>>;
  readonly prices?: Readonly<Record<string, number>>;
  readonly sectors?: Readonly<Record<string, string>>;
  readonly multipliers?: Readonly<Record<string, number>>;
  readonly pendingExposure?: number;
  readonly openOrders?: number;
  readonly nowMs?: number;
  readonly issuers?: Readonly<Record<string, string>>;
  /** The account's working orders (any symbol); workingOrders(symbol) filters them. */
  readonly working?: readonly Order[];
}

export class MemoryRiskView implements RiskView {
  readonly accountType: AccountType;
  cashValue: number;
  equityOverride: number | undefined;
  buyingPowerOverride: number | undefined;
  pending: number;
  openOrders: number;
  timeMs: number;
  readonly positions = new Map<string, number>();
  readonly prices = new Map<string, number>();
  readonly sectors = new Map<string, string>();
  readonly multipliers = new Map<string, number>();
  readonly issuers = new Map<string, string>();
  readonly working: Order[] = [];

  constructor(init: MemoryRiskViewInit = {}) {
    this.accountType = init.accountType ?? 'margin';
    this.cashValue = init.cash ?? 100_000;
    this.equityOverride = init.equity;
    this.buyingPowerOverride = init.buyingPower;
    this.pending = init.pendingExposure ?? 0;
    this.openOrders = init.openOrders ?? 0;
    this.timeMs = init.nowMs ?? 0;
    for (const [s, q] of Object.entries(init.positions ?? {})) this.positions.set(s, q);
    for (const [s, p] of Object.entries(init.prices ?? {})) this.prices.set(s, p);
    for (const [s, x] of Object.entries(init.sectors ?? {})) this.sectors.set(s, x);
    for (const [s, m] of Object.entries(init.multipliers ?? {})) this.multipliers.set(s, m);
    for (const [s, i] of Object.entries(init.issuers ?? {})) this.issuers.set(s, i);
    this.working.push(...(init.working ?? []));
  }

  cash(): number {
    return this.cashValue;
  }
  equity(): number {
    if (this.equityOverride !== undefined) return this.equityOverride;
    let v = this.cashValue;
    for (const [s, q] of this.positions) v += q * this.lastPrice(s) * this.multiplier(s);
    return v;
  }
  buyingPower(): number {
    if (this.buyingPowerOverride !== undefined) return this.buyingPowerOverride;
    return this.accountType === 'cash' ? Math.max(0, this.cashValue) : Math.max(0, 3 * this.equity() - this.grossExposure());
  }
  positionQty(symbol: string): number {
    return this.positions.get(symbol) ?? 0;
  }
  lastPrice(symbol: string): number {
    return this.prices.get(symbol) ?? NaN;
  }
  multiplier(symbol: string): number {
    return this.multipliers.get(symbol) ?? 1;
  }
  pendingExposure(): number {
    return this.pending;
  }
  nowMs(): number {
    return this.timeMs;
  }
  sectorOf(symbol: string): string {
    return this.sectors.get(symbol) ?? 'unknown';
  }
  openOrderCount(): number {
    return this.openOrders;
  }
  grossExposure(): number {
    let v = 0;
    for (const [s, q] of this.positions) if (q !== 0) v += Math.abs(q * this.lastPrice(s) * this.multiplier(s));
    return v;
  }
  sectorExposure(sector: string): number {
    let v = 0;
    for (const [s, q] of this.positions) if (q !== 0 && this.sectorOf(s) === sector) v += Math.abs(q * this.lastPrice(s) * this.multiplier(s));
    return v;
  }
  symbols(): readonly string[] {
    return [...new Set([...this.positions.keys(), ...this.prices.keys()])];
  }
  issuerOf(symbol: string): string | undefined {
    return this.issuers.get(symbol);
  }
  workingOrders(symbol: string): readonly Order[] {
    return this.working.filter((o) => o.symbol === symbol && !o.isClosed);
  }
}
