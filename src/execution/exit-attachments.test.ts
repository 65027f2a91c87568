// Exit attachments end to end: `ctx.buy(symbol, qty, { exits })` through the real kernel and the
// OrderEmulator and simulated venue on hand-built bars (docs/fill-assumptions.md, "Exit attachments").
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import type { OrderEvent } from '../model/events.ts';
import type { ExitAttachments } from '../model/order.ts';
import { makeInstrument } from '../model/instrument.ts';
import { dayMs, series, type Ohlc } from '../../test/helpers/bars.ts';
import { fillRows, runScript, type ScenarioOptions, type ScenarioResult, type Step } from '../../test/helpers/scenario.ts';

const X = 'X';
/** Bar 0 is the signal bar: a long entry of 10 fills at bar 1's open (100). */
const SIGNAL: Ohlc = [100, 100, 100, 100];

function long(exits: ExitAttachments, qty = 10): Step {
  return (ctx) => void ctx.buy(X, qty, { exits });
}
function short(exits: ExitAttachments, qty = 10): Step {
  return (ctx) => void ctx.sell(X, qty, { exits });
}
function run(bars: readonly Ohlc[], step: Step, opts: ScenarioOptions = {}, more: Record<number, Step> = {}): ScenarioResult {
  return runScript(series(bars), { 0: step, ...more }, opts);
}
/** Events of one order as [type, reason?] pairs. */
function eventsOf(r: ScenarioResult, id: string): string[] {
  return r.events.filter((e): e is OrderEvent => 'orderId' in e && e.orderId === id).map((e) => ('reason' in e ? `${e.type}: ${e.reason}` : e.type));
}

describe('stop-loss attachment', () => {
  it.each([
    ['touched inside a later bar fills at the stop', [[100, 101, 99, 100], [99, 100, 94, 96]], { pct: 5 }, ['O-1-sl', 'sell', 10, 95, dayMs(2)]],
    ['gapped through at the open fills at the open, not the stop', [[100, 101, 99, 100], [93, 94, 92, 93]], { pct: 5 }, ['O-1-sl', 'sell', 10, 93, dayMs(2)]],
    ['hit later in the bar whose open filled the entry fills in that bar', [[100, 101, 94, 96]], { pct: 5 }, ['O-1-sl', 'sell', 10, 95, dayMs(1)]],
    ['given as a price fills at that price', [[100, 101, 99, 100], [99, 100, 96, 98]], { price: 97 }, ['O-1-sl', 'sell', 10, 97, dayMs(2)]],
    ['not reached does not fill', [[100, 101, 99, 100], [99, 100, 95.01, 96]], { pct: 5 }, null],
  ] as const)('%s', (_name, later, stopLoss, exit) => {
    const r = run([SIGNAL, ...later], long({ stopLoss }));
    const rows = fillRows(r);
    expect(rows[0]).toEqual(['O-1', 'buy', 10, 100, dayMs(1)]);
    expect(rows.slice(1)).toEqual(exit === null ? [] : [exit]);
    expect(r.out.feeds[0]!.position.qty).toBe(exit === null ? 10 : 0);
  });

  it('is a reduce-only stop placed when the entry fills, with the entry as its parent', () => {
    const r = run([SIGNAL, [100, 101, 99, 100]], long({ stopLoss: { pct: 5 } }));
    const [stop] = r.kernel.workingOrders(X);
    expect(stop).toMatchObject({ id: 'O-1-sl', type: 'stop', side: 'sell', qty: 10, stopPrice: 95, status: 'accepted' });
    expect(stop!.request.reduceOnly).toBe(true);
    expect(stop!.links).toEqual({ parentId: 'O-1', ocoGroup: 'O-1-exits' });
    expect(eventsOf(r, 'O-1-sl')).toEqual(['OrderSubmitted', 'OrderAccepted']);
    const entryFill = r.events.findIndex((e) => e.type === 'OrderFilled' && e.orderId === 'O-1');
    const stopSubmitted = r.events.findIndex((e) => e.type === 'OrderSubmitted' && e.orderId === 'O-1-sl');
    expect(stopSubmitted).toBeGreaterThan(entryFill);
  });

  it('is measured from the average fill price and rounded to the tick', () => {
    const r = run([[100.37, 100.37, 100.37, 100.37], [100.37, 100.5, 100, 100.2]], long({ stopLoss: { pct: 3 }, takeProfit: { pct: 7 } }));
    // 100.37 × 0.97 = 97.3589 -> 97.36; 100.37 × 1.07 = 107.3959 -> 107.40
    expect(r.kernel.workingOrders(X).map((o) => [o.id, o.stopPrice ?? o.limitPrice])).toEqual([['O-1-sl', 97.36], ['O-1-tp', 107.4]]);
  });

  it('arms from the next bar when the entry filled inside a bar (a limit entry)', () => {
    // Limit buy at 99 fills inside bar 1; the same bar's low of 90 may have come before the fill.
    const bars: Ohlc[] = [SIGNAL, [100, 100, 90, 95], [95, 96, 93, 94]];
    const r = runScript(series(bars), { 0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, exits: { stopLoss: { pct: 5 } } }) });
    // 99 × 0.95 = 94.05: not filled in bar 1 (low 90) but in bar 2 (low 93).
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 99, dayMs(1)],
      ['O-1-sl', 'sell', 10, 94.05, dayMs(2)],
    ]);
  });
});

