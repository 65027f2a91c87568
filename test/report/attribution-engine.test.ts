// Attribution of real engine runs: several strategies and symbols, shorts, flips, costs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { MS_PER_DAY } from '../../src/core/time.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { FractionCommission } from '../../src/execution/commission.ts';
import { FixedBpsSlippage } from '../../src/execution/slippage.ts';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { analyzeBacktest } from '../../src/app/report.ts';
import { runBacktest } from '../../src/app/backtest.ts';
import { T0, randomWalk } from '../helpers/bars.ts';

/** Trades at random (seeded): market orders mostly, some limits; longs, shorts and flips. */
class Dice extends Strategy {
  readonly #rng: Rng;
  constructor(seed: number, readonly limits: boolean) {
    super({});
    this.#rng = new Rng(seed);
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const u = this.#rng.next();
    if (u > 0.3) return;
    const qty = 1 + Math.floor(this.#rng.next() * 40);
    const side = this.#rng.next() < 0.5 ? 'buy' : 'sell';
    if (this.limits && u < 0.06) ctx[side](bar.symbol, qty, { type: 'limit', limitPrice: bar.close * (side === 'buy' ? 0.995 : 1.005) });
    else ctx[side](bar.symbol, qty);
  }
}

const cfgArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  commission: fc.constantFrom(0, 0.0005, 0.002),
  slippageBps: fc.constantFrom(0, 3, 25),
  marketFill: fc.constantFrom<'next-open' | 'close'>('next-open', 'close'),
  rates: fc.boolean(),
  multiplier: fc.constantFrom(1, 10),
});

function run(cfg: typeof cfgArb extends fc.Arbitrary<infer T> ? T : never) {
  const series = [
    randomWalk(120, cfg.seed, { symbol: 'AAA', start: 50 }),
    randomWalk(100, cfg.seed + 1, { symbol: 'BBB', start: 120, startMs: T0 + 20 * MS_PER_DAY }),
    randomWalk(120, cfg.seed + 2, { symbol: 'CCC', start: 20 }),
  ];
  const node = new BacktestNode({
    series,
    instruments: [makeInstrument('AAA', { sector: 'tech' }), makeInstrument('BBB', { sector: 'tech', multiplier: cfg.multiplier }), makeInstrument('CCC', { sector: 'energy' })],
    strategies: [{ strategy: new Dice(cfg.seed * 3, true), id: 'dice-a' }, { strategy: new Dice(cfg.seed * 7, false), id: 'dice-b' }],
    cash: 1_000_000,
    accountType: 'margin',
    leverage: 4,
    borrowRate: cfg.rates ? 0.05 : 0,
    marginRate: cfg.rates ? 0.08 : 0,
    venue: { commission: new FractionCommission(cfg.commission), slippage: new FixedBpsSlippage(cfg.slippageBps), marketFill: cfg.marketFill },
  });
  const out = node.run();
  return { out, analysis: analyzeBacktest(out, { startingCash: 1_000_000, marketFill: cfg.marketFill, benchmarkEquity: null }) };
}

const near = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a), Math.abs(b)));

describe('attribution of engine runs', () => {
  it('gives each strategy the PnL of its own book and each symbol the PnL of its position', () => {
    fc.assert(
      fc.property(cfgArb, (cfg) => {
        const { out, analysis } = run(cfg);
        const a = analysis.attribution!;
        const k = out.kernel;
        const p = k.portfolio;
        expect(k.fills.length).toBeGreaterThan(10);
        expect(a.byStrategy.map((r) => r.key).sort()).toEqual(['dice-a', 'dice-b']);
        for (const r of a.byStrategy) near(r.pnl, k.book(r.key).equity() - 1_000_000);
        for (const r of a.bySymbol) {
          const pos = p.position(r.key);
          near(r.pnl, pos.realizedPnl + pos.unrealizedPnl() - pos.commission);
          near(r.commission, pos.commission);
        }
        // Financing is only known as a total here: it is what the attribution cannot place.
        near(a.decomposition.totalPnl, p.equity() - 1_000_000);
        near(a.decomposition.unexplained, -p.financingPaid);
        for (const rows of [a.bySymbol, a.bySector, a.byStrategy, a.bySide]) near(rows.reduce((s, r) => s + r.pnl, 0) + a.decomposition.unexplained, a.decomposition.totalPnl);
        near(a.decomposition.fees, p.commissionPaid);
        expect(a.bySide[1]!.fills).toBeGreaterThan(0);
      }),
      { numRuns: 25 },
    );
  });

  it('measures the slippage of market orders against the open, or the close they were sent at', () => {
    fc.assert(
      fc.property(cfgArb, (cfg) => {
        const withSlip = run(cfg).analysis.attribution!.decomposition;
        const without = run({ ...cfg, slippageBps: 0 }).analysis.attribution!.decomposition;
        // Limit orders have no reference price; every market order has one.
        expect(withSlip.fillsWithReference).toBeGreaterThan(0);
        expect(without.slippage).toBe(0);
        if (cfg.slippageBps === 0) expect(withSlip.slippage).toBe(0);
        else expect(withSlip.slippage).toBeGreaterThan(0);
      }),
      { numRuns: 15 },
    );
  });
});

describe('runBacktest analysis', () => {
  it('books as slippage exactly what the same orders lose to it, with gross PnL equal to the run without slippage', async () => {
    // Fixed one-share orders and no commission: the same signals and fills at both slippage levels, prices aside.
    const req = { strategy: 'sma-cross', data: ['synthetic:5'], size: 'qty:1', benchmark: false } as const;
    const free = await runBacktest({ ...req, slippageBps: 0 });
    const paid = await runBacktest({ ...req, slippageBps: 10 });
    expect(paid.fills.length).toBe(free.fills.length);
    expect(paid.fills.length).toBeGreaterThan(50);
    const d = paid.analysis!.attribution!.decomposition;
    const d0 = free.analysis!.attribution!.decomposition;
    expect(d0.slippage).toBe(0);
    near(d.grossTradingPnl, d0.totalPnl);
    near(d.slippage, d0.totalPnl - d.totalPnl);
    // And it is what the fill prices say: Σ |fill price − fill price without slippage| × qty.
    let lost = 0;
    paid.fills.forEach((f, i) => (lost += Math.abs(f.price - free.fills[i]!.price) * f.qty));
    near(d.slippage, lost);
  });

  it('attributes the whole PnL of the run, by symbol and by sector', async () => {
    const r = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:9'], commission: 0.001 });
    const a = r.analysis!.attribution!;
    near(a.decomposition.totalPnl, r.finalValue - 100_000);
    near(a.bySymbol.reduce((s, x) => s + x.pnl, 0), r.finalValue - 100_000);
    near(a.bySector.reduce((s, x) => s + x.pnl, 0), r.finalValue - 100_000);
    near(a.decomposition.fees, r.fills.reduce((s, f) => s + f.commission, 0));
    expect(a.bySector.length).toBeGreaterThan(1);
    expect(a.risk.annualVolatility).toBeCloseTo(r.metrics.annualVolatility!, 12);
  });

  it('leaves the analysis out when asked', async () => {
    const r = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:9'], analysis: false, benchmark: false });
    expect(r.analysis).toBeNull();
  });
});
