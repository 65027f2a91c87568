// Exit attachments across a paper restart: the OrderEmulator in front of the simulated venue manages them
// (bars held, break-even, time exit); its snapshot commits with the run's states, the restarted node sends
// the exits again from its store and the emulator takes their management back, so a replay stopped
// part-way and resumed fills exactly as an uninterrupted run.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { ReplayFeed } from '../data/live/replay.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { EMULATOR_STATE_ID, LiveNode } from './live-node.ts';

const DAY = 86_400_000;

function walk(n: number): BarSeries {
  const rng = new Rng(11);
  let p = 50;
  return BarSeries.fromBars('XYZ', Array.from({ length: n }, (_, i) => {
    const o = p;
    p *= Math.exp(0.02 * rng.normal());
    return { tsEventMs: Date.UTC(2020, 0, 1) + i * DAY, open: o, high: Math.max(o, p) * 1.01, low: Math.min(o, p) * 0.99, close: p, volume: 1e5 };
  }), DAY);
}

/** Enters every 25 bars when flat, with a stop-loss, a break-even and a time exit. */
class Entries extends Strategy<object> {
  bars = 0;
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    this.bars++;
    if (this.bars % 25 === 0 && ctx.position('XYZ').qty === 0) {
      ctx.buy('XYZ', 10, { exits: { stopLoss: { pct: 8 }, breakEven: { triggerPct: 6, offsetPct: 0.5 }, timeExitBars: 12 } });
    }
  }
  override onSave(): unknown {
    return { bars: this.bars };
  }
  override onLoad(state: unknown): void {
    this.bars = (state as { bars: number }).bars;
  }
}

function node(store: Store, runId: string, series: BarSeries, strategy: Strategy, stopAfter?: number): LiveNode {
  let bars = 0;
  const n: LiveNode = new LiveNode({
    runId, instruments: [makeInstrument('XYZ')], store, cash: 100_000, strategies: [{ strategy, id: 'entries' }],
    feed: (from) => {
      const f = new ReplayFeed({ series: [series], speed: Infinity, fromMs: Number.isFinite(from) ? from + 1 : undefined });
      return {
        name: 'counted', stop: () => f.stop(),
        start: (sink) => f.start({ ...sink, onBar: (...a) => { sink.onBar(...a); if (++bars === stopAfter) void n.stop(); }, onQuote: (q) => sink.onQuote(q), onTrade: (t) => sink.onTrade(t), settled: () => sink.settled?.() ?? null }),
      };
    },
  });
  return n;
}

/**
 * Fills as [what filled (entry, -sl, -time), side, qty, price, time]. Order numbers are left out: a restarted
 * node continues its ids past every stored order, the exits included.
 */
const rows = async (store: Store, runId: string): Promise<unknown[]> =>
  (await store.loadFills(runId)).map((f) => [f.orderId.slice(runId.length).replace(/^-\d+/, '') || 'entry', f.side, f.qty, f.price, f.tsMs]);

describe('exit attachments across a paper restart', () => {
  it.each([30, 36, 53, 55, 105])('a replay stopped after %i bars (exits working) and resumed fills exactly like an uninterrupted run', async (stopAfter) => {
    const series = walk(200);
    const mem = await openStore({ url: 'memory://' });
    await node(mem, 'whole', series, new Entries({})).run();
    const whole = await rows(mem, 'whole');
    await mem.close();
    // The run has exits of each kind: stop-loss or break-even stop, and time exits.
    expect(whole.filter((r) => (r as string[])[0] === '-time')).toHaveLength(4);
    expect(whole.filter((r) => (r as string[])[0] === '-sl')).toHaveLength(3);

    const store = await openStore({ url: 'memory://' });
    await node(store, 'resumed', series, new Entries({}), stopAfter).run();
    const held = await store.loadStrategyState('resumed', EMULATOR_STATE_ID);
    expect((held?.state as { exitGroups: unknown[] }).exitGroups).toHaveLength(1);
    await node(store, 'resumed', series, new Entries({})).run();
    expect(await rows(store, 'resumed')).toEqual(whole);
    await store.close();
  });
});