describe('take-profit attachment', () => {
  it.each([
    ['traded through fills at the limit', [[100, 101, 99, 100], [101, 111, 100, 110]], ['O-1-tp', 'sell', 10, 110, dayMs(2)]],
    ['gapped through fills at the better open', [[100, 101, 99, 100], [112, 113, 111, 112]], ['O-1-tp', 'sell', 10, 112, dayMs(2)]],
    ['merely touched does not fill (queue position)', [[100, 101, 99, 100], [105, 110, 104, 109]], null],
  ] as const)('%s', (_name, later, exit) => {
    const r = run([SIGNAL, ...later], long({ takeProfit: { pct: 10 } }));
    expect(fillRows(r).slice(1)).toEqual(exit === null ? [] : [exit]);
  });

  it('loses to the stop-loss when one bar reaches both (the stop is assumed first)', () => {
    const r = run([SIGNAL, [100, 101, 99, 100], [100, 111, 94, 100]], long({ stopLoss: { pct: 5 }, takeProfit: { pct: 10 } }));
    expect(fillRows(r).slice(1)).toEqual([['O-1-sl', 'sell', 10, 95, dayMs(2)]]);
    expect(eventsOf(r, 'O-1-tp')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: OCO sibling O-1-sl filled']);
    expect(r.kernel.venue.workingOrders()).toEqual([]);
  });

  it('cancels the stop-loss when it fills', () => {
    const r = run([SIGNAL, [100, 101, 99, 100], [101, 111, 100, 110], [90, 91, 80, 85]], long({ stopLoss: { pct: 5 }, takeProfit: { pct: 10 } }));
    expect(fillRows(r).slice(1)).toEqual([['O-1-tp', 'sell', 10, 110, dayMs(2)]]);
    expect(eventsOf(r, 'O-1-sl').at(-1)).toBe('OrderCanceled: OCO sibling O-1-tp filled');
  });
});

describe('trailing attachment', () => {
  it.each([
    ['by an amount: starts at the entry less the amount, follows the high, fills at the trailed level', { amount: 3 },
      [[100, 104, 99, 103], [102, 102, 100, 100]], ['O-1-trail', 'sell', 10, 101, dayMs(2)]],
    ['by a percent: 5% below the best high, filled at the open when it gaps below', { pct: 5 },
      [[100, 110, 100, 108], [103, 104, 102, 103]], ['O-1-trail', 'sell', 10, 103, dayMs(2)]],
    ['from the entry price: hit in the entry bar itself', { amount: 3 },
      [[100, 100.5, 96, 97]], ['O-1-trail', 'sell', 10, 97, dayMs(1)]],
  ] as const)('%s', (_name, trailing, later, exit) => {
    const r = run([SIGNAL, ...later], long({ trailing }));
    expect(fillRows(r).slice(1)).toEqual([exit]);
  });

  it('the tighter of the stop-loss and the trailing stop fills when one bar falls through both', () => {
    // Stop-loss at 95, trailing at 97 (entry 100 - 3): the price falls through 97 first.
    const r = run([SIGNAL, [100, 100, 99, 99.5], [99, 99, 90, 91]], long({ stopLoss: { pct: 5 }, trailing: { amount: 3 } }));
    expect(fillRows(r).slice(1)).toEqual([['O-1-trail', 'sell', 10, 97, dayMs(2)]]);
    expect(eventsOf(r, 'O-1-sl').at(-1)).toBe('OrderCanceled: OCO sibling O-1-trail filled');
  });
});

describe('time exit', () => {
  const rising: Ohlc[] = [SIGNAL, [100, 101, 99.5, 100.5], [101, 102, 100.5, 101.5], [102, 103, 101.5, 102.5], [103, 104, 102.5, 103.5], [104, 105, 103.5, 104.5], [105, 106, 104.5, 105.5]];

  it.each([
    ['after 1 bar: the entry bar counts, closes at the next open', 1, {}, ['O-1-time', 'sell', 10, 101, dayMs(2)]],
    ['after 3 bars: closes at the open of the 4th bar after the entry', 3, {}, ['O-1-time', 'sell', 10, 103, dayMs(4)]],
    ['with fills at the close: the entry fills at the signal close, closes at the close of the 3rd bar after', 3, { venue: { marketFill: 'close' as const } },
      ['O-1-time', 'sell', 10, 102.5, dayMs(3)]],
  ] as const)('%s', (_name, timeExitBars, opts, exit) => {
    const r = run(rising, long({ timeExitBars }), opts);
    const rows = fillRows(r);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(exit);
    expect(r.out.feeds[0]!.position.qty).toBe(0);
    expect(r.kernel.venue.workingOrders()).toEqual([]);
  });

  it('counts the bar of an entry filled inside it', () => {
    // Limit buy at 99.8 fills inside bar 1 (open 100, low 99.5); bars 1, 2 counted -> out at bar 3's open.
    const r = runScript(series(rising), { 0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99.8, exits: { timeExitBars: 2 } }) });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 99.8, dayMs(1)],
      ['O-1-time', 'sell', 10, 102, dayMs(3)],
    ]);
  });

  it('counts only bars of its own symbol', () => {
    const other = series([[50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50]], { symbol: 'Y', startMs: dayMs(0) + 3_600_000, stepMs: 43_200_000 });
    const r = runScript([series(rising), other], { 0: (ctx, bar) => void (bar.symbol === X && ctx.buy(X, 10, { exits: { timeExitBars: 2 } })) });
    expect(fillRows(r).filter((f) => f[0].startsWith('O-1'))).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-1-time', 'sell', 10, 102, dayMs(3)],
    ]);
  });

  it('is canceled with the other exits when the stop-loss fills first', () => {
    const r = run([SIGNAL, [100, 101, 99, 100], [100, 100, 94, 95], [95, 96, 94, 95], [95, 96, 94, 95]], long({ stopLoss: { pct: 5 }, timeExitBars: 2 }));
    // After bar 2 the time exit is placed; the stop filled inside bar 2 first, so it never is.
    expect(fillRows(r).slice(1)).toEqual([['O-1-sl', 'sell', 10, 95, dayMs(2)]]);
    expect(eventsOf(r, 'O-1-time')).toEqual([]);
  });

  it('loses to a stop that gaps at the same open and is canceled as its OCO sibling', () => {
    const r = run([SIGNAL, [100, 101, 99, 100], [90, 91, 89, 90]], long({ stopLoss: { pct: 5 }, timeExitBars: 1 }));
    expect(fillRows(r).slice(1)).toEqual([['O-1-sl', 'sell', 10, 90, dayMs(2)]]);
    expect(eventsOf(r, 'O-1-time')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: OCO sibling O-1-sl filled']);
  });

  it('is dropped when the strategy closes the position itself', () => {
    const r = run(rising, long({ timeExitBars: 3, takeProfit: { pct: 50 } }), {}, { 1: (ctx) => void ctx.close(X) });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-2', 'sell', 10, 101, dayMs(2)],
    ]);
    expect(eventsOf(r, 'O-1-time')).toEqual([]);
    expect(eventsOf(r, 'O-1-tp').at(-1)).toBe('OrderCanceled: the position the exits protect is closed');
  });
});

