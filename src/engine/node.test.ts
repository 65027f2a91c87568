// The one node: step() repeated to the end is run() (same fills, same equity), on random data and random
// strategies; a backtest, a stepped backtest and a paper replay of the same data give the same fills; and
// the event bus: every engine event stamped with a gap-free sequence and its time, and a subscriber that
// throws cannot change or stop the run.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError } from '../core/errors.ts';
import { MS_PER_DAY } from '../core/time.ts';
import { ReplayFeed } from '../data/live/replay.ts';
import type { BarSeries } from '../model/bar.ts';
import type { EngineEvent } from '../model/events.ts';
import { makeInstrument } from '../model/instrument.ts';
import { FractionCommission } from '../execution/commission.ts';
import { Strategy } from '../strategies/strategy.ts';
import { openStore } from '../store/open.ts';
import { T0 } from '../../test/helpers/bars.ts';
import { actionArb, barStep, bps, RandomTrader, toSeries } from '../../test/helpers/random-trader.ts';
import { BacktestNode, type BacktestConfig, type BacktestOutput } from './backtest-node.ts';
import { LiveNode } from './live-node.ts';
import { TradingNode } from './node.ts';

const SYMBOLS = ['X', 'Y', 'Z'];

/** One to three symbols; each on the common calendar or on its own (some days missing). */
const dataArb = fc
  .record({
    symbols: fc.integer({ min: 1, max: 3 }),
    bars: fc.array(fc.array(barStep, { minLength: 2, maxLength: 30 }), { minLength: 3, maxLength: 3 }),
    gaps: fc.array(fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), { minLength: 3, maxLength: 3 }),
    ownCalendar: fc.boolean(),
    start: fc.constantFrom(5, 20, 100, 250),
  })
  .map((d) =>
    Array.from({ length: d.symbols }, (_, k) => {
      const steps = d.ownCalendar ? d.bars[k]! : d.bars[0]!;
      let day = 0;
      // On its own calendar a symbol skips the days its gap flags say.
      const times = steps.map((_, i) => T0 + (d.ownCalendar ? (day += d.gaps[k]![i]! ? 2 : 1) : i) * MS_PER_DAY);
      return toSeries(steps, d.start * (1 + k / 10), SYMBOLS[k]!, times);
    }),
  );

const setupArb = fc.record({
  series: dataArb,
  traders: fc.array(fc.array(actionArb, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 2 }),
  margin: fc.boolean(),
  commission: fc.oneof(fc.constant(0), bps(1, 50)),
  marketFill: fc.constantFrom<'next-open' | 'close'>('next-open', 'close'),
  rates: fc.boolean(),
  breakers: fc.boolean(),
  merge: fc.constantFrom<'auto' | 'heap'>('auto', 'heap'),
});

type Setup = typeof setupArb extends fc.Arbitrary<infer T> ? T : never;

function config(s: Setup, extra: Partial<BacktestConfig> = {}): BacktestConfig {
  const two = s.traders.length > 1;
  return {
    series: s.series,
    strategies: s.traders.map((actions, i) => ({ strategy: new RandomTrader(actions), id: `t${i}`, allocation: two ? 50_000 : undefined })),
    cash: 100_000,
    accountType: s.margin ? 'margin' : 'cash',
    leverage: s.margin ? 2 : 1,
    borrowRate: s.rates ? 0.05 : 0,
    marginRate: s.rates ? 0.08 : 0,
    breakers: s.breakers ? { dailyLoss: { maxLossPct: 1, action: 'flatten' } } : undefined,
    venue: { commission: new FractionCommission(s.commission), marketFill: s.marketFill },
    merge: s.merge,
    ...extra,
  };
}

/** Everything a run leaves that a stepped run must reproduce exactly. */
function outcome(out: BacktestOutput): unknown {
  const k = out.kernel;
  return {
    fills: k.fills.toArray(),
    orders: k.orders.map((o) => [o.id, o.status, o.filledQty, o.avgFillPrice]),
    rejections: k.rejections,
    trades: k.trades.closed.map((t) => ({ ...t })),
    errors: k.strategyErrors,
    risk: k.riskEvents,
    equityTime: [...out.equityTime],
    equity: [...out.equity],
    exposure: [...out.exposure],
    cash: k.portfolio.cash,
    bars: out.bars,
  };
}

