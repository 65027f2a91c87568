import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountType } from '../../model/account.ts';
import type { OrderSide } from '../../model/order.ts';
import { RiskEngine, type NearMiss } from '../risk-engine.ts';
import { riskChecksFromConfig } from './config.ts';
import { makeOrder, viewWithout } from './fixtures.ts';
import { businessDayIndex, PatternDayTraderCheck, type PatternDayTraderOptions } from './pattern-day-trader.ts';
import { MemoryRiskView } from './view.ts';

type Step = [time: string, side: OrderSide, qty: number, symbol?: string];

interface Account {
  readonly equity?: number;
  readonly accountType?: AccountType;
  readonly positions?: Record<string, number>;
}

/** Checks each order at its time; an order that passes fills at once. One letter per order: P passed, D denied. */
function run(steps: readonly Step[], account: Account = {}, opts: PatternDayTraderOptions = {}): string {
  const check = new PatternDayTraderCheck(opts);
  const view = new MemoryRiskView({ equity: account.equity ?? 20_000, accountType: account.accountType ?? 'margin', positions: account.positions });
  let out = '';
  let n = 0;
  for (const [time, side, qty, symbol = 'AAPL'] of steps) {
    view.timeMs = Date.parse(`2024-01-${time}Z`);
    const order = makeOrder(side, qty, symbol);
    if (check.check(order, 10, view) !== null) {
      out += 'D';
      continue;
    }
    const after = view.positionQty(symbol) + order.sign * qty;
    view.positions.set(symbol, after);
    check.onFill({ orderId: `F${n++}`, symbol, side, qty, price: 10, tsMs: view.timeMs, positionAfter: after });
    out += 'P';
  }
  return out;
}

// 2024-01-08 is a Monday.
const roundTrips = (day: string, n: number, symbol = 'AAPL'): Step[] =>
  Array.from({ length: n }, (_, i): Step[] => [[`${day}T14:${10 + 2 * i}:00`, 'buy', 10, symbol], [`${day}T14:${11 + 2 * i}:00`, 'sell', 10, symbol]]).flat();

