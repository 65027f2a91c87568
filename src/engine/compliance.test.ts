// Compliance rules through a real backtest: the kernel hands the checks its fills, issuers and working
// orders, denials carry the rule's code, and near misses come out as risk events on the bus.
import { describe, expect, it } from 'vitest';
import type { EngineEvent, RiskEvent } from '../model/events.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { RiskConfig } from '../risk/checks/index.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { BacktestNode } from './backtest-node.ts';

type Action = (ctx: StrategyContext, bar: Bar) => void;

/** Runs `actions[i]` on the i-th bar. */
class Script extends Strategy {
  #i = 0;
  constructor(readonly actions: Readonly<Record<number, Action>>) {
    super({});
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    this.actions[this.#i++]?.(ctx, bar);
  }
}

/** Flat bars at 10, every 10 minutes from 14:00 UTC of `day` (2024-01-08 is a Monday). */
function bars(symbol: string, n: number, day = '2024-01-08', stepMs = 600_000): BarSeries {
  const start = Date.parse(`${day}T14:00:00Z`);
  return BarSeries.fromBars(symbol, Array.from({ length: n }, (_, i) => ({ tsEventMs: start + i * stepMs, open: 10, high: 10, low: 10, close: 10, volume: 1e6 })), stepMs);
}

const OFF: RiskConfig = { maxPositionPct: null, maxSectorPct: null, maxGrossLeverage: null, priceCollarPct: null };

function backtest(series: BarSeries[], actions: Readonly<Record<number, Action>>, riskConfig: RiskConfig, extra: { cash?: number; instruments?: ReturnType<typeof makeInstrument>[] } = {}) {
  const events: EngineEvent[] = [];
  const node = new BacktestNode({
    series, instruments: extra.instruments, cash: extra.cash ?? 100_000, accountType: 'margin', riskConfig: { ...OFF, ...riskConfig },
    strategies: [{ strategy: new Script(actions) }], onEvent: (e) => events.push(e),
  });
  const { kernel } = node.run();
  const nearMisses = events.filter((e): e is RiskEvent => e.type === 'RiskEvent' && e.kind === 'compliance-near-miss').map((e) => e.reason);
  return { kernel, denied: kernel.rejections.filter((r) => r.status === 'denied'), nearMisses };
}

describe('compliance rules in a backtest', () => {
  it('pattern day trader: the 4th same-day round trip of a 20 000 margin account is denied; the 3rd is a near miss', () => {
    const actions: Record<number, Action> = {};
    for (let i = 0; i < 8; i++) actions[i] = (ctx) => (i % 2 === 0 ? ctx.buy('AAPL', 10) : ctx.sell('AAPL', 10));
    const { kernel, denied, nearMisses } = backtest([bars('AAPL', 12)], actions, { patternDayTrader: {} }, { cash: 20_000 });
    expect(kernel.fills.length).toBe(7);
    expect(denied).toHaveLength(1);
    expect(denied[0]!.reason).toMatch(/^pattern-day-trader: sell 10 AAPL would be day trade 4 within 5 business days \(max 3; earlier: 2024-01-08, 2024-01-08, 2024-01-08\) in a margin account with equity 2\d{4}\.\d\d under 25000\.00$/);
    expect(denied[0]!.tsMs).toBe(Date.parse('2024-01-08T15:10:00Z'));
    expect(nearMisses).toEqual([expect.stringMatching(/^pattern-day-trader: \S+ sell 10 AAPL at 100% of the limit: sell 10 AAPL is day trade 3 within 5 business days \(max 3\) with equity 2\d{4}\.\d\d under 25000\.00$/)]);
  });

  it('restricted list by issuer: the instrument names its issuer, the entry starts on a date', () => {
    const series = [BarSeries.fromBars('ACME', [Date.parse('2024-01-08T15:00:00Z'), Date.parse('2024-01-09T15:00:00Z'), Date.parse('2024-01-10T15:00:00Z')].map((t) => ({ tsEventMs: t, open: 10, high: 10, low: 10, close: 10, volume: 1e6 })), 86_400_000)];
    const buy: Action = (ctx) => ctx.buy('ACME', 1);
    const { kernel, denied } = backtest(series, { 0: buy, 1: buy }, { restrictedList: [{ issuer: 'Acme Corp', from: '2024-01-09', reason: 'deal team' }] }, { instruments: [makeInstrument('ACME', { issuer: 'Acme Corp' })] });
    expect(kernel.fills.length).toBe(1);
    expect(denied.map((d) => d.reason)).toEqual(['restricted-symbol: ACME is on the restricted list (issuer Acme Corp) from 2024-01-09: deal team']);
  });

  it('self-cross: a market buy against the own working sell limit is denied, a buy limit below it passes', () => {
    const { kernel, denied } = backtest([bars('AAPL', 6)], {
      0: (ctx) => ctx.buy('AAPL', 10),
      1: (ctx) => ctx.sell('AAPL', 10, { type: 'limit', limitPrice: 10.5 }),
      2: (ctx) => ctx.buy('AAPL', 5),
      3: (ctx) => ctx.buy('AAPL', 5, { type: 'limit', limitPrice: 10.4 }),
    }, { selfTradePrevention: true });
    expect(denied).toHaveLength(1);
    expect(denied[0]!.reason).toMatch(/^self-cross: buy 5 AAPL at market would trade against own working sell limit order \S+ at 10\.50$/);
    expect(kernel.orders.filter((o) => o.status !== 'denied')).toHaveLength(3);
  });

  it('locates: a short sale uses its locate as it fills; the next one is denied', () => {
    const { kernel, denied } = backtest([bars('AAPL', 6)], {
      0: (ctx) => ctx.sell('AAPL', 10),
      1: (ctx) => ctx.sell('AAPL', 1),
      2: (ctx) => ctx.buy('AAPL', 10),
      4: (ctx) => ctx.sell('AAPL', 5),
    }, { shortSale: { requireLocate: true, locates: { AAPL: 10 } } });
    expect(kernel.fills.length).toBe(2);
    expect(denied.map((d) => d.reason)).toEqual([
      'short-locate: AAPL is not on the easy-to-borrow list: a short sale of 1 opens 1 short, located 0',
      'short-locate: AAPL is not on the easy-to-borrow list: a short sale of 5 opens 5 short, located 0',
    ]);
  });

  it('absolute and fat-finger limits deny with their codes; near misses carry the order', () => {
    const { denied, nearMisses, kernel } = backtest([bars('AAPL', 4)], {
      0: (ctx) => ctx.buy('AAPL', 95),
      1: (ctx) => ctx.buy('AAPL', 101),
      2: (ctx) => ctx.buy('AAPL', 10),
    }, { maxOrderQty: 100, maxPositionQty: 100 });
    expect(denied.map((d) => d.reason)).toEqual(['max-order-qty: order quantity 101 AAPL exceeds max 100', 'max-position: AAPL position 105 would exceed max quantity 100']);
    const first = kernel.orders[0]!.id;
    expect(nearMisses).toEqual([
      `max-order-qty: ${first} buy 95 AAPL at 95% of the limit: order quantity 95 AAPL, max 100`,
      `max-position: ${first} buy 95 AAPL at 95% of the limit: AAPL position would be 95, max quantity 100`,
    ]);
  });
});