describe('TradingNode: step() and run()', () => {
  it('step() repeated to the end reproduces run() exactly, and so does stepping part-way then run()', () => {
    fc.assert(
      fc.property(setupArb, fc.nat(), (s, cut) => {
        const whole = new BacktestNode(config(s)).run();
        const stepped = new BacktestNode(config(s));
        let steps = 0;
        while (stepped.step()) steps++;
        expect(steps).toBe(whole.bars);
        expect(stepped.step()).toBe(false);
        expect(outcome(stepped.node.result())).toEqual(outcome(whole));
        const mixed = new BacktestNode(config(s));
        for (let i = 0; i < cut % (whole.bars + 1); i++) mixed.step();
        expect(outcome(mixed.run())).toEqual(outcome(whole));
      }),
      { numRuns: 150 },
    );
  });

  it('one step is one bar of one feed: the clock and the equity curve advance with it', () => {
    const a = toSeries([{ gap: 0, ret: 0.01, up: 0, down: 0, volume: 1 }, { gap: 0, ret: 0.01, up: 0, down: 0, volume: 1 }], 10, 'A');
    const b = toSeries([{ gap: 0, ret: 0.02, up: 0, down: 0, volume: 1 }, { gap: 0, ret: 0.02, up: 0, down: 0, volume: 1 }], 20, 'B');
    const seen: string[] = [];
    class Watch extends Strategy {
      override onBar(bar: { symbol: string; tsEventMs: number }): void {
        seen.push(`${bar.symbol}@${(bar.tsEventMs - T0) / MS_PER_DAY}`);
      }
      override onStop(): void {
        seen.push('stop');
      }
    }
    const node = new TradingNode({ kind: 'backtest', data: { kind: 'history', series: [a, b] }, strategies: [{ strategy: new Watch({}) }] });
    const points = (): number => node.result().equity.length;
    expect([node.step(), seen, points()]).toEqual([true, ['A@0'], 0]);
    expect([node.step(), seen.length, points(), node.clock.nowMs()]).toEqual([true, 2, 1, T0]);
    expect([node.step(), seen.at(-1), points(), node.clock.nowMs()]).toEqual([true, 'A@1', 1, T0 + MS_PER_DAY]);
    expect([node.step(), seen.at(-1), points()]).toEqual([true, 'B@1', 2]);
    expect([node.step(), seen.at(-1)]).toEqual([false, 'stop']);
    expect(node.step()).toBe(false);
    expect(seen.filter((x) => x === 'stop')).toHaveLength(1);
  });

  it('a node fed by a live feed has no history to step through', () => {
    const node = new TradingNode({ kind: 'paper', data: { kind: 'pushed', barMs: MS_PER_DAY, matchOn: 'bars' }, instruments: [makeInstrument('X')], strategies: [{ strategy: new RandomTrader([{ kind: 'none' }]) }] });
    expect(() => node.step()).toThrow(ConfigError);
    expect(node.kind).toBe('paper');
  });
});

describe('backtest, stepped backtest and paper replay', () => {
  it('give the same fills on the same data', async () => {
    // Paper runs one strategy at a time here (several share the cash evenly in paper, not in backtests).
    const arb = setupArb.map((s) => ({ ...s, traders: s.traders.slice(0, 1), rates: false, breakers: false, merge: 'auto' as const }));
    // One store for every case (opening an embedded store costs seconds); a run id per case.
    const store = await openStore({ url: 'memory://' });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (s) => {
        const key = (f: { strategyId: string; symbol: string; side: string; qty: number; price: number; tsMs: number; commission: number }): unknown[] => [f.strategyId, f.symbol, f.side, f.qty, f.price, f.tsMs, f.commission];
        const backtest = new BacktestNode(config(s)).run().kernel.fills.map(key);
        const stepped = new BacktestNode(config(s));
        while (stepped.step());
        expect(stepped.kernel.fills.map(key)).toEqual(backtest);
        const runId = `replay-${++run}`;
        {
          const paper = new LiveNode({
            runId, store, instruments: s.series.map((x: BarSeries) => makeInstrument(x.symbol)), barMs: MS_PER_DAY,
            strategies: [{ strategy: new RandomTrader(s.traders[0]!), id: 't0' }], cash: 100_000,
            accountType: s.margin ? 'margin' : 'cash', leverage: s.margin ? 2 : 1,
            venue: { commission: new FractionCommission(s.commission), marketFill: s.marketFill },
            feed: new ReplayFeed({ series: s.series, speed: Infinity }),
          });
          await paper.run();
          expect(paper.kernel.fills.map(key)).toEqual(backtest);
          expect((await store.loadFills(runId)).map((f) => key(f))).toEqual(backtest);
        }
      }),
      { numRuns: Number(process.env.PAPER_RUNS ?? 10) },
    ).finally(() => store.close());
  }, 300_000);
});

