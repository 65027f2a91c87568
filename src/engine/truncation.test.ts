// Signals on truncated data equal the full run: what happened up to bar k-1 cannot depend on bars k+.
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../model/bar.ts';
import { RsiStrategy } from '../strategies/builtin/rsi.ts';
import { SmaCross } from '../strategies/builtin/sma-cross.ts';
import { BuyAndHold } from '../strategies/builtin/buy-and-hold.ts';
import type { Strategy } from '../strategies/strategy.ts';
import { FractionCommission } from '../execution/commission.ts';
import { randomWalk } from '../../test/helpers/bars.ts';
import { BacktestNode } from './backtest-node.ts';

const N = 400;
const data = randomWalk(N, 2024, { vol: 0.025 });

function run(strategy: Strategy, s: BarSeries): { orders: string[]; fills: string[]; equity: number[] } {
  const out = new BacktestNode({ series: [s], strategies: [{ strategy, id: 's' }], cash: 50_000, venue: { commission: new FractionCommission(0.001) } }).run();
  const k = out.kernel;
  return {
    orders: k.orders.map((o) => `${o.createdMs} ${o.id} ${o.side} ${o.type} ${o.qty}`),
    fills: k.fills.map((f) => `${f.tsMs} ${f.orderId} ${f.side} ${f.qty} ${f.price} ${f.commission}`),
    equity: [...out.equity],
  };
}

const upTo = (rows: string[], tMs: number): string[] => rows.filter((r) => Number(r.split(' ')[0]) <= tMs);

const strategies: [string, () => Strategy][] = [
  ['sma-cross(5, 15)', () => new SmaCross({ fast: 5, slow: 15 })],
  ['rsi(7, 35, 65)', () => new RsiStrategy({ period: 7, lower: 35, upper: 65 })],
  ['buy-and-hold', () => new BuyAndHold({})],
];

describe.each(strategies)('%s on truncated data', (_name, make) => {
  const full = run(make(), data);

  it('trades on the full series (the comparison is not vacuous)', () => {
    expect(full.fills.length).toBeGreaterThanOrEqual(_name === 'buy-and-hold' ? 1 : 6);
  });

  it.each([20, 57, 150, 233, 399])('gives the same orders, fills and equity up to bar k-1 with only the first k = %s bars', (k) => {
    const cut = run(make(), data.slice(0, k));
    const last = data.time[k - 1]!;
    expect(cut.orders).toEqual(upTo(full.orders, last));
    expect(cut.fills).toEqual(upTo(full.fills, last));
    expect(cut.equity).toEqual(full.equity.slice(0, k));
  });
});
