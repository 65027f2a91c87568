// A trailing stop across a paper restart: the store keeps its offset and the level it has reached (orders
// table, trail_kind/trail_value/trail_stop), the restarted node sends it again from there, and its level bar
// by bar, and the fills, equal those of an uninterrupted run. On PGlite, and on Postgres when one answers.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Rng } from '../core/rng.ts';
import { ReplayFeed } from '../data/live/replay.ts';
import { BarSeries, type Bar } from '../model/bar.ts';
import { makeInstrument } from '../model/instrument.ts';
import type { StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { postgresForTests, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { LiveNode } from './live-node.ts';

const DAY = 86_400_000;

function walk(n: number): BarSeries {
  const rng = new Rng(7);
  let p = 50;
  return BarSeries.fromBars('XYZ', Array.from({ length: n }, (_, i) => {
    const o = p;
    p *= Math.exp(0.02 * rng.normal());
    return { tsEventMs: Date.UTC(2020, 0, 1) + i * DAY, open: o, high: Math.max(o, p) * 1.01, low: Math.min(o, p) * 0.99, close: p, volume: 1e5 };
  }), DAY);
}

/** Buys when flat with nothing working, then protects the position with a trailing stop (4% or 1.5 by turns). */
class Trailer extends Strategy<object> {
  entries = 0;
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    if (ctx.openOrders('XYZ').length > 0) return;
    const qty = ctx.position('XYZ').qty;
    if (qty === 0) ctx.buy('XYZ', 10);
    else ctx.submit({ symbol: 'XYZ', side: 'sell', type: 'trailing-stop', qty, trailing: this.entries++ % 2 === 0 ? { kind: 'percent', value: 4 } : { kind: 'amount', value: 1.5 } });
  }
  override onSave(): unknown {
    return { entries: this.entries };
  }
  override onLoad(state: unknown): void {
    this.entries = (state as { entries: number }).entries;
  }
}

/** Each bar's [time, level of the working trailing stop] and the run's fills. */
async function run(store: Store, runId: string, series: BarSeries, levels: [number, number | null][], stopAfter?: number): Promise<LiveNode> {
  let bars = 0;
  const n: LiveNode = new LiveNode({
    runId, instruments: [makeInstrument('XYZ')], store, cash: 100_000, strategies: [{ strategy: new Trailer({}), id: 'trailer' }],
    feed: (from) => new ReplayFeed({ series: [series], speed: Infinity, fromMs: Number.isFinite(from) ? from + 1 : undefined }),
  });
  n.afterBar = () => {
    const t = n.kernel.orders.find((o) => o.type === 'trailing-stop' && o.isOpen);
    levels.push([n.node.clock.nowMs(), t?.stopPrice ?? null]);
    if (++bars === stopAfter) void n.stop();
  };
  await n.run();
  return n;
}

const fills = async (store: Store, runId: string): Promise<unknown[]> => (await store.loadFills(runId)).map((f) => [f.side, f.qty, f.price, f.tsMs]);

const pgUp = await postgresForTests('trailing stop across a paper restart');
const schema = `sextant_trail_${process.pid}`;
afterAll(async () => {
  if (!pgUp) return;
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
});

const stores: [string, () => Promise<Store>][] = [['PGlite', () => openStore({ url: 'memory://' })]];
if (pgUp) stores.push(['Postgres', () => openStore({ url: TEST_PG_URL, schema })]);

describe.each(stores)('a trailing stop across a paper restart (%s)', (_name, open) => {
  it.each([17, 40, 63])('a replay stopped near bar %i (a trailing stop working) resumes with the level it had: levels and fills as uninterrupted', async (near) => {
    const series = walk(120);
    const store = await open();
    const tag = `${near}-${process.pid}`;
    const whole: [number, number | null][] = [];
    await run(store, `whole-${tag}`, series, whole);
    // The run trails and stops out several times, by a percent and by an amount.
    const wholeFills = await fills(store, `whole-${tag}`);
    expect(wholeFills.filter((f) => (f as string[])[0] === 'sell').length).toBeGreaterThanOrEqual(4);

    // Stopped after the first bar from `near` on that ends with a trailing stop working and trailed past its first level.
    const at = whole.findIndex(([, level], i) => i + 1 >= near && level !== null && whole[i - 1]?.[1] !== null && whole[i - 1]?.[1] !== level);
    expect(at).toBeGreaterThan(0);
    const resumed: [number, number | null][] = [];
    await run(store, `resumed-${tag}`, series, resumed, at + 1);
    const open1 = await store.loadOpenOrders(`resumed-${tag}`);
    const trailing = open1.find((o) => o.type === 'trailing-stop');
    expect(trailing).toBeDefined();
    // The row holds the offset and the level as of the last bar before the stop.
    expect(trailing!.trailKind).toMatch(/amount|percent/);
    expect(trailing!.trailStop).toBe(resumed.at(-1)![1]);
    await run(store, `resumed-${tag}`, series, resumed);
    expect(resumed).toEqual(whole);
    expect(await fills(store, `resumed-${tag}`)).toEqual(wholeFills);
    await store.close();
  });
});