describe('break-even', () => {
  const entryBar: Ohlc = [100, 106, 99, 105];

  it.each([
    ['moves the stop to the entry, then stops out at the entry', { triggerPct: 5 }, [[104, 104, 99, 100]], ['O-1-sl', 'sell', 10, 100, dayMs(2)]],
    ['moves the stop to entry + offset', { triggerPct: 5, offsetPct: 1 }, [[104, 104, 99, 100]], ['O-1-sl', 'sell', 10, 101, dayMs(2)]],
    ['gapped below the moved stop: fills at the open', { triggerPct: 5 }, [[98, 99, 97, 98]], ['O-1-sl', 'sell', 10, 98, dayMs(2)]],
    ['trigger not reached: the stop stays at the stop-loss', { triggerPct: 6.5 }, [[104, 104, 96, 97], [96, 96, 94, 95]], ['O-1-sl', 'sell', 10, 95, dayMs(3)]],
  ] as const)('%s', (_name, breakEven, later, exit) => {
    const r = run([SIGNAL, entryBar, ...later], long({ stopLoss: { pct: 5 }, breakEven }));
    expect(fillRows(r).slice(1)).toEqual([exit]);
  });

  it('moves the stop after the bar that reached the trigger, with an OrderUpdated event', () => {
    const levels: (number | undefined)[] = [];
    const r = run([SIGNAL, [100, 104, 99, 103], entryBar, [105, 107, 104, 106]], long({ stopLoss: { pct: 5 }, breakEven: { triggerPct: 5 } }), {}, {
      1: (ctx) => void levels.push(ctx.openOrders(X)[0]?.stopPrice),
      2: (ctx) => void levels.push(ctx.openOrders(X)[0]?.stopPrice),
      3: (ctx) => void levels.push(ctx.openOrders(X)[0]?.stopPrice),
    });
    expect(levels).toEqual([95, 100, 100]);
    expect(eventsOf(r, 'O-1-sl')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderUpdated']);
  });

  it('places its own stop when there is no stop-loss, from the next bar', () => {
    const r = run([SIGNAL, entryBar, [104, 104, 99, 100]], long({ breakEven: { triggerPct: 5 } }));
    expect(fillRows(r).slice(1)).toEqual([['O-1-be', 'sell', 10, 100, dayMs(2)]]);
  });

  it('assumes the stop-loss first when the bar that reaches the trigger also falls through the stop', () => {
    const r = run([SIGNAL, [100, 106, 94, 105], [104, 104, 99, 100]], long({ stopLoss: { pct: 5 }, breakEven: { triggerPct: 5 } }));
    expect(fillRows(r).slice(1)).toEqual([['O-1-sl', 'sell', 10, 95, dayMs(1)]]);
  });

  it('ignores the part of the entry bar before a fill inside it', () => {
    // Limit buy at 99 fills inside bar 1, whose high 106 may have come first: no break-even yet.
    // Stop-loss 94.05; bar 2 stays below the trigger 103.95; bar 3 falls to 96: the stop holds.
    const r = runScript(series([SIGNAL, [100, 106, 98, 104], [102, 103, 100, 101], [100, 100, 96, 97]]), {
      0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 99, exits: { stopLoss: { pct: 5 }, breakEven: { triggerPct: 5 } } }),
    });
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 99, dayMs(1)]]);
    expect(r.kernel.workingOrders(X)[0]!.stopPrice).toBe(94.05);
  });

  it('never loosens a stop that is already tighter', () => {
    // A stop-loss given as a price above the break-even level (entry 100, offset 0): it stays at 101.
    // The entry was a limit at 102 and its fill (at the better open) is below that stop.
    const r = runScript(series([SIGNAL, [100, 106, 100, 105], [105, 107, 104, 106]]), {
      0: (ctx) => void ctx.buy(X, 10, { type: 'limit', limitPrice: 102, exits: { stopLoss: { price: 101 }, breakEven: { triggerPct: 5 } } }),
      1: (ctx) => void expect(ctx.openOrders(X)[0]?.stopPrice).toBe(101),
    });
    expect(fillRows(r)[0]).toEqual(['O-1', 'buy', 10, 100, dayMs(1)]);
    expect(eventsOf(r, 'O-1-sl')).not.toContain('OrderUpdated');
  });
});

