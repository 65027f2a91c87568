// `sextant data download --venue ib`: IB's bar history (reqHistoricalData through the real IBApi, against the
// fake TWS) paged by IB's per-bar-size duration limits into the warehouse through the shared download use
// case; daily bars come as yyyyMMdd, intraday ones as epoch seconds (formatDate=2).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { downloadHistory } from '../../src/app/download.ts';
import { readStoredSeries } from '../../src/app/warehouse.ts';
import { createIbHistorySource } from '../../src/brokers/ib/history-source.ts';
import { stopSyncReader } from '../../src/store/warehouse/index.ts';
import type { FakeBar, HistoryAsk } from '../fakes/ib/market-data.ts';
import { marketHarness, type MarketHarness } from '../fakes/ib/market-setup.ts';
import { tempDir } from '../warehouse/helpers.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 2); // a Tuesday

let h: MarketHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => stopSyncReader());

const UNIT: Readonly<Record<string, number>> = { S: 1_000, D: DAY, W: 7 * DAY, M: 30 * DAY, Y: 365 * DAY };

/** IB's answer: the bars of `bars` (open times in ms) inside the asked window [end - duration, end). */
function answer(bars: readonly number[], daily: boolean) {
  return (ask: HistoryAsk): FakeBar[] => {
    const m = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(ask.endDateTime)!;
    const end = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    const [n, unit] = ask.duration.split(' ') as [string, string];
    const from = end - Number(n) * UNIT[unit]!;
    const ymd = (t: number): string => new Date(t).toISOString().slice(0, 10).replaceAll('-', '');
    return bars.filter((t) => t >= from && t < end).map((t, i) => ({ time: daily ? ymd(t) : String(t / 1000), open: 100 + i, high: 101 + i, low: 99 + i, close: 100.5 + i, volume: 1000 }));
  };
}

/** Weekday trading hours 14:00..20:00 UTC over `days` days. */
function hours(days: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    const day = START + d * DAY;
    const wd = new Date(day).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    for (let hr = 14; hr <= 20; hr++) out.push(day + hr * HOUR);
  }
  return out;
}

describe('IB history as a download source', () => {
  it('pages hourly bars a month window at a time into the warehouse, and checks the timeframe and symbol first', async () => {
    h = await marketHarness();
    const have = hours(45);
    h.market.history = answer(have, false);
    const source = createIbHistorySource({ host: '127.0.0.1', port: h.port, clientId: 40 });
    try {
      expect(await source.prepare('AAA', '1h')).toEqual({ symbol: 'AAA', timeframeMs: HOUR });
      await expect(source.prepare('AAA', '7m')).rejects.toThrow(/IB has no "7m" bars/);
      await expect(source.prepare('not a symbol', '1h')).rejects.toThrow(/symbol "not a symbol"/);
    } finally {
      await source.close();
    }
    const dir = tempDir('sextant-ib-dl-');
    const nowMs = START + 45 * DAY;
    const r = await downloadHistory({ venue: 'ib', symbol: 'AAA', timeframe: '1h', from: '2024-01-02', dir, nowMs, ib: { host: '127.0.0.1', port: h.port, clientId: 41 } });
    expect(r).toMatchObject({ venue: 'ib', fetched: have.length, after: have.length });
    const s = await readStoredSeries('AAA', { dir });
    expect(Array.from(s.time.subarray(0, s.length))).toEqual(have);
    const asks = h.market.historyAsks;
    expect(asks.every((a) => a.barSize === '1 hour' && a.duration === '1 M' && a.whatToShow === 'TRADES' && a.formatDate === 2)).toBe(true);
    expect(asks.length).toBeGreaterThanOrEqual(2);
    // The download connected as client id + 1.
    expect(h.tws.requests.filter((q) => q.msgId === 20).every((q) => q.clientId === 42)).toBe(true);
  });

  it('reads daily bars (yyyyMMdd) in one-year windows', async () => {
    h = await marketHarness();
    const days = Array.from({ length: 400 }, (_, i) => START + i * DAY);
    h.market.history = answer(days, true);
    const dir = tempDir('sextant-ib-dl-d-');
    const r = await downloadHistory({ venue: 'ib', symbol: 'EUR/USD', as: 'EURUSD', timeframe: '1d', from: '2024-01-02', to: new Date(START + 399 * DAY).toISOString().slice(0, 10), dir, nowMs: START + 420 * DAY, ib: { host: '127.0.0.1', port: h.port, clientId: 50 } });
    expect(r).toMatchObject({ venue: 'ib', fetched: 400 });
    expect(h.market.historyAsks.every((a) => a.duration === '1 Y' && a.whatToShow === 'MIDPOINT')).toBe(true);
  });

  it('says which flag is missing without TWS', async () => {
    await expect(downloadHistory({ venue: 'ib', symbol: 'AAA', timeframe: '1h', from: '2024-01-02', dir: tempDir('sextant-ib-dl-x-') })).rejects.toThrow(/--venue ib needs --ib-port/);
  });
});
