// Fill-rule scenarios end to end: tiny strategies submit specific orders through the context, the
// real kernel, risk engine and simulated venue match them against hand-built bars.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { MS_PER_HOUR } from '../core/time.ts';
import type { OrderView } from '../strategies/order-view.ts';
import { dayMs, flat, series, T0, type Ohlc } from '../../test/helpers/bars.ts';
import { fillRows, runScript, type Step } from '../../test/helpers/scenario.ts';
import { FractionCommission, MakerTakerCommission, PerShareCommission, TieredCommission } from './commission.ts';
import { FixedBpsSlippage, HalfSpreadSlippage, SqrtImpactSlippage } from './slippage.ts';

const X = 'X';
const buy10: Step = (ctx) => void ctx.buy(X, 10);

describe('market orders', () => {
  const bars: Ohlc[] = [
    [100, 101, 99, 100],
    [102, 103, 101, 102.5],
    [103, 104, 102, 103],
  ];

  it('fill at the next bar open by default', () => {
    const r = runScript(series(bars), { 0: buy10 });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 102, dayMs(1)]]);
    expect(r.typesOf('O-1')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderFilled']);
    expect(r.kernel.portfolio.cash).toBe(100_000 - 1020);
    expect(r.out.feeds[0]!.position.qty).toBe(10);
  });

  it("fill at the signal bar's close with fill: 'close'", () => {
    const r = runScript(series(bars), { 0: buy10 }, { venue: { marketFill: 'close' } });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 100, dayMs(0)]]);
  });

  it('fill at the close when the order asks for it, and at the next open when it declines', () => {
    const r = runScript(series(bars), {
      0: (ctx) => void ctx.submit({ symbol: X, side: 'buy', type: 'market', qty: 5, fillAtClose: true }),
    });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 5, 100, dayMs(0)]]);
    const r2 = runScript(series(bars), {
      0: (ctx) => void ctx.submit({ symbol: X, side: 'buy', type: 'market', qty: 5, fillAtClose: false }),
    }, { venue: { marketFill: 'close' } });
    expect(fillRows(r2)).toEqual([['O-1', 'buy', 5, 102, dayMs(1)]]);
  });

  it('never fill on the bar that produced them', () => {
    const r = runScript(series(bars), { 2: buy10 });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1').status).toBe('accepted');
    expect(r.kernel.venue.workingOrders(X).map((o) => o.id)).toEqual(['O-1']);
  });

  it('pay commission on the fill and book it in cash', () => {
    const r = runScript(series(bars), { 0: buy10 }, { venue: { commission: new FractionCommission(0.001) } });
    expect(r.kernel.fills.at(0)!.commission).toBeCloseTo(1.02, 12);
    expect(r.kernel.portfolio.cash).toBeCloseTo(100_000 - 1020 - 1.02, 9);
    expect(r.kernel.portfolio.commissionPaid).toBeCloseTo(1.02, 12);
  });
});

describe('stop orders', () => {
  it.each([
    ['buy stop gapped through fills at the open, not the stop', 'buy', 105, [107, 108, 106, 107], 107],
    ['buy stop touched intrabar fills at the stop', 'buy', 105, [101, 106, 100, 105.5], 105],
    ['buy stop not reached does not fill', 'buy', 105, [101, 104.99, 100, 104], NaN],
  ] as const)('%s', (_name, side, stop, bar1, expected) => {
    const r = runScript(series([[100, 100, 100, 100], bar1]), { 0: (ctx) => void ctx.submit({ symbol: X, side, type: 'stop', qty: 10, stopPrice: stop }) });
    if (Number.isNaN(expected)) {
      expect(r.kernel.fills.toArray()).toEqual([]);
      expect(r.order('O-1').status).toBe('accepted');
    } else expect(fillRows(r)).toEqual([['O-1', side, 10, expected, dayMs(1)]]);
  });

  it.each([
    ['sell stop gapped through fills at the open', [93, 94, 92, 93], 93],
    ['sell stop touched intrabar fills at the stop', [97, 98, 94, 96], 95],
  ] as const)('%s (protecting a long)', (_name, bar2, expected) => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], bar2]), {
      0: buy10,
      1: (ctx) => void ctx.sell(X, 10, { type: 'stop', stopPrice: 95 }),
    });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-2', 'sell', 10, expected, dayMs(2)],
    ]);
    expect(r.out.feeds[0]!.position.isFlat).toBe(true);
  });
});