describe('short entries mirror long ones', () => {
  const margin = { accountType: 'margin' as const };
  it.each([
    ['stop-loss above the entry', { stopLoss: { pct: 5 } }, [[100, 101, 99, 100], [101, 106, 100, 104]], ['O-1-sl', 'buy', 10, 105, dayMs(2)]],
    ['take-profit below the entry', { takeProfit: { pct: 10 } }, [[100, 101, 99, 100], [95, 96, 89, 90]], ['O-1-tp', 'buy', 10, 90, dayMs(2)]],
    ['trailing stop follows the low', { trailing: { amount: 3 } }, [[100, 101, 96, 97], [98, 100, 97, 99]], ['O-1-trail', 'buy', 10, 99, dayMs(2)]],
    ['break-even moves the stop down to the entry', { stopLoss: { pct: 5 }, breakEven: { triggerPct: 5 } }, [[100, 101, 94, 95], [96, 101, 95, 100]],
      ['O-1-sl', 'buy', 10, 100, dayMs(2)]],
    ['time exit buys back', { timeExitBars: 1 }, [[100, 101, 99, 100], [98, 99, 97, 98]], ['O-1-time', 'buy', 10, 98, dayMs(2)]],
  ] as const)('%s', (_name, exits, later, exit) => {
    const r = run([SIGNAL, ...later], short(exits), margin);
    expect(fillRows(r)).toEqual([['O-1', 'sell', 10, 100, dayMs(1)], exit]);
  });
});

