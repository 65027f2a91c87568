// Bot metrics against real nodes: a paper replay with market and limit orders, denials and breaker trips,
// scraped and compared with the store and the kernel; a node on an injected clock for data staleness; a
// live node on a simulated broker whose link drops and comes back.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../core/clock.ts';
import { ReplayFeed } from '../../data/live/replay.ts';
import { LiveNode } from '../../engine/live-node.ts';
import type { Bar } from '../../model/bar.ts';
import { ALWAYS_OPEN, makeInstrument } from '../../model/instrument.ts';
import type { LiveFeed, MarketSink } from '../../data/live/feed.ts';
import type { StrategyContext } from '../../strategies/context.ts';
import { Strategy } from '../../strategies/strategy.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { randomWalk } from '../../../test/helpers/bars.ts';
import { broker, Scripted, startNode, until } from '../../../test/helpers/live-venue.ts';
import { parseSamples, samplesOf, valueOf } from '../../../test/helpers/prom-text.ts';
import { promtoolCheck, runPromtoolTests } from '../../../test/helpers/promtool.ts';
import { BotMetrics } from './bot-metrics.ts';
import { DENY_REASON_CODES } from './deny-reasons.ts';

const DAY = 86_400_000;

/** Round trips with market orders, resting limit buys canceled a few bars later, and oversized buys. */
class Churn extends Strategy<object> {
  i = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const i = this.i++;
    const pos = ctx.position('X').qty;
    if (i % 6 === 0 && pos === 0) ctx.buy('X', 100);
    else if (i % 6 === 3 && pos > 0) ctx.sell('X', pos);
    if (i % 9 === 4) ctx.buy('X', 5, { type: 'limit', limitPrice: bar.close * 0.99 });
    if (i % 9 === 8) for (const o of ctx.openOrders('X')) if (o.type === 'limit') ctx.cancel(o.id);
    if (i % 13 === 7) ctx.buy('X', 600);
  }
}

// One in-memory store for the file (opening one costs seconds); each test has its own run.
let store: Store;
beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
});
afterAll(async () => {
  await store.close();
});

/** Every scrape the tests took, for promtool at the end. */
const scrapes: string[] = [];

async function scrape(registry: Registry): Promise<ReturnType<typeof parseSamples>> {
  const text = await registry.metrics();
  scrapes.push(text);
  return parseSamples(text);
}