describe('limit orders', () => {
  const submitBuyLimit: Step = (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99 });

  it("fill only when traded through in the default 'through' mode", () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 98.5, 100]]), { 0: submitBuyLimit });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 99, dayMs(2)]]);
  });

  it("fill on a touch in 'touch' mode", () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [100, 101, 98.5, 100]]), { 0: submitBuyLimit }, { venue: { limitFill: 'touch' } });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 99, dayMs(1)]]);
  });

  it('fill at the better open when the bar gaps through the limit', () => {
    const r = runScript(series([[100, 100, 100, 100], [97, 98, 96, 97]]), { 0: submitBuyLimit });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 97, dayMs(1)]]);
  });

  it.each([
    ['a high that only touches the limit does not fill', [105, 110, 104, 108], NaN],
    ['a high through the limit fills at the limit', [105, 111, 104, 108], 110],
    ['a gap above the limit fills at the open', [112, 113, 111, 112], 112],
  ] as const)('sell limit: %s', (_name, bar2, expected) => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], bar2]), {
      0: buy10,
      1: (ctx) => void ctx.sell(X, 10, { type: 'limit', limitPrice: 110 }),
    });
    const sells = r.kernel.fills.filter((f) => f.side === 'sell').map((f) => f.price);
    expect(sells).toEqual(Number.isNaN(expected) ? [] : [expected]);
  });

  it('rest as makers inside the bar and take at the open or as market orders', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 98, 100], [97, 98, 96, 97]]), {
      0: (ctx) => {
        ctx.buy(X, 10, { type: 'limit', limitPrice: 99 });
        ctx.buy(X, 10);
      },
      1: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99 }),
    }, { venue: { commission: new MakerTakerCommission(-0.0001, 0.0004) } });
    const c = r.kernel.fills.map((f) => [f.orderId, f.price, Number(f.commission.toFixed(6))]);
    // O-1 limit fills at 99 inside bar 1 (maker, -1 bp of 990); O-2 market at 100 (taker, 4 bps of 1000);
    // O-3 limit fills at bar 2's open 97 (the bar gapped through it: taker, 4 bps of 970).
    expect(c).toEqual([
      ['O-2', 100, 0.4],
      ['O-1', 99, -0.099],
      ['O-3', 97, 0.388],
    ]);
  });
});

describe('slippage never leaves the bar', () => {
  it.each([
    ['market buy, unclamped: 100 + 1%', 'buy', [100, 102, 98, 100], 101],
    ['market buy, clamped to the high', 'buy', [100, 100.5, 98, 100], 100.5],
    ['market sell, unclamped: 100 - 1%', 'sell', [100, 102, 98, 100], 99],
    ['market sell, clamped to the low', 'sell', [100, 102, 99.5, 100], 99.5],
  ] as const)('%s', (_name, side, bar2, expected) => {
    const r = runScript(series([[100, 100, 100, 100], [100, 100, 100, 100], bar2]), {
      0: (ctx) => void ctx.submit({ symbol: X, side: 'buy', type: 'market', qty: 10, fillAtClose: true }),
      1: (ctx) => void ctx.submit({ symbol: X, side, type: 'market', qty: 5 }),
    }, { venue: { slippage: new FixedBpsSlippage(100) } });
    expect(r.kernel.fills.at(1)!.price).toBeCloseTo(expected, 12);
  });

  it('a stop slips below its level but not below the low', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [97, 98, 94.5, 96]]), {
      0: buy10,
      1: (ctx) => void ctx.sell(X, 10, { type: 'stop', stopPrice: 95 }),
    }, { venue: { slippage: new FixedBpsSlippage(100) } });
    // 95 - 0.95 = 94.05 is below the low 94.5.
    expect(r.kernel.fills.at(1)!.price).toBe(94.5);
  });

  it('a limit taking at the open slips but never past its limit or the high', () => {
    const r = runScript(series([[100, 100, 100, 100], [98.5, 99.2, 98, 99]]), {
      0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99 }),
    }, { venue: { slippage: new FixedBpsSlippage(100) } });
    expect(r.kernel.fills.at(0)!.price).toBe(99);
  });

  it('a resting limit filled inside the bar pays no slippage', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 98, 100]]), {
      0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99 }),
    }, { venue: { slippage: new HalfSpreadSlippage(50) } });
    expect(r.kernel.fills.at(0)!.price).toBe(99);
  });

  it('square-root impact uses the EWMA volatility of closes and the bar volume', () => {
    // Closes 100 -> 110 -> 110: variance r1^2 = ln(1.1)^2, then 0.94 x that + 0.06 x 0 at the fill bar.
    // 100 shares of a 10,000-share bar at the open of 110: slip = 1 x sigma x sqrt(0.01) x 110.
    const r = runScript(series([[100, 100, 100, 100, 10_000], [100, 110, 100, 110, 10_000], [110, 115, 109, 110, 10_000]]), {
      1: (ctx) => void ctx.buy(X, 100),
    }, { venue: { slippage: new SqrtImpactSlippage(1) } });
    const sigma = Math.sqrt(0.94 * Math.log(1.1) ** 2);
    expect(r.kernel.fills.at(0)!.price).toBeCloseTo(110 + sigma * 0.1 * 110, 10);
    expect(r.kernel.fills.at(0)!.price).toBeCloseTo(111.0165, 4);
  });

  it('a market order at the close pays half the spread', () => {
    const r = runScript(series([[100, 101, 99, 100]]), { 0: buy10 }, { venue: { marketFill: 'close', slippage: new HalfSpreadSlippage(20) } });
    expect(r.kernel.fills.at(0)!.price).toBeCloseTo(100.1, 12);
  });
});

