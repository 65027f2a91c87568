// Accounting invariants over random bar series and random order sequences (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bar, BarSeries } from '../model/bar.ts';
import type { EngineEvent } from '../model/events.ts';
import { makeInstrument } from '../model/instrument.ts';
import { isOpen } from '../model/order-status.ts';
import { FractionCommission } from '../execution/commission.ts';
import { releasedFrom } from '../execution/order-emulator.ts';
import { FixedBpsSlippage } from '../execution/slippage.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { actionArb, barStep, bps, RandomTrader, toSeries } from '../../test/helpers/random-trader.ts';
import { BacktestNode } from './backtest-node.ts';
import type { Kernel } from './kernel.ts';

interface Snapshot {
  equity: number;
  independentEquity: number;
  pnlIdentity: number;
  cash: number;
}

/** Runs last on every bar and records what the books say against what the fills say. */
class Auditor extends Strategy {
  readonly snaps: Snapshot[] = [];
  kernel!: Kernel;
  constructor(readonly startCash: number, readonly mult: number) {
    super({});
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const k = this.kernel;
    const p = k.portfolio;
    let cash = this.startCash - p.financingPaid;
    let qty = 0;
    for (const f of k.fills) {
      const s = f.side === 'buy' ? f.qty : -f.qty;
      cash -= s * f.price * this.mult + f.commission;
      qty += s;
    }
    let unrealized = 0;
    for (const pos of p.openPositions()) unrealized += pos.unrealizedPnl();
    this.snaps.push({
      equity: p.equity(),
      independentEquity: cash + qty * ctx.history(bar.symbol).close() * this.mult,
      pnlIdentity: p.realizedPnl + unrealized - p.commissionPaid - p.financingPaid,
      cash: p.cash,
    });
  }
}

const configArb = fc.record({
  margin: fc.boolean(),
  leverage: fc.integer({ min: 1, max: 4 }),
  commission: fc.oneof(fc.constant(0), bps(1, 100)),
  slippageBps: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 80 })),
  volumeCap: fc.oneof(fc.constant(null), bps(500, 10_000)),
  marketFill: fc.constantFrom<'next-open' | 'close'>('next-open', 'close'),
  limitFill: fc.constantFrom<'through' | 'touch'>('through', 'touch'),
  multiplier: fc.constantFrom(1, 1, 50),
  cash: fc.constantFrom(10_000, 100_000, 1_000_000),
  rates: fc.boolean(),
});