describe('bot metrics on a paper replay', () => {
  it('counts what the store and the kernel hold, reads gauges from the status, and detach removes only that bot', async () => {
    const registry = new Registry();
    const metrics = new BotMetrics(registry);
    const series = randomWalk(160, 11, { symbol: 'X', vol: 0.03 });
    const node = new LiveNode({
      runId: 'm1', instruments: [makeInstrument('X')], store, cash: 100_000, barMs: DAY, strategies: [{ strategy: new Churn({}), id: 'churn' }],
      risk: { maxOrderNotional: 50_000 }, breakers: { consecutiveLosses: { losses: 2, action: 'reduce-only', coolDownMs: 5 * DAY } },
      feed: new ReplayFeed({ series: [series], speed: Infinity }),
    });
    const detachA = metrics.attach('alpha', node);
    metrics.attach('beta', node);
    expect(() => metrics.attach('alpha', node)).toThrow(/attached already/);
    // Before the first bar: the configured breakers (the kill switch is on by default) at 0, no staleness yet.
    const before = await scrape(registry);
    expect(samplesOf(before, 'sextant_breaker_trips_total', { bot: 'alpha' }).map((x) => [x.labels.breaker, x.value])).toEqual([['consecutive-losses', 0], ['kill-switch', 0]]);
    expect(valueOf(before, 'sextant_fill_latency_seconds_count', { bot: 'alpha' })).toBe(0);
    expect(samplesOf(before, 'sextant_data_staleness_seconds')).toEqual([]);
    await node.run();
    node.bus.flush();
    const s = await scrape(registry);
    const a = { bot: 'alpha' };
    const orders = node.kernel.orders;
    const status = node.status();
    const fills = await store.loadFills('m1');
    const count = (st: string): number => orders.filter((o) => o.status === st).length;

    // Orders: the store holds every order, submitted or denied.
    const submitted = valueOf(s, 'sextant_orders_submitted_total', a);
    const denied = samplesOf(s, 'sextant_orders_denied_total', a);
    const deniedTotal = denied.reduce((t, x) => t + x.value, 0);
    expect(submitted).toBeGreaterThan(20);
    expect(submitted + deniedTotal).toBe(await store.countOrders('m1'));
    expect(submitted).toBe(orders.length - count('denied'));
    expect(valueOf(s, 'sextant_orders_filled_total', a)).toBe(count('filled'));
    expect(valueOf(s, 'sextant_orders_canceled_total', a)).toBe(count('canceled'));
    expect(count('canceled')).toBeGreaterThan(0);
    expect(valueOf(s, 'sextant_orders_rejected_total', a)).toBe(count('rejected'));
    expect(valueOf(s, 'sextant_orders_open', a)).toBe(status.openOrders);
    // Denials by the code that leads their reason.
    const byCode = new Map<string, number>();
    for (const o of orders.filter((x) => x.status === 'denied')) byCode.set(o.reason.split(':')[0]!, (byCode.get(o.reason.split(':')[0]!) ?? 0) + 1);
    expect(byCode.get('max-order-notional')).toBeGreaterThan(0);
    expect(byCode.get('circuit-breaker')).toBeGreaterThan(0);
    expect(Object.fromEntries(denied.filter((x) => x.value > 0).map((x) => [x.labels.reason, x.value]))).toEqual(Object.fromEntries(byCode));
    // Every code has its series from the start (at 0 until it happens).
    expect(denied.map((x) => x.labels.reason).sort()).toEqual([...DENY_REASON_CODES].sort());

    // Fills, traded value, latency and slippage against the fills in the store.
    expect(valueOf(s, 'sextant_fills_total', a)).toBe(fills.length);
    expect(fills.length).toBe(status.fills);
    expect(valueOf(s, 'sextant_traded_notional_total', a)).toBeCloseTo(fills.reduce((t, f) => t + f.qty * f.price, 0), 6);
    const byId = new Map(orders.map((o) => [o.id, o]));
    const firstFill = new Map<string, number>();
    for (const f of fills) if (!firstFill.has(f.orderId)) firstFill.set(f.orderId, f.tsMs);
    expect(valueOf(s, 'sextant_fill_latency_seconds_count', a)).toBe(firstFill.size);
    expect(valueOf(s, 'sextant_fill_latency_seconds_sum', a)).toBeCloseTo([...firstFill].reduce((t, [id, ts]) => t + (ts - byId.get(id)!.createdMs) / 1000, 0), 6);
    // A market order's reference is the close of the bar it was decided on (the node's clock is that bar's time).
    const closeAt = (ms: number): number => series.close[series.lowerBound(ms)]!;
    const market = fills.filter((f) => byId.get(f.orderId)!.type === 'market');
    const bps = market.map((f) => ((f.side === 'buy' ? 1 : -1) * (f.price - closeAt(byId.get(f.orderId)!.createdMs))) / closeAt(byId.get(f.orderId)!.createdMs) * 10_000);
    expect(valueOf(s, 'sextant_fill_slippage_bps_count', { ...a, order_type: 'market' })).toBe(market.length);
    expect(valueOf(s, 'sextant_fill_slippage_bps_sum', { ...a, order_type: 'market' })).toBeCloseTo(bps.reduce((t, x) => t + x, 0), 6);
    // A buy limit never fills above its limit: every observation is at or below 0 bps.
    const limitFills = fills.filter((f) => byId.get(f.orderId)!.type === 'limit').length;
    expect(limitFills).toBeGreaterThan(0);
    expect(valueOf(s, 'sextant_fill_slippage_bps_bucket', { ...a, order_type: 'limit', le: '0' })).toBe(limitFills);
    expect(valueOf(s, 'sextant_fill_slippage_bps_count', { ...a, order_type: 'limit' })).toBe(limitFills);

    // Gauges read from the status and the account.
    expect(valueOf(s, 'sextant_account_equity', a)).toBe(status.equity);
    expect(valueOf(s, 'sextant_account_cash', a)).toBe(status.cash);
    expect(valueOf(s, 'sextant_pnl', a)).toBe(status.pnl);
    expect(valueOf(s, 'sextant_positions_open', a)).toBe(status.positions.length);
    expect(valueOf(s, 'sextant_pnl_unrealized', a)).toBeCloseTo(status.positions.reduce((t, p) => t + p.unrealizedPnl, 0), 9);
    expect(valueOf(s, 'sextant_pnl_realized', a)).toBe(node.kernel.portfolio.realizedPnl);
    expect(valueOf(s, 'sextant_exposure_gross', a)).toBeCloseTo(status.positions.reduce((t, p) => t + Math.abs(p.qty * p.lastPrice), 0), 6);
    expect(valueOf(s, 'sextant_bars_total', a)).toBe(160);
    expect(valueOf(s, 'sextant_halted', a)).toBe(0);
    const peak = valueOf(s, 'sextant_account_equity_peak', a);
    const equityCurve = (await store.loadEquity('m1')).map((e) => e.equity);
    expect(peak).toBeGreaterThanOrEqual(Math.max(100_000, status.equity));
    expect(peak).toBeLessThanOrEqual(Math.max(...equityCurve) + 1e-9);
    expect(valueOf(s, 'sextant_drawdown_ratio', a)).toBeCloseTo((peak - status.equity) / peak, 12);
    // Breakers: trips as the kernel recorded them.
    const trips = node.kernel.riskEvents.filter((e) => e.kind === 'breaker-tripped').length;
    expect(trips).toBeGreaterThan(0);
    expect(valueOf(s, 'sextant_breaker_trips_total', { ...a, breaker: 'consecutive-losses' })).toBe(trips);
    const lastBreaker = node.kernel.riskEvents.at(-1)!;
    expect(valueOf(s, 'sextant_breaker_tripped', { ...a, breaker: 'consecutive-losses' })).toBe(lastBreaker.kind === 'breaker-tripped' ? 1 : 0);
    // Paper: no venue link; a fresh run corrected nothing.
    expect(samplesOf(s, 'sextant_venue_connection_state', a)).toEqual([]);
    expect(valueOf(s, 'sextant_reconciliation_corrections_total', { ...a, source: 'positions' })).toBe(0);
    expect(valueOf(s, 'sextant_bus_messages_dropped_total', a)).toBe(0);
    // Each bot's watch is one queued subscriber to every topic: delivered outside the publishing call stack.
    const watches = node.bus.stats().filter((x) => x.name === 'metrics');
    expect(watches.map((x) => x.topic)).toEqual(['*', '*']);
    expect(watches[0]!.delivered).toBeGreaterThan(160 + submitted);
    expect(valueOf(s, 'sextant_strategy_errors_total', a)).toBe(0);

    // The operator's halt shows at the next scrape.
    await node.kill({ reason: 'test' });
    expect(valueOf(await scrape(registry), 'sextant_halted', a)).toBe(1);

    // Detach: every series of alpha is gone, beta's are untouched.
    detachA();
    detachA();
    const after = await scrape(registry);
    expect(after.filter((x) => x.labels.bot === 'alpha')).toEqual([]);
    expect(valueOf(after, 'sextant_orders_submitted_total', { bot: 'beta' })).toBe(submitted);
    expect(valueOf(after, 'sextant_fill_latency_seconds_count', { bot: 'beta' })).toBe(firstFill.size);
    expect(metrics.bots).toEqual(['beta']);
  });

  it('data staleness is the node clock minus the close of the last bar, absent before any bar', async () => {
    const registry = new Registry();
    const metrics = new BotMetrics(registry);
    const MIN = 60_000;
    const series = randomWalk(5, 3, { symbol: 'X', stepMs: MIN });
    const clock = new SimulatedClock(series.time[0]!);
    const node = new LiveNode({
      runId: 'm2', instruments: [makeInstrument('X')], store, barMs: MIN, clock, strategies: [{ strategy: new Churn({}), id: 'churn' }],
      feed: new ReplayFeed({ series: [series], speed: Infinity }),
    });
    metrics.attach('b', node);
    expect(samplesOf(await scrape(registry), 'sextant_data_staleness_seconds')).toEqual([]);
    await node.run();
    clock.advanceTo(series.time[4]! + MIN + 42_500);
    expect(valueOf(await scrape(registry), 'sextant_data_staleness_seconds', { bot: 'b' })).toBe(42.5);
  });
});

