// Issue 17's "done when" for the reports: a paper replay of several strategies over two symbols, across the
// 2024 year end, in process on an in-memory store; then the blotter's totals equal the run's stored fills, the
// 13F table's values equal the positions at the quarter end's closes (recomputed here from the fills), the XML
// passes the schema, and the TCA's arrival prices and average fills are those of the bars and fills.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { readFileSync } from 'node:fs';
import { BlotterSchema, Form13fSchema, TcaSchema } from '../../src/app/dto/index.ts';
import { buildBlotter } from '../../src/app/reports/blotter.ts';
import { buildForm13f, informationTableXml } from '../../src/app/reports/form13f.ts';
import { loadReference } from '../../src/app/reports/reference.ts';
import { readRunRecords, type RunRecords } from '../../src/app/reports/run-records.ts';
import { buildTca } from '../../src/app/reports/tca.ts';
import { ReplayFeed } from '../../src/data/live/replay.ts';
import { LiveNode } from '../../src/engine/live-node.ts';
import { FractionCommission } from '../../src/execution/commission.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { BuyAndHold } from '../../src/strategies/builtin/buy-and-hold.ts';
import { RsiStrategy } from '../../src/strategies/builtin/rsi.ts';
import { SmaCross } from '../../src/strategies/builtin/sma-cross.ts';
import { openStore } from '../../src/store/open.ts';
import type { FillInput, Store } from '../../src/store/store.ts';
import { verifyAuditChain } from '../../src/store/audit/index.ts';
import { randomWalk } from '../helpers/bars.ts';

const START = Date.UTC(2024, 9, 15);
const SERIES = [randomWalk(90, 11, { symbol: 'ORCL', startMs: START, start: 40 }), randomWalk(90, 12, { symbol: 'YHOO', startMs: START, start: 30, vol: 0.03 })];
const QUARTER_END = Date.UTC(2025, 0, 1);

let store: Store;
let rec: RunRecords;
let stored: FillInput[];

beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
  const node = new LiveNode({
    runId: 'mix', store, cash: 100_000, instruments: SERIES.map((s) => makeInstrument(s.symbol)),
    strategies: [
      { strategy: new SmaCross({ fast: 5, slow: 15 }), id: 'sma', allocation: 40_000 },
      { strategy: new RsiStrategy({ period: 7, lower: 40, upper: 60 }), id: 'rsi', allocation: 30_000 },
      { strategy: new BuyAndHold({}), id: 'bh', allocation: 30_000 },
    ],
    feed: new ReplayFeed({ series: SERIES, speed: Infinity }), venue: { commission: new FractionCommission(0.001) },
    runConfig: { replay: 'memory', strategies: ['sma', 'rsi', 'bh'] },
  });
  await node.run();
  rec = (await readRunRecords(store, ['mix']))[0]!;
  stored = await store.loadFills('mix');
}, 30_000);
afterAll(async () => {
  await store?.close();
});

const sum = (fs: readonly FillInput[], f: (x: FillInput) => number): number => fs.reduce((s, x) => s + f(x), 0);

