// Paper trading in process: a replay gives exactly the backtest's result (with the same default
// settings); a replay without --run never touches the live run; a resumed run must be asked for as it
// was started; the live synthetic market trades several strategies with their allocations; the kill
// switch halts, cancels and flattens; a --duration above setTimeout's limit does not fire at once.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RealClock } from '../src/core/clock.ts';
import { runBacktest } from '../src/app/backtest.ts';
import { instrumentFor, startPaper } from '../src/app/paper.ts';
import { runPaper } from '../src/app/paper-console.ts';
import { readStatus } from '../src/app/status.ts';
import { planPaperRun, type PaperRunAsk } from '../src/app/paper-runs.ts';
import { ConfigError } from '../src/core/errors.ts';
import { loadMarketData } from '../src/app/market-data.ts';
import { ReplayFeed } from '../src/data/live/replay.ts';
import { SyntheticLiveFeed } from '../src/data/live/synthetic-live.ts';
import { FractionCommission } from '../src/execution/commission.ts';
import { LiveNode } from '../src/engine/live-node.ts';
import { openStore } from '../src/store/open.ts';
import type { Store } from '../src/store/store.ts';
import { BuyAndHold } from '../src/strategies/builtin/buy-and-hold.ts';
import { SmaCross } from '../src/strategies/builtin/sma-cross.ts';
import { writeWalkCsv } from './helpers/bars.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-paper-'));
/**
 * One state folder for the runs that need no store of their own (each its own run id): opening a store that exists
 * costs about half of making a new one. The tests that need a store to themselves (the latest run, the default run
 * 'paper' made by hand) keep theirs.
 */
const shared = join(dir, 'shared');
/**
 * The store of the nodes built here by hand (the replay and the kill switch, runs of their own), opened once: a new
 * folder costs less to open than an in-memory store (which loads a whole cluster image).
 */
let nodeStore: Store | undefined;
const storeForNodes = async (): Promise<Store> => (nodeStore ??= await openStore({ dir: join(dir, 'nodes-db'), env: {} }));
afterAll(async () => {
  await nodeStore?.close();
});

function csv(name: string, n: number, seed: number): string {
  return writeWalkCsv(join(dir, name), n, seed, Date.UTC(2010, 0, 4));
}