/** Buys 100 X on its first bar and holds. */
class BuyOnce extends Strategy<object> {
  done = false;
  override onBar(_bar: Bar, ctx: StrategyContext): void {
    if (this.done) return;
    this.done = true;
    ctx.buy('X', 100);
  }
}

/** A feed the test pushes bars into (open time, one price for open, high, low and close). */
class Push implements LiveFeed {
  readonly name = 'push';
  sink: MarketSink | null = null;
  #end: (() => void) | null = null;
  start(sink: MarketSink): Promise<void> {
    this.sink = sink;
    return new Promise((r) => (this.#end = r));
  }
  stop(): void {
    this.#end?.();
  }
  async bar(symbol: string, tsMs: number, price: number): Promise<void> {
    this.sink!.onBar(symbol, tsMs, price, price, price, price, 1000);
    await this.sink!.settled?.();
  }
}

describe('the day\'s PnL, loss limits and data staleness in session', () => {
  it('measures from the last equity before the UTC day began, exports the equity breakers\' limits, and counts staleness only while a market is open', async () => {
    const registry = new Registry();
    const metrics = new BotMetrics(registry);
    const HOUR = 3_600_000;
    // Tuesday 2024-01-02, 21:00 UTC (16:00 in New York: the equity market has just closed).
    const T = Date.UTC(2024, 0, 2, 21);
    const clock = new SimulatedClock(T);
    const feed = new Push();
    const node = new LiveNode({
      runId: 'm3', instruments: [makeInstrument('X', { assetClass: 'crypto', calendar: ALWAYS_OPEN }), makeInstrument('E')], store, cash: 100_000, barMs: HOUR, clock,
      strategies: [{ strategy: new BuyOnce({}), id: 'buy' }], feed,
      breakers: { dailyLoss: { maxLossPct: 20 }, maxDrawdown: { maxDrawdownPct: 7.5 } },
    });
    metrics.attach('d', node);
    await node.restore();
    const trading = node.trade();
    await until(() => feed.sink !== null, 'feed started');
    const b = { bot: 'd' };
    const read = async (): Promise<ReturnType<typeof parseSamples>> => parseSamples(await registry.metrics());
    // One scrape for promtool (every new family has samples); the rest read the registry directly.
    let s = await scrape(registry);
    expect(samplesOf(s, 'sextant_breaker_limit_ratio', b).map((x) => [x.labels.breaker, x.value])).toEqual([['daily-loss', 0.2], ['max-drawdown', 0.075]]);
    expect(valueOf(s, 'sextant_bar_interval_seconds', b)).toBe(3600);
    expect(valueOf(s, 'sextant_pnl_daily', b)).toBe(0);
    expect(valueOf(s, 'sextant_data_session_staleness_seconds', b)).toBe(0);

    // Day 1: buy 100 X at 100 (filled at the next bar's open), then the day's last scrape.
    await feed.bar('X', T, 100);
    clock.advanceTo(T + HOUR);
    await feed.bar('X', T + HOUR, 100);
    node.bus.flush();
    expect(node.status().positions.map((p) => p.qty)).toEqual([100]);
    clock.advanceTo(Date.UTC(2024, 0, 2, 23, 59));
    s = await read();
    const e1 = node.status().equity;
    expect(valueOf(s, 'sextant_pnl_daily', b)).toBeCloseTo(e1 - 100_000, 9);
    // X's last bar closed at 23:00; E has no bar and its market is closed: only X counts.
    expect(valueOf(s, 'sextant_data_session_staleness_seconds', b)).toBe(59 * 60);

    // Day 2: X opens at 90. The day starts from the last equity of day 1.
    const D2 = Date.UTC(2024, 0, 3);
    clock.advanceTo(D2 + HOUR);
    await feed.bar('X', D2, 90);
    node.bus.flush();
    s = await read();
    const e2 = node.status().equity;
    expect(e1 - e2).toBeCloseTo(1000, 6);
    expect(valueOf(s, 'sextant_pnl_daily', b)).toBeCloseTo(e2 - e1, 9);
    expect(valueOf(s, 'sextant_daily_loss_ratio', b)).toBeCloseTo((e1 - e2) / e1, 12);
    expect(valueOf(s, 'sextant_data_session_staleness_seconds', b)).toBe(0);

    // 14:30 UTC = 09:30 in New York: E's market opens, seen at this scrape; 30 minutes later E has had no bar.
    clock.advanceTo(Date.UTC(2024, 0, 3, 14, 30));
    expect(valueOf(await read(), 'sextant_data_session_staleness_seconds', b)).toBe((14.5 - 1) * 3600);
    await feed.bar('X', Date.UTC(2024, 0, 3, 14), 90);
    node.bus.flush();
    clock.advanceTo(Date.UTC(2024, 0, 3, 15, 10));
    // X's last bar closed at 15:00 (10 minutes), E has had nothing since the opening (40 minutes).
    expect(valueOf(await read(), 'sextant_data_session_staleness_seconds', b)).toBe(40 * 60);
    await node.stop();
    await trading;
  });
});

describe('bot metrics on a live node', () => {
  it('follows the broker link: its state, lost connections and reconnects; feed statuses count feed errors and reconnects', async () => {
    const registry = new Registry();
    const metrics = new BotMetrics(registry);
    const b = broker();
    const { node, done } = await startNode(store, b, new Scripted({}));
    metrics.attach('live', node);
    const l = { bot: 'live' };
    let s = await scrape(registry);
    expect(valueOf(s, 'sextant_venue_connection_state', { ...l, state: 'connected' })).toBe(1);
    expect(valueOf(s, 'sextant_venue_connection_state', { ...l, state: 'reconnecting' })).toBe(0);
    expect(valueOf(s, 'sextant_reconciliation_corrections_total', { ...l, source: 'venue' })).toBe(0);
    expect(valueOf(s, 'sextant_venue_commands_rejected_total', l)).toBe(0);

    b.venue.dropConnection();
    await until(() => node.status().venue?.connection === 'reconnecting', 'link dropped');
    s = await scrape(registry);
    expect(valueOf(s, 'sextant_venue_connection_state', { ...l, state: 'reconnecting' })).toBe(1);
    expect(valueOf(s, 'sextant_venue_errors_total', { ...l, kind: 'connection_lost' })).toBe(1);
    expect(samplesOf(s, 'sextant_reconnects_total', { ...l, link: 'venue' })[0]!.value).toBe(0);
    b.venue.restoreConnection();
    s = await scrape(registry);
    expect(valueOf(s, 'sextant_venue_connection_state', { ...l, state: 'connected' })).toBe(1);
    expect(valueOf(s, 'sextant_reconnects_total', { ...l, link: 'venue' })).toBe(1);

    for (const kind of ['connected', 'disconnected', 'connected', 'stale', 'fresh', 'backfilled', 'constructor', 'toString']) metrics.feedStatus('live', kind);
    metrics.feedStatus('no-such-bot', 'disconnected');
    s = await scrape(registry);
    expect(valueOf(s, 'sextant_reconnects_total', { ...l, link: 'feed' })).toBe(1);
    expect(valueOf(s, 'sextant_venue_errors_total', { ...l, kind: 'feed_disconnected' })).toBe(1);
    expect(valueOf(s, 'sextant_venue_errors_total', { ...l, kind: 'feed_stale' })).toBe(1);
    expect(samplesOf(s, 'sextant_venue_errors_total', l).filter((x) => x.value > 0).map((x) => x.labels.kind).sort()).toEqual(['connection_lost', 'feed_disconnected', 'feed_stale']);
    expect(samplesOf(s, 'sextant_venue_errors_total', l)).toHaveLength(8);
    await node.stop();
    await done;
  });
});

describe('the bots\' scrapes', () => {
  it.runIf(runPromtoolTests)('pass promtool check metrics with no lint problems', () => {
    // The scrapes of the tests above: every family with samples, paper and live.
    expect(scrapes.length).toBeGreaterThanOrEqual(8);
    for (const text of scrapes) expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });
});
