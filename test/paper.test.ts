// Paper trading in process: a replay gives exactly the backtest's result; the live synthetic market
// trades several strategies with their allocations; the kill switch halts, cancels and flattens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RealClock } from '../src/core/clock.ts';
import { Rng } from '../src/core/rng.ts';
import { runBacktest } from '../src/app/backtest.ts';
import { instrumentFor, startPaper } from '../src/app/paper.ts';
import { loadMarketData } from '../src/app/market-data.ts';
import { ReplayFeed } from '../src/data/live/replay.ts';
import { SyntheticLiveFeed } from '../src/data/live/synthetic-live.ts';
import { FractionCommission } from '../src/execution/commission.ts';
import { LiveNode } from '../src/engine/live-node.ts';
import { openStore } from '../src/store/open.ts';
import { BuyAndHold } from '../src/strategies/builtin/buy-and-hold.ts';
import { SmaCross } from '../src/strategies/builtin/sma-cross.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-paper-'));

function csv(name: string, n: number, seed: number): string {
  const rng = new Rng(seed);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let p = 50;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = Math.max(1, p * Math.exp(0.02 * rng.normal()));
    const d = new Date(Date.UTC(2010, 0, 4) + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${d},${o.toFixed(2)},${(Math.max(o, p) * 1.01).toFixed(2)},${(Math.min(o, p) * 0.99).toFixed(2)},${p.toFixed(2)},50000`);
  }
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

describe('paper trading', () => {
  it('replaying history gives exactly the backtest (same fills, same final value)', async () => {
    const path = csv('replay.csv', 600, 3);
    const bt = await runBacktest({ strategy: 'sma-cross', data: [`csv:${path}`], commission: 0.001, benchmark: false });
    const store = await openStore({ url: 'memory://' });
    const market = loadMarketData([`csv:${path}`], { skipBadRows: false });
    const node = new LiveNode({
      runId: 'replay', instruments: market.instruments, strategies: [{ strategy: new SmaCross({ fast: 10, slow: 30 }), id: 'sma-cross' }],
      feed: new ReplayFeed({ series: market.series, speed: Infinity }), store, cash: 100_000, venue: { commission: new FractionCommission(0.001) },
    });
    await node.run();
    const s = node.status();
    expect(s.equity).toBe(bt.finalValue);
    const fills = await store.loadFills('replay');
    expect(fills.map((f) => [f.side, f.qty, f.price])).toEqual(bt.fills.map((f) => [f.side, f.qty, f.price]));
    expect((await store.getRun('replay'))?.status).toBe('completed');
    await store.close();
  });

  it('restores positions and resumes a replay after a stop, ending where an uninterrupted run ends', async () => {
    const path = csv('resume.csv', 400, 8);
    const market = loadMarketData([`csv:${path}`], { skipBadRows: false });
    const make = (store: Awaited<ReturnType<typeof openStore>>, stopAfter?: number): LiveNode => {
      let bars = 0;
      const node: LiveNode = new LiveNode({
        runId: 'resume', instruments: market.instruments, store, cash: 100_000,
        strategies: [{ strategy: new BuyAndHold({}), id: 'bh' }],
        feed: (from) => {
          const f = new ReplayFeed({ series: market.series, speed: Infinity, fromMs: Number.isFinite(from) ? from + 1 : undefined });
          return {
            name: 'counted', stop: () => f.stop(),
            start: (sink) => f.start({ ...sink, onBar: (...a) => { sink.onBar(...a); if (++bars === stopAfter) void node.stop(); }, onQuote: (q) => sink.onQuote(q), onTrade: (t) => sink.onTrade(t), settled: () => sink.settled?.() ?? null }),
          };
        },
      });
      return node;
    };
    const dbDir = join(dir, 'resume-db');
    let store = await openStore({ dir: dbDir, env: {} });
    await make(store, 150).run();
    await store.close();
    store = await openStore({ dir: dbDir, env: {} });
    const second = make(store);
    await second.run();
    expect(second.status().restored?.fills).toBe(1);
    expect(second.status().barsSeen).toBe(250);
    const fills = await store.loadFills('resume');
    expect(fills).toHaveLength(1);
    const close = market.series[0]!.close[399]!;
    expect(second.status().equity).toBeCloseTo(fills[0]!.qty * close + (100_000 - fills[0]!.qty * fills[0]!.price), 6);
    await store.close();
  });

  it('trades several strategies with their allocations on the live synthetic market and stores it all', async () => {
    const stateDir = join(dir, 'live');
    const session = await startPaper({ strategies: ['buy-and-hold:20000', 'sma-cross:30000'], symbols: ['BTC-USD', 'ETH-USD'], barMs: 50, tickMs: 10, durationSec: 1.5, stateDir, runId: 'live' });
    await session.done;
    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    const fills = await store.loadFills('live');
    expect(fills.filter((f) => f.strategyId === 'buy-and-hold').length).toBe(2);
    const spent = fills.filter((f) => f.strategyId === 'buy-and-hold').reduce((s, f) => s + f.qty * f.price, 0);
    expect(spent).toBeLessThanOrEqual(20_000);
    expect(spent).toBeGreaterThan(15_000);
    expect((await store.loadEquity('live')).length).toBeGreaterThan(0);
    expect((await store.getRun('live'))?.status).toBe('stopped');
    await store.close();
  });

  it('resumes a stored run from its id alone: the same strategies, allocations and symbols', async () => {
    const stateDir = join(dir, 'resume-run');
    const first = await startPaper({ strategies: ['buy-and-hold:20000'], symbols: ['BTC-USD', 'SOL-USD'], barMs: 50, tickMs: 10, durationSec: 1, stateDir, runId: 'again' });
    await first.done;
    const second = await startPaper({ strategies: [], durationSec: 0.5, stateDir, runId: 'again', tickMs: 10 });
    expect(second.node.status().restored?.fills).toBe(2);
    await second.done;
    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    const fills = await store.loadFills('again');
    // buy-and-hold sees its restored positions and does not buy again.
    expect(fills.map((f) => f.symbol).sort()).toEqual(['BTC-USD', 'SOL-USD']);
    expect(new Set(fills.map((f) => f.strategyId))).toEqual(new Set(['buy-and-hold']));
    await store.close();
    await expect(startPaper({ strategies: [], stateDir: join(dir, 'nothing-stored'), runId: 'none' })).rejects.toThrow(/--strategy is required/);
  });

  it('the kill switch halts new orders, cancels working ones and flattens positions', async () => {
    const store = await openStore({ url: 'memory://' });
    const instruments = [instrumentFor('BTC-USD', 0)];
    const feed = new SyntheticLiveFeed({ instruments, clock: new RealClock(), seed: 1, tickMs: 10, barMs: 40, alwaysOpen: true });
    const node = new LiveNode({ runId: 'kill', instruments, strategies: [{ strategy: new BuyAndHold({}), id: 'bh' }], feed, store, clock: new RealClock(), cash: 50_000, matchOn: 'quotes', barMs: 40 });
    const running = node.run();
    for (let i = 0; i < 100 && node.status().positions.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(node.status().positions).toHaveLength(1);
    await node.kill({ flatten: true });
    for (let i = 0; i < 100 && node.status().positions.length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(node.status().positions).toHaveLength(0);
    expect(node.status().halted).toBe(true);
    const denied = node.kernel.submit('bh', { symbol: 'BTC-USD', side: 'buy', type: 'market', qty: 1 });
    expect(denied?.status).toBe('denied');
    await node.stop();
    await running;
    expect((await store.loadRiskEvents('kill')).some((e) => e.kind === 'kill-switch')).toBe(true);
    expect(await store.getSetting('halted:kill')).toBe(true);
    await store.close();
  });
});