describe('pattern day trader rule (margin account under 25 000: at most 3 day trades in 5 business days)', () => {
  const rows: [label: string, steps: Step[], account: Account, expected: string][] = [
    ['three round trips on one day pass; the 4th closing order is denied', roundTrips('08', 4), {}, 'PPPPPPPD'],
    ['the opening order of the 4th round trip passes (only the closing one is the day trade)', roundTrips('08', 4).slice(0, 7), {}, 'PPPPPPP'],
    ['buy, buy, sell everything is one day trade', [...roundTrips('08', 2), ['08T15:00:00', 'buy', 5], ['08T15:01:00', 'buy', 5], ['08T15:02:00', 'sell', 10], ['08T16:00:00', 'buy', 1], ['08T16:01:00', 'sell', 1]], {}, 'PPPPPPPPD'],
    ['buy 20, sell 10, sell 10 is two day trades', [['08T14:00:00', 'buy', 20], ['08T14:01:00', 'sell', 10], ['08T14:02:00', 'sell', 10], ...roundTrips('08', 2)], {}, 'PPPPPPD'],
    ['a short sale covered the same day is a day trade', [['08T14:00:00', 'sell', 10], ['08T14:01:00', 'buy', 10], ...roundTrips('08', 3)], {}, 'PPPPPPPD'],
    ['a position bought yesterday and sold today is not a day trade', [['08T14:00:00', 'buy', 10], ['09T14:00:00', 'sell', 10], ...roundTrips('09', 3), ['09T16:00:00', 'buy', 1], ['09T16:01:00', 'sell', 1]], {}, 'PPPPPPPPPD'],
    ['selling an overnight long then buying back is not a day trade; selling that again is', [['09T14:00:00', 'sell', 10], ['09T14:01:00', 'buy', 10], ['09T14:02:00', 'sell', 10], ...roundTrips('09', 2), ['09T16:00:00', 'buy', 1], ['09T16:01:00', 'sell', 1]], { positions: { AAPL: 10 } }, 'PPPPPPPPD'],
    ['overnight 10, buy 10, sell 20: one day trade (the same-day units are closed first)', [['09T14:00:00', 'buy', 10], ['09T14:01:00', 'sell', 20], ...roundTrips('09', 2), ['09T16:00:00', 'buy', 1], ['09T16:01:00', 'sell', 1]], { positions: { AAPL: 10 } }, 'PPPPPPPD'],
    ['day trades in several symbols add up', [...roundTrips('08', 1, 'AAPL'), ...roundTrips('08', 1, 'MSFT'), ...roundTrips('08', 1, 'XOM'), ...roundTrips('08', 1, 'TSLA')], {}, 'PPPPPPPD'],
    ['three on Monday: Friday is still within the 5 business days', [...roundTrips('08', 3), ...roundTrips('12', 1)], {}, 'PPPPPPPD'],
    ['three on Monday: the next Monday they have left the window', [...roundTrips('08', 3), ...roundTrips('15', 1)], {}, 'PPPPPPPP'],
    ['a weekend does not count as business days (Fri 3, Sat trade still in the window)', [...roundTrips('12', 3), ...roundTrips('13', 1)], {}, 'PPPPPPPD'],
    ['equity of exactly 25 000 is not limited', roundTrips('08', 5), { equity: 25_000 }, 'PPPPPPPPPP'],
    ['a cash account is not limited', roundTrips('08', 5), { accountType: 'cash' }, 'PPPPPPPPPP'],
  ];
  it.each(rows)('%s', (_label, steps, account, expected) => {
    expect(run(steps, account)).toBe(expected);
  });

  it('counts an order filled in parts once', () => {
    const check = new PatternDayTraderCheck({ maxDayTrades: 1 });
    const view = new MemoryRiskView({ equity: 1_000, positions: { AAPL: 0 }, nowMs: Date.parse('2024-01-08T15:00:00Z') });
    const t = view.timeMs;
    check.onFill({ orderId: 'B', symbol: 'AAPL', side: 'buy', qty: 10, price: 1, tsMs: t, positionAfter: 10 });
    check.onFill({ orderId: 'S', symbol: 'AAPL', side: 'sell', qty: 3, price: 1, tsMs: t, positionAfter: 7 });
    check.onFill({ orderId: 'S', symbol: 'AAPL', side: 'sell', qty: 3, price: 1, tsMs: t, positionAfter: 4 });
    expect(check.dayTrades(t)).toEqual([{ day: '2024-01-08', orderId: 'S', symbol: 'AAPL' }]);
    view.positions.set('AAPL', 4);
    expect(check.check(makeOrder('sell', 4), 1, view)).toBe(
      'sell 4 AAPL would be day trade 2 within 5 business days (max 1; earlier: 2024-01-08) in a margin account with equity 1000.00 under 25000.00',
    );
  });

  it('takes its thresholds and the day boundary from options', () => {
    // 23:30 UTC Monday and 00:30 UTC Tuesday are one trading day when the day starts at 04:00 UTC (dayOffsetMs -4h).
    const steps: Step[] = [['08T23:30:00', 'buy', 10], ['09T00:30:00', 'sell', 10], ['09T01:00:00', 'buy', 1], ['09T01:01:00', 'sell', 1]];
    expect(run(steps, {}, { maxDayTrades: 1 })).toBe('PPPP');
    expect(run(steps, {}, { maxDayTrades: 1, dayOffsetMs: -4 * 3_600_000 })).toBe('PPPD');
    expect(run(roundTrips('08', 3), { equity: 40_000 }, { minEquity: 50_000, maxDayTrades: 2 })).toBe('PPPPPD');
  });

  it('needs the clock of the view only for closing orders', () => {
    const check = new PatternDayTraderCheck();
    const view = new MemoryRiskView({ equity: 1_000, positions: { AAPL: 5 } });
    expect(check.check(makeOrder('buy', 1), 1, viewWithout(view, 'nowMs'))).toBeNull();
    expect(check.check(makeOrder('sell', 1), 1, viewWithout(view, 'nowMs'))).toBe('the risk view does not provide nowMs()');
  });

  it('numbers business days Monday to Friday, a weekend day as its Friday', () => {
    const day = (iso: string): number => businessDayIndex(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
    expect(day('2024-01-09') - day('2024-01-08')).toBe(1);
    expect(day('2024-01-12') - day('2024-01-08')).toBe(4);
    expect(day('2024-01-13')).toBe(day('2024-01-12'));
    expect(day('2024-01-14')).toBe(day('2024-01-12'));
    expect(day('2024-01-15') - day('2024-01-12')).toBe(1);
  });

  it('reports the day trade that reaches the limit as a near miss through the engine, and denies the next', () => {
    const checks = riskChecksFromConfig({ patternDayTrader: {}, maxPositionPct: null, maxSectorPct: null, maxGrossLeverage: null, priceCollarPct: null });
    const engine = new RiskEngine({}, checks);
    const heard: string[] = [];
    engine.onNearMisses((order, misses: readonly NearMiss[]) => heard.push(...misses.map((m) => `${order.side} ${m.check} ${Math.round(m.usage * 100)}% ${m.text}`)));
    const view = new MemoryRiskView({ accountType: 'margin', cash: 20_000, equity: 20_000, prices: { AAPL: 10 }, nowMs: Date.parse('2024-01-08T15:00:00Z') });
    let pos = 0;
    const verdicts: string[] = [];
    for (const [i, side] of (['buy', 'sell', 'buy', 'sell', 'buy', 'sell', 'buy', 'sell'] as const).entries()) {
      const reason = engine.check(makeOrder(side, 10), 10, view);
      verdicts.push(reason ?? 'ok');
      if (reason !== null) continue;
      pos += side === 'buy' ? 10 : -10;
      view.positions.set('AAPL', pos);
      engine.onFill({ orderId: `O${i}`, symbol: 'AAPL', side, qty: 10, price: 10, tsMs: view.timeMs, positionAfter: pos });
    }
    expect(verdicts.slice(0, 7)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(verdicts[7]).toMatch(/^pattern-day-trader: sell 10 AAPL would be day trade 4 within 5 business days \(max 3/);
    expect(heard).toEqual(['sell pattern-day-trader 100% sell 10 AAPL is day trade 3 within 5 business days (max 3) with equity 20000.00 under 25000.00']);
  });
});

describe('pattern day trader property', () => {
  const DAY = 86_400_000;
  const MONDAY = Date.parse('2024-01-08T00:00:00Z');
  /** Business days counted one by one from the first Monday; a weekend day counts as its Friday. */
  const businessDay = (day: number): number => {
    let n = 0;
    for (let d = MONDAY / DAY; d <= day; d++) {
      const wd = new Date(d * DAY).getUTCDay();
      if (wd !== 0 && wd !== 6) n++;
    }
    return n;
  };

  const orderArb = fc.record({ dayOffset: fc.integer({ min: 0, max: 9 }), minute: fc.integer({ min: 0, max: 600 }), symbol: fc.constantFrom('A', 'B'), side: fc.constantFrom<OrderSide>('buy', 'sell'), qty: fc.integer({ min: 1, max: 3 }) });

  it('never lets more than 3 day trades into any 5 business days, and denies only such a 4th (LIFO lots as the reference)', () => {
    fc.assert(
      fc.property(fc.array(orderArb, { minLength: 10, maxLength: 80, size: 'max' }), (raw) => {
        const orders = raw.map((o) => ({ ...o, tsMs: MONDAY + o.dayOffset * DAY + 13 * 3_600_000 + o.minute * 60_000 })).sort((a, b) => a.tsMs - b.tsMs);
        const check = new PatternDayTraderCheck();
        const view = new MemoryRiskView({ equity: 10_000, accountType: 'margin' });
        // Reference: lots per symbol, newest last, each with its signed quantity and the day it was opened.
        const lots = new Map<string, { qty: number; day: number }[]>();
        const dayTrades: number[] = [];
        orders.forEach((o, i) => {
          view.timeMs = o.tsMs;
          const day = Math.floor(o.tsMs / DAY);
          const sign = o.side === 'buy' ? 1 : -1;
          const stack = lots.get(o.symbol) ?? [];
          const top = stack[stack.length - 1];
          const closes = top !== undefined && Math.sign(top.qty) !== sign;
          const isDayTrade = closes && top.day === day;
          const inWindow = dayTrades.filter((d) => businessDay(d) > businessDay(day) - 5).length;
          const denied = check.check(makeOrder(o.side, o.qty, o.symbol), 10, view) !== null;
          expect(denied).toBe(isDayTrade && inWindow >= 3);
          if (denied) return;
          if (isDayTrade) dayTrades.push(day);
          let left = o.qty;
          while (left > 0 && stack.length > 0 && Math.sign(stack[stack.length - 1]!.qty) !== sign) {
            const last = stack[stack.length - 1]!;
            const take = Math.min(left, Math.abs(last.qty));
            last.qty += sign * take;
            left -= take;
            if (last.qty === 0) stack.pop();
          }
          if (left > 0) stack.push({ qty: sign * left, day });
          lots.set(o.symbol, stack);
          const after = view.positionQty(o.symbol) + sign * o.qty;
          view.positions.set(o.symbol, after);
          check.onFill({ orderId: `O${i}`, symbol: o.symbol, side: o.side, qty: o.qty, price: 10, tsMs: o.tsMs, positionAfter: after });
        });
        // No 5-business-day window holds more than 3 of the day trades let through.
        for (const d of dayTrades) expect(dayTrades.filter((x) => businessDay(x) > businessDay(d) - 5 && businessDay(x) <= businessDay(d)).length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 100 },
    );
  });
});