describe('reports of a paper run of several strategies', () => {
  it('the run traded every strategy on both symbols, before and after the quarter end', () => {
    expect(new Set(stored.map((f) => f.strategyId))).toEqual(new Set(['sma', 'rsi', 'bh']));
    expect(new Set(stored.map((f) => f.symbol))).toEqual(new Set(['ORCL', 'YHOO']));
    expect(stored.some((f) => f.tsMs >= QUARTER_END) && stored.some((f) => f.tsMs < QUARTER_END)).toBe(true);
    expect(stored.length).toBeGreaterThan(10);
  });

  it("the run's audit trail holds one intent per stored order and one entry per fill, and the chain verifies", async () => {
    const trail = await store.audit.list({ limit: 100_000, runId: 'mix' });
    expect(trail.filter((e) => e.kind === 'order.intent')).toHaveLength(await store.countOrders('mix'));
    const fills = trail.filter((e) => e.kind === 'fill');
    expect(fills.map((e) => (e.payload as { fillId: string }).fillId).sort()).toEqual(stored.map((f) => f.fillId).sort());
    expect(fills.every((e) => e.actorKind === 'system' && e.actor === 'venue' && e.symbol !== null)).toBe(true);
    expect([trail[0]?.kind, trail.at(-1)?.kind]).toEqual(['run.start', 'run.end']);
    expect(await verifyAuditChain(store.audit.rows())).toMatchObject({ ok: true, problem: null });
  });

  it('an unknown run is an error naming --run and the runs there are', async () => {
    await expect(readRunRecords(store, ['mix', 'nope'])).rejects.toThrow('field "--run": no run "nope" in memory://; runs: mix');
  });

  it('the blotter lists every stored fill once and its totals equal the fills', () => {
    const b = buildBlotter({ ...rec, reference: null, date: null });
    expect(b.rows.map((r) => r.executionId)).toEqual(stored.map((f) => f.fillId));
    const buys = stored.filter((f) => f.side === 'buy');
    const sells = stored.filter((f) => f.side === 'sell');
    expect(b.totals).toEqual({
      count: stored.length, boughtQuantity: sum(buys, (f) => f.qty), soldQuantity: sum(sells, (f) => f.qty),
      boughtValue: sum(buys, (f) => f.qty * f.price), soldValue: sum(sells, (f) => f.qty * f.price), commission: sum(stored, (f) => f.commission),
    });
    expect(b.rows.every((r) => r.venue === 'SIMULATED' && r.account === 'mix')).toBe(true);
    // The simulated venue gives no ids of its own (a broker's reports do: Alpaca's order id, Binance's orderId).
    expect(b.rows.every((r) => r.venueOrderId === null)).toBe(true);
    expect(BlotterSchema.parse(JSON.parse(JSON.stringify(b)))).toEqual(b);
    // The days add up to the whole, and one day's blotter is that day's fills.
    expect(b.days.reduce((s, d) => s + d.count, 0)).toBe(stored.length);
    const day = b.days[Math.floor(b.days.length / 2)]!;
    const one = buildBlotter({ ...rec, reference: null, date: day.date });
    expect(one.rows.map((r) => r.executionId)).toEqual(stored.filter((f) => new Date(f.tsMs).toISOString().startsWith(day.date)).map((f) => f.fillId));
    const { date: _, ...dayTotals } = day;
    expect(one.totals).toEqual(dayTotals);
  });

  it('the 13F table values the positions at the quarter end at that day\'s closes, and validates', async () => {
    const reference = loadReference(resolve(import.meta.dirname, '../../examples/instruments.csv'));
    const r = buildForm13f({ runs: [rec], reference, periodOfReport: '2024-12-31', series: SERIES });
    // Recomputed here: the net shares of each symbol from the fills up to the end of 2024-12-31 (every strategy
    // is long-only), valued at the close of the last bar on or before that day.
    const expected = SERIES.map((s) => {
      const held = sum(stored.filter((f) => f.symbol === s.symbol && f.tsMs < QUARTER_END), (f) => (f.side === 'buy' ? f.qty : -f.qty));
      const close = s.close[s.lowerBound(QUARTER_END) - 1]!;
      return { cusip: reference.entries.get(s.symbol)!.cusip, shares: held, value: Math.round(held * close) };
    }).filter((x) => x.shares > 0).sort((a, b) => (a.cusip < b.cusip ? -1 : 1));
    expect(expected.length).toBe(2);
    const got = r.entries.map((e) => ({ cusip: e.cusip, shares: e.sshPrnamt, value: e.value })).sort((a, b) => (a.cusip < b.cusip ? -1 : 1));
    expect(got).toEqual(expected);
    expect(r.entries.map((e) => e.nameOfIssuer)).toEqual(['ORACLE CORP', 'YAHOO INC']);
    expect(r.tableValueTotal).toBe(expected[0]!.value + expected[1]!.value);
    expect(r.excluded).toEqual([]);
    expect(Form13fSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    const xsd = readFileSync(resolve(import.meta.dirname, 'informationtable.xsd'), 'utf8');
    const v = await validateXML({ xml: [{ fileName: 'mix.xml', contents: informationTableXml(r) }], schema: [{ fileName: 'it.xsd', contents: xsd }] });
    expect(v.errors).toEqual([]);
  });

  it('the TCA has one row per traded order, with the fills\' average and the signal bar\'s close as arrival', () => {
    const t = buildTca({ records: rec, series: SERIES, data: ['memory'] });
    const traded = new Set(stored.map((f) => f.orderId));
    expect(t.orders.map((o) => o.clientOrderId).sort()).toEqual([...traded].sort());
    for (const o of t.orders) {
      const fs = stored.filter((f) => f.orderId === o.clientOrderId);
      expect(o.averageFillPrice).toBeCloseTo(sum(fs, (f) => f.qty * f.price) / sum(fs, (f) => f.qty), 9);
      expect(o.fees).toBeCloseTo(sum(fs, (f) => f.commission), 12);
      const s = SERIES.find((x) => x.symbol === o.symbol)!;
      const created = Date.parse(o.createdTime);
      // A replay decides on the bar labelled with the current time: the arrival price is that bar's close.
      expect(o.arrivalPrice).toBe(s.close[s.lowerBound(created)]);
      expect(s.time[s.lowerBound(created)]).toBe(created);
      // Market orders fill at the next bar's open: the period VWAP is that bar's typical price.
      const k = s.lowerBound(created) + 1;
      expect(o.periodVwap).toBeCloseTo(k < s.length ? (s.high[k]! + s.low[k]! + s.close[k]!) / 3 : NaN, 9);
    }
    expect(t.totals.fees).toBeCloseTo(sum(stored, (f) => f.commission), 9);
    expect(t.totals.withoutArrival).toBe(0);
    expect(TcaSchema.parse(JSON.parse(JSON.stringify(t)))).toEqual(t);
  });
});
