// Random bar series and random order sequences for property tests (fast-check): a strategy that plays
// one action per bar with prices that always make a valid order. Used by the accounting invariants
// (src/engine/properties.test.ts) and the node's step/run/paper equivalence (src/engine/node.test.ts).
import fc from 'fast-check';
import { MS_PER_DAY } from '../../src/core/time.ts';
import { BarSeries, type Bar } from '../../src/model/bar.ts';
import type { OrderSide, TimeInForce } from '../../src/model/order.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { T0 } from './bars.ts';

// ---- random bars ----

/** A fraction from whole basis points (fc.double is dense near zero, which would make flat bars). */
export const bps = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max }).map((x) => x / 10_000);

export const barStep = fc.noBias(
  fc.record({
    gap: bps(-500, 500),
    ret: bps(-800, 800),
    up: bps(0, 400),
    down: bps(0, 400),
    volume: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 9, arbitrary: fc.integer({ min: 1, max: 500 }) }),
  }),
);

export const cents = (x: number): number => Math.round(x * 100) / 100;

export type BarStep = typeof barStep extends fc.Arbitrary<infer T> ? T : never;

/** Daily bars from `T0` (or from the given times), prices in cents. */
export function toSeries(steps: readonly BarStep[], start: number, symbol = 'X', times?: readonly number[]): BarSeries {
  const s = new BarSeries(symbol, steps.length, MS_PER_DAY);
  let p = start;
  steps.forEach((st, i) => {
    const open = Math.max(0.05, cents(p * (1 + st.gap)));
    const close = Math.max(0.05, cents(open * (1 + st.ret)));
    s.time[i] = times?.[i] ?? T0 + i * MS_PER_DAY;
    s.open[i] = open;
    s.close[i] = close;
    s.high[i] = cents(Math.max(open, close) * (1 + st.up));
    s.low[i] = Math.max(0.01, cents(Math.min(open, close) * (1 - st.down)));
    s.volume[i] = st.volume;
    p = close;
  });
  return s;
}

// ---- random order sequences ----

export type Action =
  | { kind: 'none' | 'close' | 'cancelAll' }
  | { kind: 'market' | 'limit' | 'stop' | 'stop-limit' | 'trail' | 'bracket'; side: OrderSide; qty: number; off: number; off2: number; tif: TimeInForce; reduceOnly: boolean; atClose: boolean; sized: boolean };

export const side = fc.constantFrom<OrderSide>('buy', 'sell');
export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Action>({ kind: 'none' }, { kind: 'close' }, { kind: 'cancelAll' }) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constantFrom('market', 'limit', 'stop', 'stop-limit', 'trail', 'bracket'),
      side,
      qty: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: 31, max: 2000 }) }),
      off: bps(10, 300),
      off2: bps(-300, 500),
      tif: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'DAY', 'IOC', 'FOK', 'GTD'),
      reduceOnly: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      atClose: fc.boolean(),
      sized: fc.boolean(),
    }),
  },
);

/** Plays one action per bar (cycling), always with prices that make a valid order. */
export class RandomTrader extends Strategy {
  constructor(readonly actions: readonly Action[]) {
    super({});
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const i = ctx.history(bar.symbol).length - 1;
    const a = this.actions[i % this.actions.length]!;
    const c = bar.close;
    const sym = bar.symbol;
    if (!('side' in a)) {
      if (a.kind === 'close') ctx.close(sym);
      else if (a.kind === 'cancelAll') ctx.cancelAll(sym);
      return;
    }
    const sign = a.side === 'buy' ? 1 : -1;
    const qty = a.sized ? ctx.size.pctCash(20) : a.qty;
    const tif = a.tif;
    const expireTimeMs = tif === 'GTD' ? bar.tsEventMs + 3 * MS_PER_DAY : undefined;
    const common = { tif, expireTimeMs, reduceOnly: a.reduceOnly };
    switch (a.kind) {
      case 'market':
        if (a.atClose) ctx.submit({ symbol: sym, side: a.side, type: 'market', qty: a.qty, fillAtClose: true, ...common });
        else ctx[a.side](sym, qty, common);
        return;
      case 'limit':
        ctx[a.side](sym, qty, { type: 'limit', limitPrice: c * (1 - sign * a.off), ...common });
        return;
      case 'stop':
        ctx[a.side](sym, qty, { type: 'stop', stopPrice: c * (1 + sign * a.off), ...common });
        return;
      case 'stop-limit':
        ctx[a.side](sym, qty, { type: 'stop-limit', stopPrice: c * (1 + sign * a.off), limitPrice: c * (1 + sign * (a.off + a.off2)), ...common });
        return;
      case 'trail':
        ctx[a.side](sym, qty, { type: 'trailing-stop', trailing: a.atClose ? { kind: 'percent', value: a.off * 100 } : { kind: 'amount', value: cents(c * a.off) + 0.01 }, ...common });
        return;
      case 'bracket':
        ctx.bracket({
          symbol: sym, side: a.side, qty, tif: tif === 'GTD' ? 'GTC' : tif,
          takeProfit: c * (1 + sign * (a.off + 0.01)), stopLoss: c * (1 - sign * (a.off + 0.01)),
          ...(a.atClose ? { entryLimit: c * (1 - sign * a.off * 0.2) } : {}),
        });
        return;
    }
  }
}
