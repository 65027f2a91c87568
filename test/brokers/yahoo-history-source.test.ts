// Yahoo's daily bars through the real yahoo-finance2 (its chart(), request building, JSON errors and schema
// check) against the fake Yahoo chart server, redirected there by the library's `fetch` option: the bars
// equal the payload, null rows are skipped and counted, an unknown symbol names --symbol, a malformed
// answer names its field, 5xx and 429 are retried, and only chart requests are made (no cookie or crumb).
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.ts';
import { createYahooHistorySource } from '../../src/brokers/yahoo/history-source.ts';
import { FakeYahoo, nyOpen, type YahooRow } from '../fakes/yahoo/chart-server.ts';

const DAY = 86_400_000;
const utc = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** Weekdays from `first` for `n` days, one row each, Yahoo-stamped at the New York open. */
function weekdays(first: string, n: number, base = 100): YahooRow[] {
  const rows: YahooRow[] = [];
  for (let ms = utc(first); rows.length < n; ms += DAY) {
    const wd = new Date(ms).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const i = rows.length;
    const o = base + i;
    rows.push({ t: nyOpen(new Date(ms).toISOString().slice(0, 10)), open: o, high: o + 2.5, low: o - 1.25, close: o + 0.75, volume: 1_000_000 + i, adjclose: o + 0.5 });
  }
  return rows;
}

/** The bar a row becomes: 00:00 UTC of its New York trading day, Yahoo's raw OHLCV. */
const barOf = (r: YahooRow) => ({ tsMs: Math.floor((r.t - 18_000) / 86_400) * DAY, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume });

let fake: FakeYahoo;
afterEach(async () => {
  await fake?.close();
});

const page = (symbol: string, from: string, to: string, limit = 1000) => ({ symbol, timeframe: '1d', fromMs: utc(from), toMs: utc(to), limit });

