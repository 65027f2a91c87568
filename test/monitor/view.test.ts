// The monitor's pure parts: the sparkline, text fitting, and the snapshot-to-lines layout (every line within the
// terminal's width, the screen within its height, the right words for state and breakers).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Snapshot } from '../../src/monitor/client.ts';
import { sparkline } from '../../src/monitor/sparkline.ts';
import { fit, money, qty, signed } from '../../src/monitor/text.ts';
import { breakersWord, budget, headerLine, INITIAL_UI, screen, stateWord } from '../../src/monitor/view.ts';

describe('sparkline', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8], 8, '▁▂▃▄▅▆▇█'],
    [[0, 10], 10, '▁█'],
    [[5, 5, 5], 3, '▁▁▁'],
    [[1, 2, 3, 4], 2, '▁█'], // the last 2 points, scaled between themselves
    [[10, 0, 5], 3, '█▁▅'], // 5 is 4/7ths up: round(3.5)=4 -> ▅
    [[1, NaN, 2, Infinity], 10, '▁█'],
    [[], 5, ''],
    [[1, 2], 0, ''],
  ])('%j in %i cells is %s', (values, width, want) => {
    expect(sparkline(values, width)).toBe(want);
  });

  it('is never wider than asked, and one block a finite point', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true })), fc.integer({ min: 0, max: 100 }), (vs, w) => {
      const s = sparkline(vs, w);
      expect(s.length).toBe(Math.min(w, vs.length));
      expect(/^[▁▂▃▄▅▆▇█]*$/.test(s)).toBe(true);
    }), { numRuns: 200 });
  });
});

describe('text', () => {
  it.each([
    ['abcdef', 4, 'abc…'], ['abc', 3, 'abc'], ['abc', 1, 'a'], ['abc', 0, ''],
  ])('fit(%s, %i) = %s', (s, w, want) => expect(fit(s, w)).toBe(want));
  it('formats amounts', () => {
    expect(money(1234.567)).toBe('1,234.57');
    expect(money(null)).toBe('-');
    expect(signed(-120.814)).toBe('-120.81');
    expect(signed(3)).toBe('+3.00');
    expect(qty(462.352912)).toBe('462.3529');
    expect(qty(2)).toBe('2');
  });
});

const SNAP: Snapshot = {
  bot: { id: 'b1', name: 'b1', mode: 'paper', state: 'running', error: null },
  bots: [],
  account: { equity: 99879.186, cash: 5045.98, pnlToday: -120.814, pnlTotal: -120.814, halted: false },
  positions: [{ symbol: 'BTC-USD', qty: 462.3529, avgPrice: 204.96, strategyId: 'sma-cross', lastPrice: 205.11, unrealizedPnl: 69.35 }],
  openOrders: Array.from({ length: 9 }, (_, i) => ({
    clientOrderId: `b1-${i + 1}`, symbol: 'BTC-USD', side: 'buy', type: 'limit', qty: 0.01, limitPrice: 100 + i, stopPrice: null, status: 'accepted', filledQty: 0,
  })),
  fills: [{ time: '2026-12-07T10:04:30.300Z', symbol: 'BTC-USD', side: 'buy', price: 204.96, qty: 462.3529, orderId: 'b1-3' }],
  equity: [100000, 99865.49, 99962.41],
  risk: { halted: false, breakers: ['drawdown', 'loss-streak'], tripped: [] },
  logs: [{ time: '2026-12-07T10:05:00.000Z', level: 'info', source: 'operator', message: 'pause: ok '.repeat(20) }],
  fetchedMs: Date.parse('2026-12-07T10:05:01Z'),
};

describe('the screen', () => {
  it('says the state, equity, PnL today and the breakers in the header', () => {
    expect(headerLine(SNAP)).toEqual({ text: 'b1 paper RUNNING | eq 99,879.19 | today -120.81 | breakers 2 ok', tone: 'good' });
    const halted = { ...SNAP, account: { ...SNAP.account!, halted: true }, risk: { ...SNAP.risk!, tripped: [{ breaker: 'drawdown', reason: 'dd 10%' }] } };
    expect(stateWord(halted)).toBe('RUNNING HALTED');
    expect(breakersWord(halted)).toBe('TRIPPED drawdown');
    expect(headerLine(halted).tone).toBe('bad');
    expect(breakersWord({ ...SNAP, risk: null })).toBe('-');
    expect(headerLine({ ...SNAP, bot: { ...SNAP.bot, name: 'Demo (synthetic market)' } }).text).toBe('b1 paper RUNNING | eq 99,879.19 | today -120.81 | breakers 2 ok | Demo (synthetic market)');
    expect(breakersWord({ ...SNAP, risk: { ...SNAP.risk!, breakers: [] } })).toBe('none');
  });

  it('splits the height between the tables', () => {
    expect(budget(24)).toEqual({ positions: 3, orders: 4, fills: 4, logs: 4 });
    expect(budget(50)).toEqual({ positions: 8, orders: 11, fills: 11, logs: 11 });
    expect(budget(15)).toEqual({ positions: 2, orders: 1, fills: 1, logs: 2 });
    expect(budget(5)).toEqual({ positions: 2, orders: 1, fills: 1, logs: 1 });
  });

  it('fits every size from 20x5 to 200x60', () => {
    for (const [cols, rows] of [[80, 24], [20, 5], [40, 12], [120, 40], [200, 60], [80, 3], [10, 1]] as const) {
      const lines = screen(SNAP, INITIAL_UI, cols, rows, 'http://x');
      expect(lines.length).toBeLessThanOrEqual(Math.max(1, rows - 1));
      for (const l of lines) expect(l.text.length).toBeLessThanOrEqual(cols);
    }
  });

  it('at 80x24: 23 lines, the selected order marked and kept in view, the keys at the bottom', () => {
    const lines = screen(SNAP, { ...INITIAL_UI, selected: 6 }, 80, 24, 'http://x').map((l) => l.text);
    expect(lines).toHaveLength(23);
    expect(lines[0]).toBe('b1 paper RUNNING | eq 99,879.19 | today -120.81 | breakers 2 ok');
    expect(lines[1]).toMatch(/^eq █▁▆ 99,865\.\.100,000$/);
    expect(lines[2]).toMatch(/^── Positions \(1\) ─+$/);
    expect(lines[4]).toMatch(/^BTC-USD +sma-cross +462\.3529 +204\.96 +205\.11 +\+69\.35$/);
    const orders = lines.slice(7, 11);
    expect(orders.map((l) => l.trim().split(/\s+/)[0])).toEqual(['b1-4', 'b1-5', 'b1-6', '>b1-7']);
    expect(lines[22]).toBe('p pause  r resume  ↑↓ select  c cancel order  k kill  F kill+flatten  q quit');
    expect(lines[21]).toBe('updated 10:05:01 UTC');
    expect(lines[17]!.length).toBe(80); // the long log line, cut
    expect(lines[17]!.endsWith('…')).toBe(true);
  });

  it('asks before a kill', () => {
    expect(screen(SNAP, { ...INITIAL_UI, confirm: 'flatten' }, 80, 24, 'http://x')[21]).toEqual({ text: 'Kill b1: halt, cancel every order AND close every position? y/n', tone: 'warn' });
    expect(screen(null, INITIAL_UI, 80, 24, 'http://127.0.0.1:1').map((l) => l.text)[0]).toBe('sextant monitor: connecting to http://127.0.0.1:1...');
  });
});