describe('stop-limit orders', () => {
  const stopLimit = (stop: number, limit: number): Step => (ctx) => void ctx.submit({ symbol: X, side: 'buy', type: 'stop-limit', qty: 10, stopPrice: stop, limitPrice: limit });

  it('trigger intrabar and fill at the stop when it is within the limit', () => {
    const r = runScript(series([[100, 100, 100, 100], [101, 107, 100, 106]]), { 0: stopLimit(105, 106) });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 105, dayMs(1)]]);
    expect(r.typesOf('O-1')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderTriggered', 'OrderFilled']);
  });

  it('gap through stop and limit, then fill at the limit when the bar trades back through it', () => {
    const r = runScript(series([[100, 100, 100, 100], [108, 109, 105.5, 107]]), { 0: stopLimit(105, 106) });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 106, dayMs(1)]]);
  });

  it('gap above the limit and stay there: triggered, not filled, then fill on a later bar', () => {
    const r = runScript(series([[100, 100, 100, 100], [108, 109, 107, 108], [107, 108, 105, 106]]), {
      0: stopLimit(105, 106),
      1: (ctx) => expect(ctx.openOrders(X)[0]!.status).toBe('triggered'),
    });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 106, dayMs(2)]]);
  });

  it('do nothing while the stop is not reached', () => {
    const r = runScript(series([[100, 100, 100, 100], [101, 104, 100, 103]]), { 0: stopLimit(105, 106) });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1').status).toBe('accepted');
    expect(r.typesOf('O-1')).toEqual(['OrderSubmitted', 'OrderAccepted']);
  });

  it('with the limit below the stop, an intrabar trigger waits for the next bar to fill', () => {
    const r = runScript(series([[100, 100, 100, 100], [101, 106, 100, 105], [105, 106, 103, 104]]), { 0: stopLimit(105, 104) });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 104, dayMs(2)]]);
  });
});

describe('trailing stops', () => {
  function trailRun(bars: Ohlc[], trailing: { kind: 'amount' | 'percent'; value: number }): { levels: (number | undefined)[]; r: ReturnType<typeof runScript> } {
    const levels: (number | undefined)[] = [];
    let trail: OrderView | null = null;
    const r = runScript(series(bars), {
      0: buy10,
      1: (ctx) => {
        trail = ctx.sell(X, 10, { type: 'trailing-stop', trailing });
      },
    });
    // Re-run to read the level each bar the strategy sees (after matching).
    const r2 = runScript(series(bars), {
      0: buy10,
      1: (ctx) => {
        trail = ctx.sell(X, 10, { type: 'trailing-stop', trailing });
        levels.push(trail?.stopPrice);
      },
      2: () => levels.push(trail?.stopPrice),
      3: () => levels.push(trail?.stopPrice),
      4: () => levels.push(trail?.stopPrice),
    });
    expect(fillRows(r2)).toEqual(fillRows(r));
    return { levels, r };
  }

  it('by an amount: follow the high and trigger at the trailed level', () => {
    const { levels, r } = trailRun(
      [
        [100, 100, 100, 100],
        [100, 101, 99, 100],
        [101, 105, 100, 104],
        [104, 106, 103.5, 105],
        [105, 105.5, 103, 103.5],
      ],
      { kind: 'amount', value: 2 },
    );
    expect(levels).toEqual([98, 103, 104, 104]);
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-2', 'sell', 10, 104, dayMs(4)],
    ]);
  });

  it('by a percent: follow the high and fill at the open when it gaps below the level', () => {
    const { levels, r } = trailRun(
      [
        [100, 100, 100, 100],
        [100, 101, 99, 100],
        [101, 110, 100, 108],
        [103, 104, 102, 103],
      ],
      { kind: 'percent', value: 5 },
    );
    expect(levels).toEqual([95, 104.5, 104.5]);
    expect(fillRows(r)[1]).toEqual(['O-2', 'sell', 10, 103, dayMs(3)]);
  });

  it('a buy trailing stop follows the low down and covers a short', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [99, 100, 95, 96], [97, 99, 96, 98.5]]), {
      0: (ctx) => void ctx.sell(X, 10),
      1: (ctx) => void ctx.buy(X, 10, { type: 'trailing-stop', trailing: { kind: 'amount', value: 3 } }),
    }, { accountType: 'margin' });
    expect(fillRows(r)).toEqual([
      ['O-1', 'sell', 10, 100, dayMs(1)],
      ['O-2', 'buy', 10, 98, dayMs(3)],
    ]);
  });
});

