// `sextant data download --venue yahoo` as a user runs it (a spawned `node bin/sextant.js`) against the fake
// Yahoo chart server through the real yahoo-finance2: the warehouse ends up with Yahoo's daily rows (null
// rows skipped and counted), a second run fetches only the days after the last stored one, and an unknown
// symbol or a malformed answer is exit 2 naming --symbol or the field, with nothing stored.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopSyncReader } from '../../src/store/warehouse/index.ts';
import { FakeYahoo, nyOpen, type YahooRow } from '../fakes/yahoo/chart-server.ts';
import { sextant, storedBars } from '../helpers/download-cli.ts';
import { cli } from '../helpers/in-process-cli.ts';
import { tempDir } from '../warehouse/helpers.ts';

afterAll(() => stopSyncReader());

const DAY = 86_400_000;
const utc = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const iso = (ms: number): string => new Date(ms).toISOString();

/** Weekday rows from 2024-01-02 to 2024-02-29, Yahoo-stamped at the New York open; 2024-01-15 empty (a holiday row). */
function rows(): YahooRow[] {
  const out: YahooRow[] = [];
  for (let ms = utc('2024-01-02'); ms <= utc('2024-02-29'); ms += DAY) {
    const wd = new Date(ms).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const day = iso(ms).slice(0, 10);
    const o = 180 + out.length * 0.5;
    out.push(day === '2024-01-15'
      ? { t: nyOpen(day), open: null, high: null, low: null, close: null, volume: null, adjclose: null }
      : { t: nyOpen(day), open: o, high: o + 2, low: o - 1.5, close: o + 0.25, volume: 50_000_000 + out.length, adjclose: o });
  }
  return out;
}

const asStored = (rs: readonly YahooRow[]) => rs.filter((r) => r.close !== null).map((r) => ({ openMs: utc(iso(r.t * 1000).slice(0, 10)), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume }));

let fake: FakeYahoo;
beforeEach(async () => {
  fake = await FakeYahoo.start();
});
afterEach(async () => {
  await fake.close();
});

describe('sextant data download --venue yahoo', () => {
  it('stores Yahoo\'s daily bars (null rows skipped and counted), then a second run fetches only the new days', async () => {
    const all = rows();
    fake.addUsEquity('AAPL', all);
    const wh = tempDir('sextant-dl-yahoo-');
    const file = join(wh, 'bars', 'symbol=AAPL', 'bars.parquet');
    const first = await sextant(['data', 'download', '--venue', 'yahoo', '--symbol', 'AAPL', '--from', '2024-01-01', '--to', '2024-01-31', '--base-url', fake.baseUrl, '--warehouse', wh]);
    expect(first.err).toMatch(/^AAPL 1d: 21 bar\(s\) fetched, \d+ stored, up to 2024-01-31T00:00:00.000Z \(\d+%\)\n$/);
    expect(first.code).toBe(0);
    const january = asStored(all.filter((r) => r.t * 1000 < utc('2024-02-01')));
    expect(january).toHaveLength(21);
    expect(first.out).toBe(`1 row(s) without prices skipped (yahoo sends empty rows for holidays and halts)\nAAPL: 21 1d bar(s) downloaded from yahoo in 1 request(s); 21 stored (2024-01-02T00:00:00.000Z .. 2024-01-31T00:00:00.000Z) in ${file}\n`);
    expect(await storedBars(wh, 'AAPL')).toEqual(january);
    expect(fake.log.every((l) => l.startsWith('GET /v8/finance/chart/AAPL?'))).toBe(true);

    // Up to now: only what follows the last stored day is fetched (and the day before the first, 2024-01-01).
    fake.charts.length = 0;
    const second = await sextant(['data', 'download', '--venue', 'yahoo', '--symbol', 'AAPL', '--from', '2024-01-01', '--base-url', fake.baseUrl, '--warehouse', wh, '--json', '-', '--quiet']);
    expect(second.code).toBe(0);
    expect(second.err).toBe('');
    expect(JSON.parse(second.out)).toMatchObject({ venue: 'yahoo', symbol: 'AAPL', storedAs: 'AAPL', fetched: 21, skipped: 0, before: 21, after: 42, first: '2024-01-02T00:00:00.000Z', last: '2024-02-29T00:00:00.000Z' });
    // Each request's window (the periods less the two days of padding either side) stays off the stored days.
    const windows = fake.charts.map((c) => [Number(c.query.period1) * 1000 + 2 * DAY, Number(c.query.period2) * 1000 - 2 * DAY] as const);
    expect(windows.length).toBeGreaterThan(0);
    for (const [a, b] of windows) expect(b < utc('2024-01-02') || a > utc('2024-01-31')).toBe(true);
    expect(windows.some(([a]) => a === utc('2024-02-01'))).toBe(true);
    expect(asStored(all)).toHaveLength(42);
    expect(await storedBars(wh, 'AAPL')).toEqual(asStored(all));

    const third = await cli(['data', 'download', '--venue', 'yahoo', '--symbol', 'AAPL', '--from', '2024-01-02', '--base-url', fake.baseUrl, '--warehouse', wh]);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/^AAPL: up to date \(42 1d bar\(s\) stored, last 2024-02-29T00:00:00.000Z; nothing new from yahoo up to /);
  });

  it('an unknown symbol is exit 2 naming --symbol, and nothing is stored', async () => {
    const wh = tempDir('sextant-dl-yahoo-');
    const r = await cli(['data', 'download', '--venue', 'yahoo', '--symbol', 'NOSUCH', '--from', '2024-01-01', '--base-url', fake.baseUrl, '--warehouse', wh]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('field "--symbol": Yahoo has no symbol "NOSUCH" (No data found, symbol may be delisted)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(wh, 'bars', 'symbol=NOSUCH'))).toBe(false);
  });

  it('a malformed answer is exit 2 naming the field, and nothing is stored', async () => {
    fake.raw.set('AAPL', { status: 200, body: JSON.stringify({ chart: { result: [{ meta: {}, timestamp: [nyOpen('2024-01-02')], indicators: { quote: [{ open: [1], high: [2], low: [0.5], close: ['1.5x'], volume: [10] }] } }], error: null } }) });
    const wh = tempDir('sextant-dl-yahoo-');
    const r = await cli(['data', 'download', '--venue', 'yahoo', '--symbol', 'AAPL', '--from', '2024-01-01', '--base-url', fake.baseUrl, '--warehouse', wh]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/field "chart\.result\.0\.[a-zA-Z.0-9]+": bad Yahoo chart answer for AAPL 1d/);
    expect(existsSync(join(wh, 'bars', 'symbol=AAPL'))).toBe(false);
  });
});
