// Strategy.onSave / onLoad through a paper node: a replay stopped part-way and resumed from the store
// ends with exactly the strategy state of an uninterrupted run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { ReplayFeed } from '../data/live/replay.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { LiveNode } from './live-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-state-'));
const DAY = 86_400_000;

function walk(n: number): BarSeries {
  const rng = new Rng(5);
  let p = 50;
  return BarSeries.fromBars('XYZ', Array.from({ length: n }, (_, i) => {
    const o = p;
    p *= Math.exp(0.02 * rng.normal());
    return { tsEventMs: Date.UTC(2020, 0, 1) + i * DAY, open: o, high: Math.max(o, p) * 1.01, low: Math.min(o, p) * 0.99, close: p, volume: 1e5 };
  }), DAY);
}

/** Keeps state only it knows: bars seen, a running sum, the highest close since entry, a log of events. */
class Counter extends Strategy<object> {
  bars = 0;
  sum = 0;
  high: number | null = null;
  calls: string[] = [];
  override onStart(): void {
    this.calls.push(`start@${this.bars}`);
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (this.calls.at(-1)?.startsWith('start') === true) this.calls.push(`first-bar@${this.bars}`);
    this.bars++;
    this.sum += bar.close;
    if (this.bars % 40 === 0) ctx.buy('XYZ', 1);
    if (ctx.position('XYZ').qty > 0) this.high = Math.max(this.high ?? -Infinity, bar.close);
  }
  override onSave(): unknown {
    return { bars: this.bars, sum: this.sum, high: this.high };
  }
  override onLoad(state: unknown): void {
    const s = state as { bars: number; sum: number; high: number | null };
    this.calls.push(`load@${s.bars}`);
    Object.assign(this, { bars: s.bars, sum: s.sum, high: s.high });
  }
}

function node(store: Store, runId: string, series: BarSeries, strategy: Strategy, stopAfter?: number): LiveNode {
  let bars = 0;
  const n: LiveNode = new LiveNode({
    runId, instruments: [makeInstrument('XYZ')], store, cash: 100_000, strategies: [{ strategy, id: 'counter' }],
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

describe('strategy state across a paper restart', () => {
  it('a replay stopped after 130 bars and resumed restores the counter exactly and ends like an uninterrupted run', async () => {
    const series = walk(300);
    const whole = new Counter({});
    const mem = await openStore({ url: 'memory://' });
    const wholeNode = node(mem, 'whole', series, whole);
    await wholeNode.run();
    const wholeFills = (await mem.loadFills('whole')).map((f) => [f.side, f.qty, f.price, f.tsMs]);
    await mem.close();

    const db = join(dir, 'db');
    let store = await openStore({ dir: db, env: {} });
    const first = new Counter({});
    await node(store, 'resumed', series, first, 130).run();
    expect(first.bars).toBe(130);
    expect((await store.loadStrategyState('resumed', 'counter'))?.state).toEqual({ bars: 130, sum: first.sum, high: first.high });
    await store.close();

    store = await openStore({ dir: db, env: {} });
    const second = new Counter({});
    const n2 = node(store, 'resumed', series, second);
    await n2.run();
    // Loaded before onStart and before the first bar after the restart; then 170 more bars.
    expect(second.calls).toEqual(['load@130', 'start@130', 'first-bar@130']);
    expect([second.bars, second.sum, second.high]).toEqual([whole.bars, whole.sum, whole.high]);
    expect(second.bars).toBe(300);
    expect((await store.loadFills('resumed')).map((f) => [f.side, f.qty, f.price, f.tsMs])).toEqual(wholeFills);
    expect(wholeFills).toHaveLength(7);
    expect(n2.status().equity).toBeCloseTo(wholeNode.status().equity, 6);
    expect((await store.loadStrategyState('resumed', 'counter'))?.state).toEqual({ bars: 300, sum: whole.sum, high: whole.high });
    await store.close();
  });

  it('a state that is not plain JSON is reported as a strategy error and not saved; the run goes on', async () => {
    class Bad extends Counter {
      override onSave(): unknown {
        return { bars: this.bars, at: Number.NaN };
      }
    }
    const store = await openStore({ url: 'memory://' });
    const s = new Bad({});
    await node(store, 'bad', walk(20), s).run();
    expect(s.bars).toBe(20);
    expect(await store.loadStrategyState('bad', 'counter')).toBeNull();
    const events = await store.loadRiskEvents('bad');
    expect(events.some((e) => e.kind === 'strategy-error' && e.reason.includes('counter: onSave') && e.reason.includes('state.at'))).toBe(true);
    expect((await store.getRun('bad'))?.status).toBe('completed');
    await store.close();
  });
});
