// Exit attachments emulated on a venue with market and limit orders only give the fills the simulated venue
// gives natively (docs/fill-assumptions.md, "Exit attachments"): the same order ids, prices, quantities and
// times, on quote paths and, for time exits, on bars.
import { describe, expect, it } from 'vitest';
import type { ExitAttachments, OrderSide } from '../../src/model/order.ts';
import { Harness } from './emulator-harness.ts';

type Step = (h: Harness) => void;

/** An entry of 10 with `exits` after a first quote at 100, then `path`; the same on both venues. */
function run(mode: 'native' | 'emulated', side: OrderSide, exits: ExitAttachments, path: Step): Harness {
  const h = new Harness(mode);
  h.bids([100]);
  h.submit('O', { side, type: 'market', qty: 10, exits });
  path(h);
  return h;
}

const statuses = (h: Harness): [string, string][] =>
  h.node.engine.cache.all.filter((o) => o.id.startsWith('O-')).map((o) => [o.id, o.status]);

function same(side: OrderSide, exits: ExitAttachments, path: Step): Harness {
  const native = run('native', side, exits, path);
  const emulated = run('emulated', side, exits, path);
  expect(emulated.node.fills()).toEqual(native.node.fills());
  expect(statuses(emulated)).toEqual(statuses(native));
  expect(emulated.node.engine.anomalies).toEqual({ duplicates: 0, outOfOrder: 0, unknown: 0 });
  expect(emulated.position).toBe(native.position);
  return emulated;
}

describe('emulated exit attachments fill as the simulated venue does natively', () => {
  it.each([
    ['a stop-loss', 'buy', { stopLoss: { pct: 5 } }, [100, 99, 96, 95.2, 94]],
    ['a stop-loss gapped through', 'buy', { stopLoss: { pct: 5 } }, [100, 99, 90]],
    ['a take-profit', 'buy', { takeProfit: { pct: 4 } }, [100, 102, 104.2, 103]],
    ['a trailing stop by an amount', 'buy', { trailing: { amount: 2 } }, [100, 101, 103, 102, 100.9]],
    ['a trailing stop by a percent', 'buy', { trailing: { pct: 1 } }, [100, 104, 103.5, 102.8]],
    ['stop-loss and take-profit: the take-profit fills, the stop goes', 'buy', { stopLoss: { pct: 5 }, takeProfit: { pct: 3 } }, [100, 103.5, 90]],
    ['stop-loss and take-profit: the stop fills, the take-profit goes', 'buy', { stopLoss: { pct: 5 }, takeProfit: { pct: 3 } }, [100, 94, 110]],
    ['break-even moves the stop-loss up', 'buy', { stopLoss: { pct: 5 }, breakEven: { triggerPct: 2 } }, [100, 102.3, 101, 100.05, 99]],
    ['break-even with an offset', 'buy', { stopLoss: { pct: 5 }, breakEven: { triggerPct: 2, offsetPct: 0.5 } }, [100, 102.3, 100.7, 100.5]],
    ['break-even alone places a stop', 'buy', { breakEven: { triggerPct: 2 } }, [100, 102.3, 101, 100.0]],
    ['a short\'s stop-loss and take-profit', 'sell', { stopLoss: { pct: 5 }, takeProfit: { pct: 3 } }, [100, 98, 96.9, 105]],
    ['a short\'s trailing stop', 'sell', { trailing: { amount: 1.5 } }, [100, 98, 97, 98.3, 98.6]],
  ] as const)('%s', (_name, side, exits, bids) => {
    const h = same(side, exits, (x) => x.bids(bids));
    expect(h.node.fills().length).toBeGreaterThan(1);
  });

  it('a time exit closes after the position has lived its bars', () => {
    const bars: [number, number, number, number][] = [[100, 101, 99, 100], [100, 102, 99, 101], [101, 103, 100, 102], [102, 104, 101, 103], [103, 104, 102, 103]];
    const path: Step = (h) => bars.forEach((b) => h.bar(...b));
    const h = same('buy', { timeExitBars: 2 }, path);
    expect(h.node.fills().map(([id, , , price]) => [id, price])).toEqual([['O', 100], ['O-time', 101]]);
  });

  it('the exits are emulated children of the entry in one OCO group, and canceling one removes the others', () => {
    const h = run('emulated', 'buy', { stopLoss: { pct: 5 }, takeProfit: { pct: 10 } }, (x) => x.bids([100]));
    const held = h.emulator.held.map((o) => [o.id, o.type, o.links]);
    expect(held).toEqual([
      ['O-sl', 'stop', { parentId: 'O', ocoGroup: 'O-exits' }],
      ['O-tp', 'limit', { parentId: 'O', ocoGroup: 'O-exits' }],
    ]);
    // The venue works the take-profit as a plain limit under a derived id; the stop is held here.
    expect(h.venue.workingOrders().map((o) => [o.id, o.type, o.limitPrice, o.links])).toEqual([['O-tp-E1', 'limit', 110.11, {}]]);
    h.cancel('O-sl');
    expect(h.node.eventsOf('O-tp')).toEqual(['OrderSubmitted', 'OrderAccepted', 'OrderCanceled: exit O-sl canceled']);
    expect(h.venue.workingOrders()).toEqual([]);
  });
});