describe('volume participation cap', () => {
  const capped = series([[100, 100, 100, 100, 100], [101, 101, 101, 101, 100], [102, 102, 102, 102, 100], [103, 103, 103, 103, 100], [104, 104, 104, 104, 100]]);

  it('fills at most the cap per bar and carries the rest to the next bars', () => {
    const r = runScript(capped, { 0: (ctx) => void ctx.buy(X, 25) }, { venue: { volumeCap: 0.1 } });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 101, dayMs(1)],
      ['O-1', 'buy', 10, 102, dayMs(2)],
      ['O-1', 'buy', 5, 103, dayMs(3)],
    ]);
    const statuses = r.events.flatMap((e) => (e.type === 'OrderFilled' ? [e.status] : []));
    expect(statuses).toEqual(['partially-filled', 'partially-filled', 'filled']);
    expect(r.order('O-1').avgFillPrice).toBeCloseTo((1010 + 1020 + 515) / 25, 12);
  });

  it('shares one bar of capacity among the orders of a symbol, first come first served', () => {
    const r = runScript(capped, { 0: (ctx) => { ctx.buy(X, 8); ctx.buy(X, 8); } }, { venue: { volumeCap: 0.1 } });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 8, 101, dayMs(1)],
      ['O-2', 'buy', 2, 101, dayMs(1)],
      ['O-2', 'buy', 6, 102, dayMs(2)],
    ]);
  });

  it('caps a fill at the close too', () => {
    const r = runScript(capped, { 0: (ctx) => void ctx.buy(X, 25) }, { venue: { volumeCap: 0.1, marketFill: 'close' } });
    expect(fillRows(r)[0]).toEqual(['O-1', 'buy', 10, 100, dayMs(0)]);
    expect(r.kernel.fills.toArray().reduce((n, f) => n + f.qty, 0)).toBe(25);
  });
});

