import { describe, expect, it } from 'vitest';
import { implementationShortfall, reportShortfall } from './shortfall.ts';
import type { ExecReport } from './types.ts';

describe('implementationShortfall', () => {
  it('splits a partly filled buy into delay, trading, opportunity and fees (hand-computed)', () => {
    // Decided 1000 at 100.00; the order reached the market at 100.10; 800 filled at 100.30 on average;
    // the price ended at 100.80; commissions 8.
    // delay = 800 x 0.10 = 80; trading = 800 x 0.20 = 160; opportunity = 200 x 0.80 = 160; total 408.
    // Paper notional 100 000: 8 + 16 + 16 + 0.8 = 40.8 bps.
    const r = implementationShortfall({
      side: 'buy', orderQty: 1000, filledQty: 800, avgPrice: 100.3, decisionPrice: 100, arrivalPrice: 100.1, endPrice: 100.8, fees: 8,
    });
    expect(r.paperNotional).toBe(100_000);
    expect(r.delay.amount).toBeCloseTo(80, 9);
    expect(r.trading.amount).toBeCloseTo(160, 9);
    expect(r.opportunity.amount).toBeCloseTo(160, 9);
    expect(r.fees.amount).toBe(8);
    expect(r.total.amount).toBeCloseTo(408, 9);
    expect(r.delay.bps).toBeCloseTo(8, 9);
    expect(r.trading.bps).toBeCloseTo(16, 9);
    expect(r.opportunity.bps).toBeCloseTo(16, 9);
    expect(r.total.bps).toBeCloseTo(40.8, 9);
  });

  it('counts a sell filled above the arrival price as a gain (negative cost)', () => {
    // Sell 500 decided at 50, arrival 49.9, all filled at 50.05, multiplier 2.
    // delay = -(49.9 - 50) x 500 x 2 = +100 (cost); trading = -(50.05 - 49.9) x 500 x 2 = -150 (gain).
    const r = implementationShortfall({ side: 'sell', orderQty: 500, filledQty: 500, avgPrice: 50.05, decisionPrice: 50, arrivalPrice: 49.9, multiplier: 2 });
    expect(r.delay.amount).toBeCloseTo(100, 9);
    expect(r.trading.amount).toBeCloseTo(-150, 9);
    expect(r.opportunity.amount).toBe(0);
    expect(r.total.amount).toBeCloseTo(-50, 9);
    expect(r.total.bps).toBeCloseTo((-50 / 50_000) * 10_000, 9);
  });

  it('equals the paper-minus-real portfolio difference', () => {
    const inp = { side: 'buy' as const, orderQty: 300, filledQty: 120, avgPrice: 21.37, decisionPrice: 21.1, arrivalPrice: 21.2, endPrice: 21.9, fees: 3.5 };
    const r = implementationShortfall(inp);
    const paper = 300 * (21.9 - 21.1);
    const real = 120 * (21.9 - 21.37) - 3.5;
    expect(r.total.amount).toBeCloseTo(paper - real, 9);
  });

  it('needs an end price for an unfilled remainder and validates quantities', () => {
    expect(() => implementationShortfall({ side: 'buy', orderQty: 10, filledQty: 5, avgPrice: 1, decisionPrice: 1 })).toThrow(/end price/);
    expect(() => implementationShortfall({ side: 'buy', orderQty: 10, filledQty: 11, avgPrice: 1, decisionPrice: 1 })).toThrow(/filled quantity/);
    expect(implementationShortfall({ side: 'buy', orderQty: 10, filledQty: 0, avgPrice: NaN, decisionPrice: 10, endPrice: 9 }).total.amount).toBeCloseTo(-10, 12);
  });

  it('reads side, quantities and average price from an algorithm report', () => {
    const report: ExecReport = {
      parent: { id: 'P', symbol: 'XYZ', side: 'buy', qty: 1000, startMs: 0, endMs: 1 },
      algo: 'twap', state: 'expired', filledQty: 800, remainingQty: 200, avgPrice: 100.3, children: [], fills: [],
    };
    expect(reportShortfall(report, { decisionPrice: 100, arrivalPrice: 100.1, endPrice: 100.8, fees: 8 }).total.amount).toBeCloseTo(408, 9);
  });
});
