// ctx.execute end to end in a real backtest (BacktestNode: kernel -> risk -> simulated venue): the
// engine feeds the algorithm, children go out as IOC market orders on the bars the schedule says and
// fill at the next bar's open (the default fill rule).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { BarSeries } from '../model/bar.ts';
import type { AlgoHandle, ExecuteOptions } from '../strategies/context.ts';
import { planAlmgrenChriss } from '../execution/algos/index.ts';
import { parseExecuteOptions } from '../strategies/execute-options.ts';
import { runScript } from '../../test/helpers/scenario.ts';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const minute = (ms: number): number => (ms - T0) / MIN;

/** Minute bars: bar i opens at 100 + i; volume by index. */
function minuteBars(n: number, volume: (i: number) => number = () => 5_000): BarSeries {
  return BarSeries.fromBars('XYZ', Array.from({ length: n }, (_, i) => ({ tsEventMs: T0 + i * MIN, open: 100 + i, high: 100.5 + i, low: 99.5 + i, close: 100.2 + i, volume: volume(i) })), MIN);
}

describe('ctx.execute in a backtest', () => {
  it('TWAP of 5 slices works the parent in 5 child orders, one per bar from the start, filled at the next opens', () => {
    let h: AlgoHandle | null = null;
    const r = runScript(minuteBars(12), { 2: (ctx) => { h = ctx.execute('XYZ', 1000, { algo: 'twap', durationMs: 5 * MIN, slices: 5 }); } }, { cash: 1e6 });
    expect(r.orders.map((o) => [o.request.tag, minute(o.createdMs), o.qty, o.type, o.tif, o.status])).toEqual([
      ['script-algo-1.1', 2, 200, 'market', 'IOC', 'filled'],
      ['script-algo-1.2', 3, 200, 'market', 'IOC', 'filled'],
      ['script-algo-1.3', 4, 200, 'market', 'IOC', 'filled'],
      ['script-algo-1.4', 5, 200, 'market', 'IOC', 'filled'],
      ['script-algo-1.5', 6, 200, 'market', 'IOC', 'filled'],
    ]);
    expect(r.kernel.fills.toArray().map((f) => [minute(f.tsMs), f.qty, f.price])).toEqual([[3, 200, 103], [4, 200, 104], [5, 200, 105], [6, 200, 106], [7, 200, 107]]);
    const handle = h as AlgoHandle | null;
    expect(handle).not.toBeNull();
    expect([handle!.state, handle!.filledQty, handle!.remainingQty, handle!.avgPrice, handle!.side, handle!.qty]).toEqual(['done', 1000, 0, 105, 'buy', 1000]);
    expect(r.kernel.portfolio.position('XYZ').qty).toBe(1000);
    expect(Object.isFrozen(handle)).toBe(true);
  });

  it('a negative quantity sells; the handle reads the live state while the parent is worked', () => {
    const states: [number, string, number][] = [];
    let h: AlgoHandle | null = null;
    runScript(minuteBars(10), (ctx, _bar, i) => {
      if (i === 0) ctx.buy('XYZ', 300);
      if (i === 2) h = ctx.execute('XYZ', -300, { algo: 'twap', durationMs: 3 * MIN, slices: 3 });
      if (h !== null) states.push([i, h.state, h.filledQty]);
    }, { cash: 1e6 });
    // Seen by the strategy before the desk acts on the bar: the child sent on bar i fills at bar i+1's
    // open; the last fill (bar 5's open) completes the parent.
    expect(states.slice(0, 5)).toEqual([[2, 'pending', 0], [3, 'running', 100], [4, 'running', 200], [5, 'done', 300], [6, 'done', 300]]);
    expect((h as AlgoHandle | null)!.side).toBe('sell');
  });

  it('VWAP follows the volume profile: slice sizes in proportion to the profile buckets of the window', () => {
    const weights = new Float64Array(1440);
    // The window 14:32-14:36 covers minute-of-day buckets 872..875 with weights 1, 2, 3, 4.
    [1, 2, 3, 4].forEach((w, k) => { weights[872 + k] = w; });
    const r = runScript(minuteBars(12), { 2: (ctx) => { ctx.execute('XYZ', 1000, { algo: 'vwap', durationMs: 4 * MIN, profile: { bucketMs: MIN, weights } }); } }, { cash: 1e6 });
    expect(r.orders.map((o) => [minute(o.createdMs), o.qty, o.status])).toEqual([[2, 100, 'filled'], [3, 200, 'filled'], [4, 300, 'filled'], [5, 400, 'filled']]);
  });

  it('POV keeps each child at the rate of the bar volume it follows, and expires with the rest when the window ends', () => {
    const vol = (i: number): number => 1_000 * (1 + (i % 3));
    let h: AlgoHandle | null = null;
    const r = runScript(minuteBars(12, vol), { 2: (ctx) => { h = ctx.execute('XYZ', 10_000, { algo: 'pov', durationMs: 4 * MIN, rate: 0.1 }); } }, { cash: 1e7 });
    // Bars 2..5 have volumes 3000, 1000, 2000, 3000: 10% each.
    expect(r.orders.map((o) => [minute(o.createdMs), o.qty])).toEqual([[2, 300], [3, 100], [4, 200], [5, 300]]);
    expect(r.orders.every((o) => o.status === 'filled')).toBe(true);
    expect([(h as AlgoHandle | null)!.state, h!.filledQty, h!.remainingQty]).toEqual(['expired', 900, 9_100]);
  });

  it('cancel stops the parent: no child after it, what filled stays filled', () => {
    let h: AlgoHandle | null = null;
    const r = runScript(minuteBars(12), (ctx, _bar, i) => {
      if (i === 2) h = ctx.execute('XYZ', 1000, { algo: 'twap', durationMs: 5 * MIN, slices: 5 });
      if (i === 4) h!.cancel();
    }, { cash: 1e6 });
    expect(r.orders.map((o) => [minute(o.createdMs), o.qty, o.status])).toEqual([[2, 200, 'filled'], [3, 200, 'filled']]);
    expect([(h as AlgoHandle | null)!.state, h!.filledQty]).toEqual(['canceled', 400]);
    expect(r.kernel.portfolio.position('XYZ').qty).toBe(400);
  });

  it('children pass the pre-trade risk checks: a child the account cannot pay is denied and the parent expires short', () => {
    let h: AlgoHandle | null = null;
    const r = runScript(minuteBars(12), { 2: (ctx) => { h = ctx.execute('XYZ', 1000, { algo: 'twap', durationMs: 5 * MIN, slices: 5 }); } }, { cash: 50_000 });
    expect(r.kernel.rejections.length).toBeGreaterThan(0);
    expect(h!.filledQty).toBeLessThan(1000);
    expect(r.kernel.portfolio.position('XYZ').qty).toBe(h!.filledQty);
  });

  it('iceberg: one display-sized GTC limit tranche at a time, the next after a fill; the window end cancels the last', () => {
    let h: AlgoHandle | null = null;
    // Bars open at 100 + i with lows at 99.5 + i: a buy limit at 101 can fill on bar 1 only.
    const r = runScript(minuteBars(8), { 0: (ctx) => { h = ctx.execute('XYZ', 300, { algo: 'iceberg', durationMs: 6 * MIN, limitPrice: 101, display: 100 }); } }, { cash: 1e6 });
    expect(r.orders.map((o) => [minute(o.createdMs), o.type, o.tif, o.limitPrice, o.qty, o.status, minute(o.updatedMs)])).toEqual([
      [0, 'limit', 'GTC', 101, 100, 'filled', 1],
      [1, 'limit', 'GTC', 101, 100, 'canceled', 6],
    ]);
    expect(r.kernel.fills.toArray().map((f) => [minute(f.tsMs), f.qty, f.price])).toEqual([[1, 100, 101]]);
    expect([(h as AlgoHandle | null)!.state, h!.filledQty, h!.remainingQty]).toEqual(['expired', 100, 200]);
  });

  it('almgren-chriss: one child per period with the quantities of the library plan (front-loaded with risk aversion)', () => {
    const opts = { periods: 5, sigma: 0.3, eta: 0.01, lambda: 0.02, tau: 1 };
    const r = runScript(minuteBars(12), { 1: (ctx) => { ctx.execute('XYZ', 1000, { algo: 'almgren-chriss', durationMs: 5 * MIN, ...opts }); } }, { cash: 1e6 });
    const plan = planAlmgrenChriss({ id: 'p', symbol: 'XYZ', side: 'buy', qty: 1000, startMs: T0 + MIN, endMs: T0 + 6 * MIN }, opts);
    expect(r.orders.map((o) => [minute(o.createdMs), o.qty])).toEqual(plan.slices.map((sl) => [minute(sl.startMs), sl.qty]));
    expect(plan.slices[0]!.qty).toBeGreaterThan(plan.slices[4]!.qty);
  });

  it('types the options per algorithm', () => {
    expectTypeOf<Extract<ExecuteOptions, { algo: 'pov' }>['rate']>().toEqualTypeOf<number>();
    const typeOnly = (o: (opts: ExecuteOptions) => void): void => {
      // @ts-expect-error: TWAP needs slices
      o({ algo: 'twap', durationMs: MIN });
      // @ts-expect-error: no algorithm "market"
      o({ algo: 'market', durationMs: MIN });
      // @ts-expect-error: POV has no slices
      o({ algo: 'pov', durationMs: MIN, rate: 0.1, slices: 3 });
    };
    expect(typeof typeOnly).toBe('function');
  });

  it('rejects bad params with a ConfigError naming the field', () => {
    const field = (opts: unknown): string | undefined => {
      try {
        parseExecuteOptions(opts);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).where.field;
      }
      return undefined;
    };
    expect(field({ algo: 'twap', durationMs: MIN, slices: 0 })).toBe('slices');
    expect(field({ algo: 'twap', slices: 3 })).toBe('durationMs');
    expect(field({ algo: 'pov', durationMs: MIN, rate: 1.5 })).toBe('rate');
    expect(field({ algo: 'iceberg', durationMs: MIN, display: 10 })).toBe('limitPrice');
    expect(field({ algo: 'twap', durationMs: MIN, slices: 2, slice: 3 })).toBe('slice');
    expect(field({ algo: 'market', durationMs: MIN })).toBe('algo');
    const r = runScript(minuteBars(4), { 1: (ctx) => { ctx.execute('XYZ', 0, { algo: 'twap', durationMs: MIN, slices: 1 }); } }, { allowStrategyErrors: true });
    expect(r.kernel.strategyErrors[0]!.message).toContain('field "qty"');
  });
});