describe('Yahoo daily bars as a download source', () => {
  it('returns the payload as daily bars at 00:00 UTC of the trading day, window inclusive at both ends, with chart requests only', async () => {
    fake = await FakeYahoo.start();
    const rows = weekdays('2024-01-02', 20);
    fake.addUsEquity('AAPL', rows);
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl });
    expect(await src.prepare(' aapl ', '1d')).toEqual({ symbol: 'AAPL', timeframeMs: DAY });

    const all = await src.fetchPage(page('AAPL', '2024-01-01', '2024-02-29'));
    expect(all).toEqual(rows.map(barOf));
    expect(all[0]!.tsMs).toBe(utc('2024-01-02'));
    // [fromMs, toMs] both inclusive, on trading days: 2024-01-04 .. 2024-01-09 is Thu, Fri, Mon, Tue.
    const mid = await src.fetchPage(page('AAPL', '2024-01-04', '2024-01-09'));
    expect(mid.map((b) => new Date(b.tsMs).toISOString().slice(0, 10))).toEqual(['2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09']);
    // At most `limit`, the oldest first.
    expect(await src.fetchPage(page('AAPL', '2024-01-01', '2024-02-29', 3))).toEqual(rows.slice(0, 3).map(barOf));
    expect(src.skipped).toBe(0);

    // What the library sent: the v8 chart endpoint, epoch-second periods padded by two days around the window.
    expect(fake.log.every((l) => l.startsWith('GET /v8/finance/chart/AAPL?'))).toBe(true);
    expect(fake.charts[1]!.query).toMatchObject({ interval: '1d', events: 'div|split|earn', period1: String(utc('2024-01-02') / 1000), period2: String(utc('2024-01-11') / 1000) });
    expect(src.transport.requested[0]).toMatch(new RegExp(`^${fake.baseUrl}/v8/finance/chart/AAPL\\?`));
  });

  it('skips rows with nulls (holidays, halts) and counts them', async () => {
    fake = await FakeYahoo.start();
    const rows = weekdays('2024-01-02', 10);
    rows[3] = { ...rows[3]!, open: null, high: null, low: null, close: null, volume: null, adjclose: null };
    rows[6] = { ...rows[6]!, volume: null };
    fake.addUsEquity('MSFT', rows);
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl });
    const bars = await src.fetchPage(page('MSFT', '2024-01-01', '2024-01-31'));
    expect(bars).toEqual(rows.filter((_, i) => i !== 3 && i !== 6).map(barOf));
    expect(src.skipped).toBe(2);
  });

  it('answers no bars for a window before the first row (Yahoo: 400 "Data doesn\'t exist") or between rows', async () => {
    fake = await FakeYahoo.start();
    fake.addUsEquity('AAPL', weekdays('2024-01-02', 5));
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl });
    expect(await src.fetchPage(page('AAPL', '2020-01-01', '2020-12-31'))).toEqual([]);
    expect(await src.fetchPage(page('AAPL', '2024-01-20', '2024-01-31'))).toEqual([]);
  });

  it('serves days before 1970 (negative epoch seconds, as Yahoo sends for IBM from 1962)', async () => {
    fake = await FakeYahoo.start();
    const rows = weekdays('1962-01-02', 5);
    fake.addUsEquity('IBM', rows);
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl });
    const bars = await src.fetchPage(page('IBM', '1962-01-01', '1962-12-31'));
    expect(bars).toEqual(rows.map(barOf));
    expect(bars[0]!.tsMs).toBe(utc('1962-01-02'));
  });

  it('an unknown symbol is a ConfigError naming --symbol, with Yahoo\'s reason', async () => {
    fake = await FakeYahoo.start();
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl });
    const e = await src.fetchPage(page('NOSUCH', '2024-01-01', '2024-01-31')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe('field "--symbol": Yahoo has no symbol "NOSUCH" (No data found, symbol may be delisted)');
  });

  it('rejects other timeframes and non-Yahoo symbols before any request', async () => {
    fake = await FakeYahoo.start();
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl });
    await expect(src.prepare('AAPL', '1h')).rejects.toThrow('field "--timeframe": Yahoo gives daily bars here: use --timeframe 1d (not "1h")');
    await expect(src.prepare('BTC/USDT', '1d')).rejects.toThrow(/field "--symbol": "BTC\/USDT" is not a Yahoo symbol/);
    expect(await src.prepare('^gspc', '1d')).toMatchObject({ symbol: '^GSPC' });
    expect(fake.log).toEqual([]);
  });

  const tp = { timezone: 'EST', start: 1704205800, end: 1704229200, gmtoffset: -18000 };
  const good = (over: Record<string, unknown> = {}, quote: Record<string, unknown> = {}) => JSON.stringify({
    chart: {
      result: [{
        meta: { currency: 'USD', symbol: 'BAD', exchangeName: 'NMS', instrumentType: 'EQUITY', firstTradeDate: 345479400, regularMarketTime: 1704229200, gmtoffset: -18000, timezone: 'EST', exchangeTimezoneName: 'America/New_York', regularMarketPrice: 1, priceHint: 2, currentTradingPeriod: { pre: tp, regular: tp, post: tp }, dataGranularity: '1d', range: '', validRanges: ['1d'] },
        timestamp: [nyOpen('2024-01-02'), nyOpen('2024-01-03')],
        indicators: { quote: [{ open: [1, 2], high: [2, 3], low: [0.5, 1.5], close: [1.5, 2.5], volume: [10, 20], ...quote }] },
        ...over,
      }],
      error: null,
    },
  });

  it.each([
    ['a close that is a string', good({}, { close: [1.5, 'x'] }), 'chart.result.0.indicators.quote.0.close.1'],
    ['no volume column', good({}, { volume: undefined }), 'chart.result.0.indicators.quote.0.volume'],
    ['no indicators', good({ indicators: undefined }), 'chart.result.0.indicators'],
    ['fewer closes than timestamps', good({}, { close: [1.5] }), 'chart.result.0.indicators.quote.0.close'],
    ['a negative price', good({}, { low: [0.5, -1] }), 'chart.result.0.indicators.quote.0.low.1'],
    ['high below low', good({}, { high: [2, 1] }), 'chart.result.0.indicators.quote.0.high.1'],
    ['a timestamp that is not a number', good({ timestamp: [nyOpen('2024-01-02'), 'soon'] }), 'chart.result.0.timestamp.1'],
    ['an empty result list', JSON.stringify({ chart: { result: [], error: null } }), 'chart.result'],
    ['no meta', JSON.stringify({ chart: { result: [{ timestamp: [1], indicators: { quote: [{}] } }], error: null } }), 'chart.result.0.meta'],
    ['not JSON', '<html>gateway</html>', '(payload)'],
  ])('a malformed answer (%s) is an InputError naming the field', async (_what, body, field) => {
    fake = await FakeYahoo.start();
    fake.raw.set('BAD', { status: 200, body });
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl, attempts: 1 });
    const e = await src.fetchPage(page('BAD', '2024-01-01', '2024-01-31')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(new RegExp(`^field "${field.replace(/[.()]/g, '\\$&')}": bad Yahoo chart answer for BAD 1d: `));
  });

  it('the well-formed version of those answers reads fine', async () => {
    fake = await FakeYahoo.start();
    fake.raw.set('BAD', { status: 200, body: good() });
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl });
    expect(await src.fetchPage(page('BAD', '2024-01-01', '2024-01-31'))).toHaveLength(2);
  });

  it('retries 5xx and 429 (honouring Retry-After), then gives up with a RetryableVenueError', async () => {
    fake = await FakeYahoo.start();
    const rows = weekdays('2024-01-02', 3);
    fake.addUsEquity('AAPL', rows);
    fake.failNext(1, 503);
    fake.failNext(1, 429, 2);
    const waits: number[] = [];
    const told: string[] = [];
    const src = createYahooHistorySource({ baseUrl: fake.baseUrl, sleep: async (ms) => void waits.push(ms), onRetry: (why) => void told.push(why) });
    expect(await src.fetchPage(page('AAPL', '2024-01-01', '2024-01-31'))).toEqual(rows.map(barOf));
    expect(fake.charts).toHaveLength(3);
    expect(waits[1]).toBe(2000);
    expect(told[0]).toMatch(/^Yahoo answered HTTP 503/);
    fake.failNext(3, 502);
    const tired = createYahooHistorySource({ baseUrl: fake.baseUrl, attempts: 3, sleep: async () => {} });
    await expect(tired.fetchPage(page('AAPL', '2024-01-01', '2024-01-31'))).rejects.toThrow(/Yahoo answered HTTP 502/);
  });
});