describe('time in force', () => {
  const capped = series([[100, 100, 100, 100, 100], [101, 101, 101, 101, 100], [102, 102, 102, 102, 100]]);

  it('IOC fills what it can on arrival and cancels the rest', () => {
    const r = runScript(capped, { 0: (ctx) => void ctx.buy(X, 25, { tif: 'IOC' }) }, { venue: { volumeCap: 0.1 } });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 101, dayMs(1)]]);
    expect(r.order('O-1')).toMatchObject({ status: 'canceled', reason: 'IOC not filled on arrival', filledQty: 10 });
  });

  it('FOK fills nothing unless it can fill everything', () => {
    const r = runScript(capped, { 0: (ctx) => void ctx.buy(X, 25, { tif: 'FOK' }) }, { venue: { volumeCap: 0.1 } });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1')).toMatchObject({ status: 'canceled', reason: 'FOK not filled on arrival' });
    const ok = runScript(capped, { 0: (ctx) => void ctx.buy(X, 10, { tif: 'FOK' }) }, { venue: { volumeCap: 0.1 } });
    expect(fillRows(ok)).toEqual([['O-1', 'buy', 10, 101, dayMs(1)]]);
  });

  it('an IOC limit that is not reached on its first bar is canceled', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99.5, 100], [98, 99, 97, 98]]), {
      0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, tif: 'IOC' }),
    });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1').status).toBe('canceled');
  });

  it('a DAY order on daily bars expires after the first bar it meets', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99.5, 100], [98, 99, 97, 98]]), {
      0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, tif: 'DAY' }),
    });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1')).toMatchObject({ status: 'expired', reason: 'day order not filled', updatedMs: dayMs(1) });
    expect(r.typesOf('O-1')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderExpired']);
  });

  it('a DAY order on intraday bars works through its day and expires at the next day', () => {
    const times = [T0 + 14 * MS_PER_HOUR, T0 + 15 * MS_PER_HOUR, T0 + 16 * MS_PER_HOUR, dayMs(1) + 14 * MS_PER_HOUR];
    const s = series([[100, 100, 100, 100], [100, 101, 99.5, 100], [100, 101, 99.2, 100], [98, 99, 97, 98]], { stepMs: MS_PER_HOUR, times });
    const r = runScript(s, { 0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, tif: 'DAY' }) });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1')).toMatchObject({ status: 'expired', updatedMs: times[3] });
    // The same order fills when the limit is crossed within its day.
    const s2 = series([[100, 100, 100, 100], [100, 101, 99.5, 100], [100, 101, 98, 100], [98, 99, 97, 98]], { stepMs: MS_PER_HOUR, times });
    const r2 = runScript(s2, { 0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, tif: 'DAY' }) });
    expect(fillRows(r2)).toEqual([['O-1', 'buy', 10, 99, times[2]!]]);
  });

  it('a GTD order expires at its time, before the bar at that time can fill it', () => {
    const bars: Ohlc[] = [[100, 100, 100, 100], [100, 101, 99.5, 100], [100, 101, 99.5, 100], [98, 99, 97, 98]];
    const r = runScript(series(bars), { 0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, tif: 'GTD', expireTimeMs: dayMs(3) }) });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1')).toMatchObject({ status: 'expired', reason: 'good-till-date passed', updatedMs: dayMs(3) });
    const later = runScript(series(bars), { 0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, tif: 'GTD', expireTimeMs: dayMs(3) + 1 }) });
    expect(fillRows(later)).toEqual([['O-1', 'buy', 10, 98, dayMs(3)]]);
  });

  it('a GTD order without an expiry time is refused', () => {
    let caught: unknown;
    runScript(series(flat(2)), {
      0: (ctx) => {
        try {
          ctx.buy(X, 10, { type: 'limit', limitPrice: 99, tif: 'GTD' });
        } catch (e) {
          caught = e;
        }
      },
    });
    expect(caught).toBeInstanceOf(ConfigError);
  });

  it('a GTC order keeps working until it fills', () => {
    const r = runScript(series([...flat(20), [98, 99, 97, 98]]), { 0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99 }) });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 98, dayMs(20)]]);
  });

  it('a canceled order leaves the book with the reason given', () => {
    const r = runScript(series(flat(4)), {
      0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99 }),
      2: (ctx) => ctx.cancelAll(X),
    });
    expect(r.order('O-1')).toMatchObject({ status: 'canceled', reason: 'canceled by request', updatedMs: dayMs(2) });
    expect(r.kernel.venue.workingOrders()).toEqual([]);
  });
});

describe('reduce-only orders', () => {
  it('fill only up to the position and are canceled once nothing is left to reduce', () => {
    const r = runScript(series(flat(5)), {
      0: buy10,
      1: (ctx) => void ctx.sell(X, 20, { reduceOnly: true }),
    }, { accountType: 'margin' });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-2', 'sell', 10, 100, dayMs(2)],
    ]);
    expect(r.order('O-2')).toMatchObject({ status: 'canceled', reason: 'reduce-only order would not reduce the position', filledQty: 10 });
    expect(r.out.feeds[0]!.position.qty).toBe(0);
  });

  it('a second close of the same position is canceled at fill time instead of opening a short', () => {
    const r = runScript(series(flat(4)), {
      0: buy10,
      1: (ctx) => {
        ctx.close(X);
        ctx.close(X);
      },
    }, { accountType: 'margin' });
    expect(r.kernel.fills.map((f) => f.orderId)).toEqual(['O-1', 'O-2']);
    expect(r.order('O-3').status).toBe('canceled');
    expect(r.out.feeds[0]!.position.qty).toBe(0);
  });

  it('is denied up front when it would open a position', () => {
    const r = runScript(series(flat(3)), { 0: (ctx) => void ctx.sell(X, 5, { reduceOnly: true }) }, { accountType: 'margin' });
    expect(r.order('O-1').status).toBe('denied');
    expect(r.kernel.rejections[0]).toMatchObject({ status: 'denied', reason: 'reduce-only: reduce-only order would increase the position' });
  });
});