describe('the event bus of a node', () => {
  const fixed: Setup = {
    series: [toSeries(Array.from({ length: 60 }, (_, i) => ({ gap: 0, ret: i % 7 < 3 ? 0.02 : -0.015, up: 0.01, down: 0.01, volume: 100 })), 50)],
    traders: [[{ kind: 'market', side: 'buy', qty: 10, off: 0.01, off2: 0, tif: 'GTC', reduceOnly: false, atClose: false, sized: false }, { kind: 'close' }, { kind: 'none' }]],
    margin: false, commission: 0.001, marketFill: 'next-open', rates: false, breakers: false, merge: 'auto',
  };

  it('publishes every engine event in order, stamped with a gap-free sequence and the event time', () => {
    const events: EngineEvent[] = [];
    const node = new BacktestNode(config(fixed, { onEvent: (e) => events.push(e) }));
    const seen: { seq: number; tsMs: number; type: string }[] = [];
    node.bus.subscribe('*', (m) => seen.push({ seq: m.seq, tsMs: m.tsMs, type: m.topic === 'order' ? (m.payload as { event: EngineEvent }).event.type : m.topic }));
    const out = node.run();
    expect(out.kernel.fills.length).toBeGreaterThan(10);
    expect(seen.map((m) => m.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.map((m) => [m.type, m.tsMs])).toEqual(events.map((e) => [e.type, e.tsEventMs]));
    expect(seen.filter((m) => m.type === 'OrderFilled')).toHaveLength(out.kernel.fills.length);
    // Without subscribers nothing is published (a backtest pays no message per event).
    const quiet = new BacktestNode(config(fixed));
    expect(outcome(quiet.run())).toEqual(outcome(out));
    expect(quiet.bus.seq).toBe(0);
  });

  it('a subscriber that throws changes nothing in the run; its errors are counted and reported', () => {
    const clean = outcome(new BacktestNode(config(fixed)).run());
    const node = new BacktestNode(config(fixed));
    let calls = 0;
    node.bus.subscribe('order', () => {
      calls++;
      throw new Error('monitor broke');
    }, { name: 'monitor' });
    const reported: string[] = [];
    node.bus.subscribe('bus.error', (m) => reported.push(`${m.payload.subscriber}: ${m.payload.message}`));
    const out = node.run();
    expect(outcome(out)).toEqual(clean);
    expect(calls).toBeGreaterThan(30);
    expect(node.node.subscriberErrors.count).toBe(calls);
    expect(node.node.subscriberErrors.first[0]).toMatchObject({ subscriber: 'monitor', topic: 'order', kind: 'threw', message: 'monitor broke' });
    expect(reported).toHaveLength(calls);
    expect(node.bus.stats().find((s) => s.name === 'monitor')).toMatchObject({ errors: calls, delivered: 0 });
  });

  it('paper: a throwing subscriber does not stop the run, the store still gets every fill, and the failure is stored as a risk event', async () => {
    const series = fixed.series;
    const backtest = new BacktestNode(config(fixed)).run().kernel.fills.map((f) => [f.side, f.qty, f.price, f.tsMs]);
    const store = await openStore({ url: 'memory://' });
    try {
      const paper = new LiveNode({
        runId: 'bus', store, instruments: [makeInstrument('X')], barMs: MS_PER_DAY, cash: 100_000,
        strategies: [{ strategy: new RandomTrader(fixed.traders[0]!), id: 't0' }], venue: { commission: new FractionCommission(0.001) },
        feed: new ReplayFeed({ series, speed: Infinity }),
      });
      const bars: number[] = [];
      paper.bus.subscribe('bar', (m) => bars.push(m.payload.tsMs));
      paper.bus.subscribe('order', (m) => {
        if (m.payload.event.type === 'OrderFilled') throw new Error('dashboard down');
      }, { name: 'dashboard' });
      await paper.run();
      expect(bars).toEqual([...series[0]!.time]);
      expect((await store.loadFills('bus')).map((f) => [f.side, f.qty, f.price, f.tsMs])).toEqual(backtest);
      expect((await store.getRun('bus'))?.status).toBe('completed');
      const risk = (await store.loadRiskEvents('bus')).filter((e) => e.kind === 'subscriber-error');
      expect(risk).toHaveLength(backtest.length);
      expect(risk[0]!.reason).toContain('dashboard on order');
      expect(risk[0]!.reason).toContain('dashboard down');
    } finally {
      await store.close();
    }
  }, 60_000);
});