describe('lifecycle', () => {
  it('attaches nothing when the entry is rejected', () => {
    const r = run([SIGNAL, [101, 102, 100, 101], [90, 91, 80, 85]], long({ stopLoss: { pct: 5 }, timeExitBars: 1 }), { cash: 1000 });
    expect(r.kernel.fills.toArray()).toEqual([]);
    expect(r.events.filter((e) => 'orderId' in e && e.orderId.startsWith('O-1-'))).toEqual([]);
  });

  it('protects the filled part of an entry that ended partly filled', () => {
    // Volume cap 10% of 50 = 5 per bar; the IOC entry of 10 fills 5 and the rest is canceled.
    const r = runScript(series([[100, 100, 100, 100, 50], [100, 101, 99, 100, 50], [99, 100, 94, 95, 1000]]), {
      0: (ctx) => void ctx.buy(X, 10, { tif: 'IOC', exits: { stopLoss: { pct: 5 } } }),
    }, { venue: { volumeCap: 0.1 } });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 5, 100, dayMs(1)],
      ['O-1-sl', 'sell', 5, 95, dayMs(2)],
    ]);
  });

  it('canceling one exit removes the others and the pending time exit', () => {
    const r = run([SIGNAL, [100, 101, 99, 100], [100, 101, 99, 100], [100, 101, 99, 100], [100, 101, 80, 100]], long({ stopLoss: { pct: 5 }, takeProfit: { pct: 10 }, timeExitBars: 3 }), {}, {
      1: (ctx) => ctx.cancel('O-1-tp'),
    });
    expect(eventsOf(r, 'O-1-sl').at(-1)).toBe('OrderCanceled: exit O-1-tp canceled');
    expect(eventsOf(r, 'O-1-time')).toEqual([]);
    expect(fillRows(r)).toEqual([['O-1', 'buy', 10, 100, dayMs(1)]]);
  });

  it('each entry has its own group, sized to its own fill', () => {
    const r = run([SIGNAL, [100, 101, 99, 100], [100, 101, 96, 100], [100, 101, 94, 100]], long({ stopLoss: { pct: 5 } }), {}, {
      1: (ctx) => void ctx.buy(X, 5, { exits: { stopLoss: { pct: 3 } } }),
    });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(1)],
      ['O-2', 'buy', 5, 100, dayMs(2)],
      ['O-2-sl', 'sell', 5, 97, dayMs(2)],
      ['O-1-sl', 'sell', 10, 95, dayMs(3)],
    ]);
  });
});

