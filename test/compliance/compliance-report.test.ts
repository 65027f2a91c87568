// The daily compliance report of a real paper run (a replay into a PGlite folder): violations are the orders
// the checks denied, near misses the compliance-near-miss risk events the store writer kept. Then the built CLI
// on the same folder: `sextant report compliance --csv -` and its input errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComplianceReport, complianceCsv, readComplianceReport } from '../../src/app/compliance-report.ts';
import { ReplayFeed } from '../../src/data/live/replay.ts';
import { LiveNode } from '../../src/engine/live-node.ts';
import type { Bar } from '../../src/model/bar.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { randomWalk } from '../helpers/bars.ts';

/** Each day: buys 10 ORCL and 1 YHOO. */
class Accumulate extends Strategy {
  constructor() {
    super({});
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    ctx.buy(bar.symbol, bar.symbol === 'ORCL' ? 10 : 1);
  }
}

// Daily bars at 21:00 UTC from Monday 2024-01-08. ORCL reaches 30 of its 33-unit limit on the 10th (a near
// miss, 90.9%) and is denied from the 11th; YHOO is on the restricted list from the 10th.
const MONDAY = Date.UTC(2024, 0, 8, 21);
const SERIES = [randomWalk(6, 1, { symbol: 'ORCL', startMs: MONDAY, start: 40 }), randomWalk(6, 2, { symbol: 'YHOO', startMs: MONDAY, start: 30 })];
const ORCL_RULE = 'position limit per symbol: quantity and value';
const LIST_RULE = 'restricted list: symbols and issuers, with effective dates';
// A PGlite folder (not memory://) so that the built CLI can read the same run at the end.
const stateDir = mkdtempSync(join(tmpdir(), 'sextant-compliance-'));
let store: Store;

beforeAll(async () => {
  store = await openStore({ dir: join(stateDir, 'db'), env: {} });
  const node = new LiveNode({
    runId: 'comp', store, cash: 100_000, instruments: SERIES.map((s) => makeInstrument(s.symbol)),
    strategies: [{ strategy: new Accumulate(), id: 'acc' }],
    feed: new ReplayFeed({ series: SERIES, speed: Infinity }),
    riskConfig: {
      maxPositionQty: 33, restrictedList: [{ symbol: 'YHOO', from: '2024-01-10', reason: 'watch list' }],
      maxPositionPct: null, maxSectorPct: null, maxGrossLeverage: null, priceCollarPct: null,
    },
  });
  await node.run();
}, 30_000);
afterAll(async () => {
  await store?.close();
});