describe('brackets', () => {
  const bracket = (extra: { entryLimit?: number; qty?: number } = {}): Step => (ctx) =>
    void ctx.bracket({ symbol: X, side: 'buy', qty: extra.qty ?? 10, takeProfit: 110, stopLoss: 95, ...(extra.entryLimit === undefined ? {} : { entryLimit: extra.entryLimit }) });

  it('take-profit fills and cancels its stop-loss sibling', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [101, 111, 100, 110]]), { 0: bracket() });
    expect(r.orders.map((o) => [o.id, o.request.tag ?? 'entry', o.type])).toEqual([
      ['O-1', 'entry', 'market'],
      ['O-1-tp', 'take-profit', 'limit'],
      ['O-1-sl', 'stop-loss', 'stop'],
    ]);
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-1-tp', 'sell', 10, 110, dayMs(2)],
    ]);
    expect(r.order('O-1-sl')).toMatchObject({ status: 'canceled', reason: 'OCO sibling O-1-tp filled' });
    expect(r.kernel.trades.closed).toHaveLength(1);
    expect(r.kernel.trades.closed[0]!.pnl).toBe(100);
  });

  it('stop-loss fills and cancels the take-profit', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [99, 100, 94, 95]]), { 0: bracket() });
    expect(fillRows(r)[1]).toEqual(['O-1-sl', 'sell', 10, 95, dayMs(2)]);
    expect(r.order('O-1-tp')).toMatchObject({ status: 'canceled', reason: 'OCO sibling O-1-sl filled' });
  });

  it('when one bar touches both exits, the stop is assumed to come first', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [100, 111, 94, 100]]), { 0: bracket() });
    expect(fillRows(r)[1]).toEqual(['O-1-sl', 'sell', 10, 95, dayMs(2)]);
    expect(r.order('O-1-tp').status).toBe('canceled');
    expect(r.kernel.fills).toHaveLength(2);
  });

  it.each([
    ['stop-loss', 94, ['O-1-sl', 'sell', 10, 94, dayMs(1)], 'O-1-tp'],
    ['take-profit', 112, ['O-1-tp', 'sell', 10, 112, dayMs(1)], 'O-1-sl'],
  ] as const)('an entry filled at an open that gaps through its %s exits at that same open', (_exit, open, exitRow, canceled) => {
    // The children wait on the book with their entry: released by its fill at the open, they meet that
    // open too (SubmitHints.withParentFill), as a bracket did when the venue held it (checked against bb719e2).
    const r = runScript(series([[100, 100, 100, 100], [open, open + 1, open - 1, open]]), { 0: bracket() });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, open, dayMs(1)], exitRow]);
    expect(r.order(canceled)).toMatchObject({ status: 'canceled', reason: `OCO sibling ${exitRow[0]} filled` });
  });

  it('children wait for the entry, and start with the bar after an intrabar entry fill', () => {
    const r = runScript(
      series([[100, 100, 100, 100], [100, 112, 99, 100], [99, 100, 94, 99], [100, 111, 99, 105]]),
      {
        0: bracket({ entryLimit: 98 }),
        1: (ctx) => expect(ctx.openOrders(X).map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']),
      },
    );
    // Bar 1 crosses the take-profit but the entry has not filled; bar 2 fills the entry at 98 inside
    // the bar, and its low (94) does not hit the stop-loss that only starts with bar 3.
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 98, dayMs(2)],
      ['O-1-tp', 'sell', 10, 110, dayMs(3)],
    ]);
    expect(r.order('O-1-sl').status).toBe('canceled');
  });

  it('a rejected entry cancels its children', () => {
    const r = runScript(series([[100, 100, 100, 100], [101, 102, 100, 101], [90, 91, 80, 85]]), { 0: bracket() }, { cash: 1000 });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.order('O-1')).toMatchObject({ status: 'rejected', reason: 'insufficient cash: fill costs 1010.00, cash 1000.00' });
    expect(r.order('O-1-tp')).toMatchObject({ status: 'canceled', reason: 'parent O-1 rejected' });
    expect(r.order('O-1-sl')).toMatchObject({ status: 'canceled', reason: 'parent O-1 rejected' });
    expect(r.kernel.venue.workingOrders()).toEqual([]);
  });

  it('a denied entry submits no children', () => {
    let result: unknown = 'unset';
    const r = runScript(series(flat(3)), { 0: (ctx) => { result = ctx.bracket({ symbol: X, side: 'buy', qty: 10, takeProfit: 110, stopLoss: 95 }); } }, { cash: 500 });
    expect(result).toBeNull();
    expect(r.orders.map((o) => o.status)).toEqual(['denied']);
  });

  it('a canceled entry cancels its children', () => {
    const r = runScript(series(flat(4)), {
      0: bracket({ entryLimit: 98 }),
      1: (ctx) => ctx.cancel('O-1'),
    });
    expect(r.orders.map((o) => o.status)).toEqual(['canceled', 'canceled', 'canceled']);
  });

  it.each(['DAY', 'IOC', 'FOK'] as const)('a %s entry that ends unfilled cancels its children and the run goes on', (tif) => {
    // Ending the entry in the end-of-bar pass used to crash the venue on the children it had just removed.
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [97, 98, 96, 97]]), {
      0: (ctx) => void ctx.bracket({ symbol: X, side: 'buy', qty: 10, entryLimit: 98, takeProfit: 110, stopLoss: 95, tif }),
    });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.orders.map((o) => o.status)).toEqual([tif === 'DAY' ? 'expired' : 'canceled', 'canceled', 'canceled']);
    expect(r.order('O-1-tp').reason).toBe(`parent O-1 ${tif === 'DAY' ? 'expired' : 'canceled'}`);
  });

  it('a DAY entry on intraday bars that expires at the next day cancels its children', () => {
    const times = [T0 + 14 * MS_PER_HOUR, T0 + 15 * MS_PER_HOUR, dayMs(1) + 14 * MS_PER_HOUR];
    const s = series([[100, 100, 100, 100], [100, 101, 99, 100], [97, 98, 96, 97]], { stepMs: MS_PER_HOUR, times });
    const r = runScript(s, { 0: (ctx) => void ctx.bracket({ symbol: X, side: 'buy', qty: 10, entryLimit: 98, takeProfit: 110, stopLoss: 95, tif: 'DAY' }) });
    expect(r.orders.map((o) => o.status)).toEqual(['expired', 'canceled', 'canceled']);
    expect(r.kernel.fills.toArray()).toEqual([]);
  });

  it('an entry canceled after a partial fill arms its exits for the part that filled', () => {
    // IOC entry of 25 under a 10%-of-volume cap: 10 fill, 15 are canceled; the stop-loss must then
    // protect the 10 held (it used to wait forever for a parent that would never be filled).
    const r = runScript(
      series([[100, 100, 100, 100, 100], [100, 101, 99, 100, 100], [100, 101, 99, 100, 100], [99, 100, 90, 95, 100], [95, 96, 94, 95, 100]]),
      { 0: (ctx) => void ctx.bracket({ symbol: X, side: 'buy', qty: 25, takeProfit: 110, stopLoss: 95, tif: 'IOC' }) },
      { venue: { volumeCap: 0.1 } },
    );
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-1-sl', 'sell', 10, 95, dayMs(3)],
    ]);
    expect(r.order('O-1')).toMatchObject({ status: 'canceled', filledQty: 10 });
    expect(r.order('O-1-tp')).toMatchObject({ status: 'canceled', reason: 'OCO sibling O-1-sl filled' });
    expect(r.order('O-1-sl').status).toBe('canceled');
    expect(r.out.feeds[0]!.position.qty).toBe(0);
    expect(r.kernel.venue.workingOrders()).toEqual([]);
  });

  it('refuses exits that do not straddle the entry', () => {
    let caught: unknown;
    const r = runScript(series(flat(2)), {
      0: (ctx) => {
        try {
          ctx.bracket({ symbol: X, side: 'buy', qty: 10, takeProfit: 99, stopLoss: 95 });
        } catch (e) {
          caught = e;
        }
      },
    });
    expect(caught).toBeInstanceOf(ConfigError);
    expect(r.orders).toEqual([]);
  });

  it('a short bracket mirrors the long one', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 101, 99, 100], [99, 100, 89, 92]]), {
      0: (ctx) => void ctx.bracket({ symbol: X, side: 'sell', qty: 10, takeProfit: 90, stopLoss: 105 }),
    }, { accountType: 'margin' });
    expect(fillRows(r)).toEqual([
      ['O-1', 'sell', 10, 100, dayMs(1)],
      ['O-1-tp', 'buy', 10, 90, dayMs(2)],
    ]);
    expect(r.order('O-1-sl').status).toBe('canceled');
  });
});