describe('validation', () => {
  function thrown(exits: ExitAttachments, opts: { side?: 'buy' | 'sell'; limitPrice?: number; reduceOnly?: boolean } = {}): unknown {
    let error: unknown = null;
    runScript(series([SIGNAL, SIGNAL]), {
      0: (ctx) => {
        try {
          const o = { exits, ...(opts.limitPrice === undefined ? {} : { type: 'limit' as const, limitPrice: opts.limitPrice }), ...(opts.reduceOnly ? { reduceOnly: true } : {}) };
          if (opts.side === 'sell') ctx.sell(X, 10, o);
          else ctx.buy(X, 10, o);
        } catch (e) {
          error = e;
        }
      },
    }, { accountType: 'margin' });
    return error;
  }

  it.each([
    ['both a price and a pct', { stopLoss: { price: 95, pct: 5 } }, {}, 'exits.stopLoss'],
    ['a stop-loss pct of 100 or more', { stopLoss: { pct: 100 } }, {}, 'exits.stopLoss.pct'],
    ['a negative take-profit', { takeProfit: { price: -1 } }, {}, 'exits.takeProfit.price'],
    ['a time exit of 1.5 bars', { timeExitBars: 1.5 }, {}, 'exits.timeExitBars'],
    ['a break-even offset at the trigger', { breakEven: { triggerPct: 2, offsetPct: 2 } }, {}, 'exits.breakEven.offsetPct'],
    ['no exit at all', {}, {}, 'exits'],
    ["a long's stop-loss above the entry price", { stopLoss: { price: 101 } }, {}, 'exits.stopLoss.price'],
    ["a short's take-profit above the limit entry", { takeProfit: { price: 102 } }, { side: 'sell' as const, limitPrice: 101 }, 'exits.takeProfit.price'],
    ['exits on a reduce-only order', { stopLoss: { pct: 5 } }, { side: 'sell' as const, reduceOnly: true }, 'exits'],
  ])('ctx.buy/sell throws a ConfigError naming the field for %s', (_name, exits, opts, field) => {
    const e = thrown(exits as ExitAttachments, opts);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).where.field).toBe(field);
  });

  it('the venue rejects an order submitted directly with malformed exits, naming the field', () => {
    const r = runScript(series([SIGNAL, SIGNAL]), {
      0: (ctx) => void ctx.submit({ symbol: X, side: 'buy', type: 'market', qty: 10, exits: { trailing: { amount: 0 } } }),
    });
    expect(r.kernel.rejections.map((x) => x.reason)).toEqual(['exits.trailing.amount: must be a positive number, got 0']);
    expect(r.kernel.fills.toArray()).toEqual([]);
  });

  it('exits on an instrument with a coarser tick round to that tick', () => {
    const r = runScript(series([[4000, 4000, 4000, 4000], [4000, 4010, 3990, 4000]]), { 0: long({ stopLoss: { pct: 1.3 } }, 1) }, {
      instruments: [makeInstrument(X, { assetClass: 'future' })], accountType: 'margin', cash: 1_000_000,
    });
    // 4000 × 0.987 = 3948 on a 0.25 tick.
    expect(r.kernel.workingOrders(X)[0]!.stopPrice).toBe(3948);
  });
});

describe('on quotes (paper trading on live data)', () => {
  it('break-even follows the bid of a long and the stop fills at the bid', () => {
    const q = (h: number, bid: number, ask: number) => ({ kind: 'quote' as const, tsEventMs: dayMs(0) + h * 3_600_000, quote: { symbol: X, tsEventMs: dayMs(0) + h * 3_600_000, bid, ask, bidSize: 1000, askSize: 1000 } });
    const r = runScript(series([SIGNAL]), { 0: long({ stopLoss: { pct: 5 }, breakEven: { triggerPct: 5 } }) }, {
      ticks: [q(1, 99.9, 100), q(2, 105.5, 105.6), q(3, 99.5, 99.6)],
    });
    expect(fillRows(r)).toEqual([
      ['O-1', 'buy', 10, 100, dayMs(0) + 3_600_000],
      ['O-1-sl', 'sell', 10, 99.5, dayMs(0) + 3 * 3_600_000],
    ]);
  });
});