const scenarioArb = fc.record({
  bars: fc.array(barStep, { minLength: 2, maxLength: 40, size: 'max' }),
  start: fc.constantFrom(5, 20, 100, 250),
  actions: fc.array(actionArb, { minLength: 1, maxLength: 12 }),
  cfg: configArb,
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function runScenario(sc: Scenario): { kernel: Kernel; auditor: Auditor; series: BarSeries; equity: Float64Array; cashAfterFills: number[]; margin: boolean } {
  const { cfg } = sc;
  const data = toSeries(sc.bars, sc.start);
  const cashAfterFills: number[] = [];
  const auditor = new Auditor(cfg.cash, cfg.multiplier);
  const ref: { kernel?: Kernel } = {};
  const node = new BacktestNode({
    series: [data],
    instruments: [makeInstrument('X', { multiplier: cfg.multiplier })],
    strategies: [{ strategy: new RandomTrader(sc.actions), id: 'random' }, { strategy: auditor, id: 'auditor' }],
    cash: cfg.cash,
    accountType: cfg.margin ? 'margin' : 'cash',
    leverage: cfg.leverage,
    borrowRate: cfg.rates ? 0.05 : 0,
    marginRate: cfg.rates ? 0.08 : 0,
    venue: {
      commission: new FractionCommission(cfg.commission),
      slippage: new FixedBpsSlippage(cfg.slippageBps),
      volumeCap: cfg.volumeCap,
      marketFill: cfg.marketFill,
      limitFill: cfg.limitFill,
    },
    onEvent: (e: EngineEvent) => {
      if (e.type === 'OrderFilled') cashAfterFills.push(ref.kernel!.portfolio.cash);
    },
  });
  ref.kernel = node.kernel;
  auditor.kernel = node.kernel;
  const out = node.run();
  return { kernel: node.kernel, auditor, series: data, equity: out.equity, cashAfterFills, margin: cfg.margin };
}

const close = (a: number, b: number, scale: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), scale);

describe('accounting invariants over random runs', () => {
  it('equity equals cash plus quantity x last close x multiplier at every step, as rebuilt from the fills', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const r = runScenario(sc);
        expect(r.kernel.strategyErrors.filter((e) => e.strategyId === 'auditor')).toEqual([]);
        expect(r.auditor.snaps).toHaveLength(r.series.length);
        r.auditor.snaps.forEach((s, i) => {
          expect(close(s.equity, s.independentEquity, sc.cfg.cash)).toBe(true);
          expect(close(r.equity[i]!, s.equity, sc.cfg.cash)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('realized + unrealized PnL - commissions (- financing) equals equity - starting cash', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const r = runScenario(sc);
        for (const s of r.auditor.snaps) expect(close(s.pnlIdentity, s.equity - sc.cfg.cash, sc.cfg.cash)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('fills never exceed the order quantity, and each order knows exactly what filled', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const r = runScenario(sc);
        const filled = new Map<string, number>();
        for (const f of r.kernel.fills) {
          expect(f.qty).toBeGreaterThan(0);
          filled.set(f.orderId, (filled.get(f.orderId) ?? 0) + f.qty);
        }
        for (const o of r.kernel.orders) {
          const q = filled.get(o.id) ?? 0;
          expect(q).toBeLessThanOrEqual(o.qty + 1e-9);
          expect(Math.abs(q - o.filledQty)).toBeLessThan(1e-9);
          if (o.status === 'filled') expect(Math.abs(q - o.qty)).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('cash never goes negative in a cash account, not even between fills', () => {
    fc.assert(
      fc.property(scenarioArb.map((sc) => ({ ...sc, cfg: { ...sc.cfg, margin: false } })), (sc) => {
        const r = runScenario(sc);
        for (const c of r.cashAfterFills) expect(c).toBeGreaterThanOrEqual(0);
        for (const s of r.auditor.snaps) expect(s.cash).toBeGreaterThanOrEqual(0);
        // And a cash account never holds a short.
        expect(r.kernel.positionQty('X')).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 150 },
    );
  });

  it('every fill price lies within its bar, and the book holds exactly the open orders', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const r = runScenario(sc);
        for (const f of r.kernel.fills) {
          const i = r.series.lowerBound(f.tsMs);
          expect(r.series.time[i]).toBe(f.tsMs);
          expect(f.price).toBeGreaterThanOrEqual(r.series.low[i]!);
          expect(f.price).toBeLessThanOrEqual(r.series.high[i]!);
        }
        // What works is on the venue's book (a released order under its strategy order's id) or held by
        // the emulator in front of it (a bracket child waiting for its parent).
        const held = r.kernel.emulator!.held.filter((o) => o.isOpen).map((o) => o.id);
        const working = new Set([...r.kernel.venue.workingOrders().map((o) => releasedFrom(o.id) ?? o.id), ...held]);
        for (const o of r.kernel.orders) expect(working.has(o.id)).toBe(isOpen(o.status));
        // The engine's cache holds the same working orders as the venue's book and the emulator, and the
        // venue never reported anything the engine had to drop.
        expect(new Set(r.kernel.orderCache.working().map((o) => o.id))).toEqual(working);
        expect(r.kernel.orderCache.workingCount).toBe(working.size);
        expect(r.kernel.execution.anomalies).toEqual({ duplicates: 0, outOfOrder: 0, unknown: 0 });
      }),
      { numRuns: 150 },
    );
  });
});