describe('cash check at fill', () => {
  it('rejects an order whose cost exceeds cash at the fill price, lists it, and does not resize or retry it', () => {
    const r = runScript(series([[99, 99, 99, 99], [101, 102, 100, 101], [90, 91, 89, 90]]), { 0: buy10 }, { cash: 1000 });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.kernel.rejections).toEqual([
      { orderId: 'O-1', strategyId: 'script', symbol: X, side: 'buy', qty: 10, status: 'rejected', reason: 'insufficient cash: fill costs 1010.00, cash 1000.00', tsMs: dayMs(1) },
    ]);
    expect(r.kernel.portfolio.cash).toBe(1000);
    expect(r.typesOf('O-1')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderRejected']);
  });

  it('counts commission in the cost', () => {
    const r = runScript(series([[100, 100, 100, 100], [100, 100, 100, 100]]), { 0: buy10 }, { cash: 1000, venue: { commission: new FractionCommission(0.001) } });
    expect(r.kernel.rejections[0]).toMatchObject({ status: 'rejected', reason: 'insufficient cash: fill costs 1001.00, cash 1000.00' });
  });

  it('fills exactly when cost plus commission equals cash', () => {
    const r = runScript(series([[100, 100, 100, 100], [99.9, 100, 99, 100]]), { 0: buy10 }, { cash: 1000, venue: { commission: new FractionCommission(0.001) } });
    // 10 x 99.9 = 999 and 0.999 commission: 999.999 <= 1000.
    expect(r.kernel.fills).toHaveLength(1);
    expect(r.kernel.portfolio.cash).toBeCloseTo(0.001, 9);
  });

  it('rejects a short sale in a cash account at fill time when a sell outgrows the position', () => {
    const r = runScript(series(flat(4)), {
      0: buy10,
      1: (ctx) => {
        ctx.sell(X, 10);
        ctx.sell(X, 10);
      },
    });
    expect(r.order('O-2').status).toBe('filled');
    expect(r.order('O-3')).toMatchObject({ status: 'rejected', reason: 'short sale in a cash account' });
  });
});