describe('paper trading', () => {
  it('replaying history gives exactly the backtest (same fills, same final value)', async () => {
    const path = csv('replay.csv', 300, 3);
    const bt = await runBacktest({ strategy: 'sma-cross', data: [`csv:${path}`], commission: 0.001, benchmark: false });
    expect(bt.fills.length).toBeGreaterThan(4);
    const store = await storeForNodes();
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
  });

  it('restores positions and resumes a replay after a stop, ending where an uninterrupted run ends', async () => {
    const path = csv('resume.csv', 200, 8);
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
    const dbDir = join(shared, 'db');
    let store = await openStore({ dir: dbDir, env: {} });
    await make(store, 75).run();
    await store.close();
    store = await openStore({ dir: dbDir, env: {} });
    const second = make(store);
    await second.run();
    expect(second.status().restored?.fills).toBe(1);
    expect(second.status().barsSeen).toBe(125);
    const fills = await store.loadFills('resume');
    expect(fills).toHaveLength(1);
    const close = market.series[0]!.close[199]!;
    expect(second.status().equity).toBeCloseTo(fills[0]!.qty * close + (100_000 - fills[0]!.qty * fills[0]!.price), 6);
    await store.close();
  });

  it('trades several strategies with their allocations on the live synthetic market and stores it all', async () => {
    const stateDir = shared;
    const session = await startPaper({ strategies: ['buy-and-hold:20000', 'sma-cross:30000'], symbols: ['BTC-USD', 'ETH-USD'], barMs: 100, tickMs: 25, durationSec: 1.5, stateDir, runId: 'live' });
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
    const stateDir = shared;
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
    // A run the store does not hold cannot be resumed from its id: it needs its strategies.
    await expect(startPaper({ strategies: [], stateDir, runId: 'none' })).rejects.toThrow(/--strategy is required/);
  });

  it('the kill switch halts new orders, cancels working ones and flattens positions', async () => {
    const store = await storeForNodes();
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
  });

  it('a default replay ends where a default backtest ends: one set of defaults, printed on the start line', async () => {
    const path = csv('defaults.csv', 250, 21);
    const bt = await runBacktest({ strategy: 'sma-cross', data: [`csv:${path}`], benchmark: false });
    expect(bt.fills.length).toBeGreaterThan(4);
    const stateDir = shared;
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPaper({ strategies: ['sma-cross'], replay: `csv:${path}`, speed: Infinity, stateDir }, { out: (l) => out.push(l), err: (l) => err.push(l), signals: false });
    expect(code).toBe('completed');
    expect(err).toEqual([]);
    expect(out[0]).toMatch(/^new paper run "replay-\d{8}-\d{6}"/);
    expect(out[0]).toContain('cash 100000, commission 0, size pct-cash:95, market orders fill at the next open');
    expect(out[1]).toBe('no bar yet equity 100000.00 pnl +0.00 | bars 0 | orders 0 fills 0 open 0 | flat');
    expect(out.at(-1)).toMatch(/^run "replay-\d{8}-\d{6}" completed: 250 bars processed$/);
    const runId = /"(replay-[^"]+)"/.exec(out[0]!)![1]!;
    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    const fills = await store.loadFills(runId);
    expect(fills.map((f) => [f.side, f.qty, f.price, f.commission])).toEqual(bt.fills.map((f) => [f.side, f.qty, f.price, f.commission]));
    const equity = await store.loadEquity(runId);
    expect(equity.at(-1)?.equity).toBe(bt.finalValue);
    expect((await store.getRun(runId))?.config).toMatchObject({ cash: 100_000, commission: 0, size: 'pct-cash:95', replay: `csv:${path}` });
    await store.close();
  });

  it('a replay without --run gets a new run of its own and leaves the live run alone', async () => {
    const path = csv('own-run.csv', 150, 5);
    const stateDir = join(dir, 'own-run');
    const live = await startPaper({ strategies: ['buy-and-hold'], symbols: ['BTC-USD'], barMs: 50, tickMs: 10, durationSec: 0.6, stateDir });
    expect(live.plan.runId).toBe('paper');
    await live.done;
    const liveFills = live.node.status().fills;
    expect(liveFills).toBe(1);
    const ids: string[] = [];
    for (let k = 0; k < 2; k++) {
      const r = await startPaper({ strategies: ['rsi'], replay: `csv:${path}`, speed: Infinity, stateDir });
      expect(r.plan.resumed).toBeNull();
      await r.done;
      expect(r.node.status().barsSeen).toBe(150);
      ids.push(r.plan.runId);
    }
    expect(ids[0]).toMatch(/^replay-\d{8}-\d{6}(-\d+)?$/);
    expect(new Set(ids).size).toBe(2);
    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    const paper = await store.getRun('paper');
    expect(paper?.status).toBe('stopped');
    expect((paper?.config as { replay: unknown }).replay).toBeNull();
    expect(await store.loadFills('paper')).toHaveLength(liveFills);
    const replayFills = await store.loadFills(ids[1]!);
    await store.close();
    // `sextant status`: the latest run by default, any run by id, counted from that run's rows alone.
    const latest = await readStatus({ stateDir });
    expect(latest).toMatchObject({ source: 'store', runId: ids[1], runStatus: 'completed', fills: replayFills.length });
    expect(latest.orders).toBeGreaterThanOrEqual(replayFills.length);
    const paperStatus = await readStatus({ stateDir, runId: 'paper' });
    expect(paperStatus).toMatchObject({ runId: 'paper', runStatus: 'stopped', orders: 1, fills: 1 });
    expect(paperStatus.positions).toEqual([expect.objectContaining({ strategyId: 'buy-and-hold', symbol: 'BTC-USD' })]);
    expect(paperStatus.positions[0]!.qty).toBeGreaterThan(0);
    // A run the store does not hold is bad input naming --run and listing the runs it does hold.
    const nope = await readStatus({ stateDir, runId: 'nope' }).catch((e: unknown) => e);
    expect(nope).toBeInstanceOf(Error);
    expect((nope as Error).message).toMatch(/no run "nope" in .*runs: .*paper/);
    expect(nope).toMatchObject({ where: { field: '--run' } });
  });

  it('status of a folder that holds no store is bad input naming --state-dir, and creates nothing there', async () => {
    const empty = join(dir, 'no-store-here');
    await expect(readStatus({ stateDir: empty })).rejects.toBeInstanceOf(ConfigError);
    await expect(readStatus({ stateDir: empty })).rejects.toMatchObject({ where: { field: '--state-dir' } });
    expect(existsSync(empty)).toBe(false);
  });

  it('resuming a run with other data, strategies or money settings is an error naming the flag; an exhausted replay warns', async () => {
    const path = csv('mismatch.csv', 200, 9);
    const other = csv('other.csv', 200, 10);
    const stateDir = join(dir, 'mismatch');
    const first = await startPaper({ strategies: ['rsi'], replay: `csv:${path}`, speed: Infinity, stateDir, runId: 'r1', commission: 0.002 });
    await first.done;
    const asks: [Partial<PaperRunAsk>, string, RegExp][] = [
      [{ replay: `csv:${other}` }, '--replay', /run "r1" was started with --replay csv:.*mismatch\.csv; this command asks for --replay csv:.*other\.csv/],
      [{ strategies: ['sma-cross'] }, '--strategy', /started with --strategy rsi; this command asks for --strategy sma-cross/],
      [{ params: { period: '7' } }, '--param', /started with no --param; this command asks for --param period=7/],
      [{ commission: 0 }, '--commission', /started with --commission 0\.002/],
      [{ cash: 5000 }, '--cash', /started with --cash 100000/],
      [{ symbols: ['BTC-USD'] }, '--symbols', /--symbols applies to the live synthetic market/],
      [{ asset: 'crypto' }, '--asset', /started with --asset equity; this command asks for --asset crypto/],
      [{ instrument: ['multiplier=10'] }, '--instrument', /started with no --instrument; this command asks for --instrument multiplier=10/],
      [{ timeframe: '1w' }, '--timeframe', /started with the data's own bars; this command asks for --timeframe 1w/],
    ];
    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    await store.startRun({ id: 'paper', kind: 'paper', config: { strategies: ['rsi'], params: {}, symbols: ['BTC-USD'], replay: null, barMs: 1000, cash: 100_000, commission: 0, size: 'pct-cash:95' } });
    asks.push([{ runId: 'paper', replay: `csv:${path}`, strategies: ['rsi'] }, '--replay', /run "paper" was started with the live synthetic market; this command asks for --replay/]);
    asks.push([{ runId: 'paper', symbols: ['ETH-USD'] }, '--symbols', /started with --symbols BTC-USD; this command asks for --symbols ETH-USD/]);
    asks.push([{ runId: 'paper', barMs: 50 }, '--bar-ms', /started with --bar-ms 1000/]);
    asks.push([{ runId: 'paper', timeframe: '1h' }, '--timeframe', /--timeframe resamples a replay's data/]);
    for (const [ask, field, message] of asks) {
      const e = await planPaperRun({ strategies: [], runId: 'r1', ...ask }, store).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).where).toEqual({ field });
      expect((e as Error).message).toMatch(message);
    }
    // The same flags, or none, resume each run as it was started.
    expect(await planPaperRun({ strategies: ['rsi'], runId: 'r1', replay: `csv:${path}`, commission: 0.002 }, store)).toMatchObject({ replay: `csv:${path}`, commission: 0.002, cash: 100_000 });
    expect(await planPaperRun({ strategies: [] }, store)).toMatchObject({ runId: 'paper', strategies: ['rsi'], symbols: ['BTC-USD'], barMs: 1000, commission: 0 });
    await store.close();
    // Resumed as it was (flags left out), a finished replay has nothing left: it says so.
    const err: string[] = [];
    const out: string[] = [];
    const code = await runPaper({ strategies: [], stateDir, runId: 'r1', speed: Infinity }, { out: (l) => out.push(l), err: (l) => err.push(l), signals: false });
    expect(code).toBe('completed');
    expect(out[0]).toMatch(/^resuming paper run "r1" \(restored \d+ fills/);
    expect(out[0]).toContain('commission 0.002');
    expect(err).toEqual([expect.stringMatching(/^warning: processed 0 bars: run "r1" had already replayed every bar of csv:.*mismatch\.csv/)]);
  });

  it('rejects out-of-range timers, and a 30-day --duration keeps running (setTimeout alone fired it after 1 ms)', async () => {
    const stateDir = shared;
    for (const [ask, field] of [[{ durationSec: 0 }, '--duration'], [{ tickMs: 2 ** 31 }, '--tick-ms'], [{ barMs: 0.5 }, '--bar-ms'], [{ speed: 0.5 }, '--speed']] as const) {
      const e = await startPaper({ strategies: ['rsi'], stateDir, ...ask }).catch((x: unknown) => x);
      expect((e as ConfigError).where).toEqual({ field });
    }
    const session = await startPaper({ strategies: ['buy-and-hold'], symbols: ['BTC-USD'], barMs: 50, tickMs: 10, durationSec: 30 * 86_400, stateDir });
    let ended = false;
    void session.done.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(ended).toBe(false);
    expect(session.node.status().barsSeen).toBeGreaterThan(0);
    await session.stop();
    await session.done;
    expect(ended).toBe(true);
  });

  it('a live session that saw no bar warns instead of reporting a silent success', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPaper({ strategies: ['rsi'], symbols: ['BTC-USD'], barMs: 60_000, tickMs: 10, durationSec: 0.4, stateDir: shared, runId: 'quiet' }, { out: (l) => out.push(l), err: (l) => err.push(l), signals: false });
    expect(code).toBe('completed');
    expect(out[0]).toContain('live synthetic market BTC-USD (bars 60000 ms, ticks 10 ms)');
    expect(out.at(-1)).toBe('run "quiet" stopped: 0 bars processed; `sextant paper --run quiet` resumes it');
    expect(err).toEqual(['warning: processed 0 bars: no 60000 ms bar completed before the run stopped (equities trade only in NYSE hours; --always-open trades them around the clock)']);
  });
});