describe('compliance report of a paper run', () => {
  it('lists the day a limit was nearly reached: its near miss, the restricted symbol denied, totals per code', async () => {
    const r = await readComplianceReport(store, { runId: 'comp', date: '2024-01-10' });
    expect(r).toEqual({
      runId: 'comp', date: '2024-01-10', timeZone: 'UTC',
      violations: [{
        time: '2024-01-10T21:00:00.000Z', orderId: 'comp-6', strategyId: 'acc', symbol: 'YHOO', side: 'buy', qty: 1, type: 'market', limitPrice: null,
        code: 'restricted-symbol', rule: LIST_RULE, reason: 'restricted-symbol: YHOO is on the restricted list from 2024-01-10: watch list',
      }],
      nearMisses: [{
        time: '2024-01-10T21:00:00.000Z', orderId: 'comp-5', strategyId: 'acc', symbol: 'ORCL', side: 'buy', qty: 10, code: 'max-position', rule: ORCL_RULE,
        usagePct: 90.9, text: 'ORCL position would be 30, max quantity 33',
      }],
      totals: [
        { code: 'max-position', rule: ORCL_RULE, violations: 0, nearMisses: 1 },
        { code: 'restricted-symbol', rule: LIST_RULE, violations: 1, nearMisses: 0 },
      ],
    });
    expect(complianceCsv(r).split('\r\n')).toEqual([
      'kind,time,orderId,strategyId,symbol,side,qty,code,rule,usagePct,reason',
      'violation,2024-01-10T21:00:00.000Z,comp-6,acc,YHOO,buy,1,restricted-symbol,"restricted list: symbols and issuers, with effective dates",,restricted-symbol: YHOO is on the restricted list from 2024-01-10: watch list',
      'near-miss,2024-01-10T21:00:00.000Z,comp-5,acc,ORCL,buy,10,max-position,position limit per symbol: quantity and value,90.9,"max-position: ORCL position would be 30, max quantity 33"',
      '',
    ]);
  });

  it('reports each day of the run once: the days add up to every denial and near miss stored', async () => {
    const days = ['2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-13'];
    const reports = await Promise.all(days.map((date) => readComplianceReport(store, { runId: 'comp', date })));
    expect(reports.map((r) => `${r.violations.map((v) => `${v.orderId}:${v.code}`).join(' ')} | ${r.nearMisses.map((n) => n.orderId).join(' ')}`)).toEqual([
      ' | ', ' | ', 'comp-6:restricted-symbol | comp-5',
      'comp-7:max-position comp-8:restricted-symbol | ', 'comp-9:max-position comp-10:restricted-symbol | ', 'comp-11:max-position comp-12:restricted-symbol | ',
    ]);
    const orders = await store.listOrders('comp', { limit: 100, offset: 0 });
    expect(reports.reduce((n, r) => n + r.violations.length, 0)).toBe(orders.filter((o) => o.status === 'denied').length);
    expect(reports.reduce((n, r) => n + r.nearMisses.length, 0)).toBe((await store.loadRiskEvents('comp')).filter((e) => e.kind === 'compliance-near-miss').length);
  });

  it("defaults to the day of the run's last violation or near miss, and takes the day in a time zone", async () => {
    const last = await readComplianceReport(store, { runId: 'comp' });
    expect([last.date, last.violations.map((v) => v.orderId)]).toEqual(['2024-01-13', ['comp-11', 'comp-12']]);
    // 21:00 UTC on the 10th is 06:00 on the 11th in Tokyo.
    const tokyo = await readComplianceReport(store, { runId: 'comp', date: '2024-01-11', timeZone: 'Asia/Tokyo' });
    expect([tokyo.violations.map((v) => v.orderId), tokyo.nearMisses.map((n) => n.orderId)]).toEqual([['comp-6'], ['comp-5']]);
  });

  it('names the field of bad input', async () => {
    await expect(readComplianceReport(store, { runId: 'nope', date: '2024-01-10' })).rejects.toThrow(/field "--run": no run "nope" in .*; runs: comp/);
    await expect(readComplianceReport(store, { runId: 'comp', date: '2024-02-30' })).rejects.toThrow(/field "--date": expected a day YYYY-MM-DD, got "2024-02-30"/);
    await expect(readComplianceReport(store, { runId: 'comp', timeZone: 'Mars/Olympus' })).rejects.toThrow(/field "--tz": unknown time zone "Mars\/Olympus"/);
  });

  it('counts other denials (kill switch, allocation) under their own codes, without a rule', () => {
    const order = { runId: 'r', strategyId: 's', symbol: 'X', side: 'buy' as const, type: 'market' as const, qty: 1, limitPrice: null, stopPrice: null, tif: 'GTC' as const, expireTimeMs: null,
      parentId: null, ocoGroup: null, tag: null, reduceOnly: false, filledQty: 0, avgFillPrice: 0, lastSeq: 1, createdMs: Date.UTC(2024, 0, 2, 15), updatedMs: Date.UTC(2024, 0, 2, 15) };
    const r = buildComplianceReport({
      runId: 'r', date: '2024-01-02', timeZone: 'UTC', fallbackMs: 0, riskEvents: [{ runId: 'r', tsMs: Date.UTC(2024, 0, 2), kind: 'breaker-tripped', reason: 'x' }],
      orders: [
        { ...order, clientOrderId: 'a', status: 'denied', reason: 'kill switch: trading is halted' },
        { ...order, clientOrderId: 'b', status: 'rejected', reason: 'insufficient cash' },
        { ...order, clientOrderId: 'c', status: 'denied', reason: 'max-order-qty: order quantity 9 X exceeds max 5' },
      ],
    });
    expect(r.totals).toEqual([
      { code: 'kill-switch', rule: null, violations: 1, nearMisses: 0 },
      { code: 'max-order-qty', rule: 'maximum order size (fat finger)', violations: 1, nearMisses: 0 },
    ]);
    expect(r.nearMisses).toEqual([]);
  });
});

describe('sextant report compliance (built CLI)', () => {
  const ROOT = resolve(import.meta.dirname, '../..');
  const sextant = (args: readonly string[]) => spawnSync(process.execPath, ['bin/sextant.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: '' } });

  it('prints the same CSV from the run\'s state folder, and refuses a bad date before opening anything', async () => {
    const expected = complianceCsv(await readComplianceReport(store, { runId: 'comp', date: '2024-01-10' }));
    // PGlite opens in one process at a time: the CLI reads the folder once this process has let it go.
    await store.close();
    const ok = sextant(['report', 'compliance', '--run', 'comp', '--date', '2024-01-10', '--state-dir', stateDir, '--csv', '-']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(`${ok.stdout.replace(/\n$/, '')}\r\n`).toBe(expected);
    const bad = sextant(['report', 'compliance', '--run', 'comp', '--date', '2024-13-01', '--state-dir', stateDir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--date/);
  }, 60_000);
});