describe('commission models end to end', () => {
  it('per share with a minimum, charged per fill', () => {
    const capped = series([[100, 100, 100, 100, 1000], [100, 100, 100, 100, 1000], [100, 100, 100, 100, 1000]]);
    const r = runScript(capped, { 0: (ctx) => void ctx.buy(X, 300) }, { venue: { volumeCap: 0.25, commission: new PerShareCommission(0.005, 1) } });
    // 250 then 50 shares: 1.25 and the 1.00 minimum.
    expect(r.kernel.fills.map((f) => [f.qty, f.commission])).toEqual([[250, 1.25], [50, 1]]);
    expect(r.kernel.portfolio.commissionPaid).toBe(2.25);
  });

  it('tiered by the value of each fill', () => {
    const t = new TieredCommission([{ upTo: 10_000, rate: 0.002 }, { upTo: Infinity, rate: 0.001 }]);
    const r = runScript(series(flat(3)), { 0: (ctx) => { ctx.buy(X, 50); ctx.buy(X, 200); } }, { venue: { commission: t } });
    expect(r.kernel.fills.map((f) => f.commission)).toEqual([10, 20]);
  });
});

describe('financing on a margin account', () => {
  it('charges the borrow fee on a short each calendar day', () => {
    const r = runScript(series(flat(4)), { 0: (ctx) => void ctx.sell(X, 50) }, { accountType: 'margin', cash: 10_000, borrowRate: 0.0365 });
    // Short 50 x 100 = 5000 from day 1; days 2 and 3 each cost 5000 x 0.0365 / 365 = 0.50.
    const p = r.kernel.portfolio;
    expect(p.financingPaid).toBeCloseTo(1, 10);
    expect(p.cash).toBeCloseTo(15_000 - 1, 9);
    expect(p.equity()).toBeCloseTo(9_999, 9);
  });

  it('charges margin interest on borrowed cash, counting weekend days', () => {
    // Mon (signal), Tue (fill at 100: cash -5000), Fri: 3 days x 5000 x 0.073 / 365 = 3.00.
    const s = series(flat(3), { times: [dayMs(0), dayMs(1), dayMs(4)] });
    const r = runScript(s, { 0: (ctx) => void ctx.buy(X, 150) }, { accountType: 'margin', cash: 10_000, leverage: 2, marginRate: 0.073 });
    const p = r.kernel.portfolio;
    expect(r.kernel.fills).toHaveLength(1);
    expect(p.financingPaid).toBeCloseTo(3, 10);
    expect(p.cash).toBeCloseTo(-5_003, 9);
  });

  it('charges nothing to a cash account that holds no short and no debt', () => {
    const r = runScript(series(flat(4)), { 0: buy10 }, { cash: 10_000, borrowRate: 0.05, marginRate: 0.08 });
    expect(r.kernel.portfolio.financingPaid).toBe(0);
  });
});
