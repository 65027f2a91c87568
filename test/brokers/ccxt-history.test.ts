// Bar history through the real ccxt REST client against the fake Binance server: paging, retries (a failed
// loadMarkets is reloaded), and the download use case into the Parquet warehouse: contents equal the fake's
// klines, incremental runs fetch only what is new, a download that died mid-way resumes without doubling.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CcxtHistorySource } from '../../src/brokers/ccxt/history.ts';
import { RetryableVenueError, VenueRejectedError } from '../../src/core/errors.ts';
import { downloadHistory } from '../../src/app/download.ts';
import { readStoredSeries } from '../../src/app/warehouse.ts';
import type { HistorySource } from '../../src/data/history-source.ts';
import { stopSyncReader } from '../../src/store/warehouse/index.ts';
import { makeKlines, type Kline } from '../fakes/binance/market-klines.ts';
import { FakeBinanceMarket } from '../fakes/binance/market-server.ts';
import { tempDir } from '../warehouse/helpers.ts';

afterAll(() => stopSyncReader());

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 11, 31);
const noWait = (): Promise<void> => Promise.resolve();

let fake: FakeBinanceMarket;
beforeEach(async () => {
  fake = await FakeBinanceMarket.start();
});
afterEach(async () => {
  await fake.close();
});

const klineQueries = (): Record<string, string>[] => fake.requests.filter((r) => r.path === '/api/v3/klines').map((r) => r.query);

async function storedEquals(dir: string, symbol: string, ks: readonly Kline[]): Promise<void> {
  const s = await readStoredSeries(symbol, { dir });
  expect(s.length).toBe(ks.length);
  expect(Array.from(s.time.subarray(0, s.length))).toEqual(ks.map((k) => k.openMs));
  expect(Array.from(s.open.subarray(0, s.length))).toEqual(ks.map((k) => k.open));
  expect(Array.from(s.high.subarray(0, s.length))).toEqual(ks.map((k) => k.high));
  expect(Array.from(s.low.subarray(0, s.length))).toEqual(ks.map((k) => k.low));
  expect(Array.from(s.close.subarray(0, s.length))).toEqual(ks.map((k) => k.close));
  expect(Array.from(s.volume.subarray(0, s.length))).toEqual(ks.map((k) => k.volume));
}

describe('CcxtHistorySource (ccxt REST against the fake Binance server)', () => {
  it('resolves symbols from the markets and pages klines of at most 1000', async () => {
    fake.addHistory('BTCUSDT', '1h', makeKlines(T0, 1500, HOUR, 2, 42_000));
    const src = new CcxtHistorySource({ exchangeId: 'binance', venue: 'binance', baseUrl: fake.baseUrl });
    expect(src.maxPageBars).toBe(1000);
    expect(await src.prepare('BTCUSDT', '1h')).toEqual({ symbol: 'BTC/USDT', timeframeMs: HOUR });
    expect(await src.prepare('BTC/USDT', '1d')).toEqual({ symbol: 'BTC/USDT', timeframeMs: 86_400_000 });
    const page = await src.fetchPage({ symbol: 'BTC/USDT', timeframe: '1h', fromMs: T0 + HOUR, toMs: T0 + 2000 * HOUR, limit: 5000 });
    expect(page.length).toBe(1000);
    expect(page[0]).toEqual({ tsMs: T0 + HOUR, open: fake.history('BTCUSDT', '1h')[1]!.open, high: fake.history('BTCUSDT', '1h')[1]!.high, low: fake.history('BTCUSDT', '1h')[1]!.low, close: fake.history('BTCUSDT', '1h')[1]!.close, volume: fake.history('BTCUSDT', '1h')[1]!.volume });
    const cut = await src.fetchPage({ symbol: 'BTC/USDT', timeframe: '1h', fromMs: T0, toMs: T0 + 9 * HOUR, limit: 1000 });
    expect(cut.map((b) => b.tsMs)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * HOUR));
    expect(klineQueries().slice(-2)).toEqual([
      { symbol: 'BTCUSDT', interval: '1h', startTime: String(T0 + HOUR), endTime: String(T0 + 2000 * HOUR), limit: '1000' },
      { symbol: 'BTCUSDT', interval: '1h', startTime: String(T0), endTime: String(T0 + 9 * HOUR), limit: '1000' },
    ]);
    await expect(src.prepare('NOPE/USDT', '1h')).rejects.toThrow(/field "--symbol": unknown symbol "NOPE\/USDT" at binance/);
    await expect(src.prepare('BTC/USDT', '7m')).rejects.toThrow(/timeframe "7m"/);
    await src.close();
  });

  it('retries a failed loadMarkets with a reload, and 5xx / 429 answers with backoff', async () => {
    fake.addHistory('BTCUSDT', '1h', makeKlines(T0, 20, HOUR, 2, 42_000));
    const retries: string[] = [];
    const waits: number[] = [];
    const src = new CcxtHistorySource({ exchangeId: 'binance', baseUrl: fake.baseUrl, sleep: noWait, retryMaxMs: 800, onRetry: (r, _n, ms) => (retries.push(r), waits.push(ms)) });
    fake.failRest(1, 503, -1001, 'Internal error; unable to process your request. Please try again.');
    expect((await src.prepare('BTC/USDT', '1h')).symbol).toBe('BTC/USDT');
    expect(fake.requests.filter((r) => r.path === '/api/v3/exchangeInfo').length).toBe(2);
    fake.failRest(1, 429, -1003, 'Too many requests; current limit of IP is 6000 requests per minute.', 1);
    fake.failRest(1, 502, -1000, 'Bad gateway');
    const page = await src.fetchPage({ symbol: 'BTC/USDT', timeframe: '1h', fromMs: T0, toMs: T0 + 100 * HOUR, limit: 1000 });
    expect(page.length).toBe(20);
    expect(retries.length).toBe(3);
    expect(retries[1]).toMatch(/429|Too many requests|RateLimit|DDoS/);
    expect(waits[1]).toBe(1000);
    expect(waits[0]! < 800 && waits[2]! < 800).toBe(true);
    // A rejection that is final (bad symbol at the venue) is not retried.
    fake.failRest(1, 400, -1121, 'Invalid symbol.');
    await expect(src.fetchPage({ symbol: 'BTC/USDT', timeframe: '1h', fromMs: T0, toMs: T0 + HOUR, limit: 10 })).rejects.toThrow(/Invalid symbol/);
    expect(retries.length).toBe(3);
    // Unreachable for good: a RetryableVenueError after the last attempt, saying how many.
    fake.failRest(6, 503, -1001, 'Internal error; unable to process your request. Please try again.');
    const gave = await src.fetchPage({ symbol: 'BTC/USDT', timeframe: '1h', fromMs: T0, toMs: T0 + HOUR, limit: 10 }).catch((x: unknown) => x);
    expect(gave).toBeInstanceOf(RetryableVenueError);
    expect((gave as Error).message).toMatch(/^ccxt:binance did not answer after 6 attempts: OperationFailed: binance \{"code":-1001/);
    await src.close();
  });

  it('keeps keys out of errors and retry reports, even when the venue echoes them', async () => {
    const key = 'PUBKEY-0a1b2c3d4e';
    const secret = 'SECRET-9z8y7x6w5v';
    const retries: string[] = [];
    const src = new CcxtHistorySource({ exchangeId: 'binance', baseUrl: fake.baseUrl, apiKey: key, secret, sleep: noWait, onRetry: (r) => retries.push(r) });
    await src.prepare('BTC/USDT', '1h');
    fake.failRest(1, 503, -1001, `Internal error for ${key}`);
    fake.failRest(1, 400, -1121, `Invalid symbol. (${key} ${secret})`);
    const e = (await src.fetchPage({ symbol: 'BTC/USDT', timeframe: '1h', fromMs: T0, toMs: T0 + HOUR, limit: 10 }).catch((x: unknown) => x)) as Error;
    expect(e).toBeInstanceOf(VenueRejectedError);
    expect(e.message).toContain('Invalid symbol.');
    for (const text of [e.message, e.stack ?? '', ...retries]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(secret);
    }
    expect(retries.length).toBe(1);
    await src.close();
  });
});

describe('downloadHistory into the warehouse', () => {
  it('pages the whole range; the warehouse then equals the venue klines; a second run fetches only what is new', async () => {
    const ks = makeKlines(T0, 2500, HOUR, 4, 42_000);
    fake.addHistory('BTCUSDT', '1h', ks);
    const dir = tempDir('sextant-dl-');
    const progress: number[] = [];
    const r = await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: NOW, onProgress: (p) => progress.push(p.fetched) });
    expect(r).toMatchObject({ venue: 'binance', symbol: 'BTC/USDT', storedAs: 'BTC/USDT', fetched: 2500, before: 0, after: 2500, first: new Date(T0).toISOString(), last: new Date(ks[2499]!.openMs).toISOString() });
    expect(progress).toEqual([1000, 2000, 2500]);
    expect(klineQueries().map((q) => Number(q.startTime))).toEqual([T0, T0 + 1000 * HOUR, T0 + 2000 * HOUR, T0 + 2500 * HOUR]);
    await storedEquals(dir, 'BTC/USDT', ks);

    const more = makeKlines(T0 + 2500 * HOUR, 30, HOUR, 5, ks[2499]!.close);
    fake.addHistory('BTCUSDT', '1h', more);
    fake.requests.length = 0;
    const r2 = await downloadHistory({ venue: 'binance', symbol: 'BTCUSDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: NOW });
    expect(r2).toMatchObject({ fetched: 30, before: 2500, after: 2530 });
    expect(Number(klineQueries()[0]!.startTime)).toBe(T0 + 2500 * HOUR);
    await storedEquals(dir, 'BTC/USDT', [...ks, ...more]);

    fake.requests.length = 0;
    const r3 = await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: NOW });
    expect(r3).toMatchObject({ fetched: 0, after: 2530 });
    expect(klineQueries().length).toBe(1);
  });

  it('fetches what lies before the stored bars when --from is earlier, and stores only closed bars', async () => {
    const ks = makeKlines(T0, 300, HOUR, 6, 42_000);
    fake.addHistory('BTCUSDT', '1h', ks);
    const dir = tempDir('sextant-dl-');
    await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: new Date(ks[100]!.openMs).toISOString(), to: new Date(ks[199]!.openMs).toISOString(), baseUrl: fake.baseUrl, dir, nowMs: NOW });
    await storedEquals(dir, 'BTC/USDT', ks.slice(100, 200));
    // "Now" is inside bar 250: bars up to 249 are closed; 250 is still forming and is not stored.
    const now = ks[250]!.openMs + HOUR / 2;
    const r = await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: now });
    expect(r).toMatchObject({ fetched: 150, before: 100, after: 250 });
    await storedEquals(dir, 'BTC/USDT', ks.slice(0, 250));
    // A bar that ended 2 s ago may still be forming at a venue whose clock is behind ours: it waits for the next run.
    const dir2 = tempDir('sextant-dl-');
    await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir: dir2, nowMs: ks[10]!.openMs + 2_000 });
    await storedEquals(dir2, 'BTC/USDT', ks.slice(0, 9));
  });

  it('resumes a download that died mid-way: nothing lost, nothing doubled', async () => {
    const ks = makeKlines(T0, 3200, HOUR, 8, 42_000);
    fake.addHistory('BTCUSDT', '1h', ks);
    const dir = tempDir('sextant-dl-');
    const real = new CcxtHistorySource({ exchangeId: 'binance', venue: 'binance', baseUrl: fake.baseUrl });
    let pages = 0;
    const dying: HistorySource = {
      venue: real.venue, maxPageBars: real.maxPageBars, prepare: (s, t) => real.prepare(s, t), close: () => real.close(),
      fetchPage: async (req) => {
        if (++pages === 3) throw new Error('connection reset (the process died here)');
        return real.fetchPage(req);
      },
    };
    await expect(downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: '2024-01-01', dir, nowMs: NOW, source: dying, flushEveryMs: 0 })).rejects.toThrow(/process died/);
    await storedEquals(dir, 'BTC/USDT', ks.slice(0, 2000));
    fake.requests.length = 0;
    const r = await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: NOW });
    expect(r).toMatchObject({ fetched: 1200, before: 2000, after: 3200 });
    expect(Number(klineQueries()[0]!.startTime)).toBe(T0 + 2000 * HOUR);
    await storedEquals(dir, 'BTC/USDT', ks);
  });

  it('takes any ccxt exchange as ccxt:<id>, pointed at a compatible server by baseUrl', async () => {
    const ks = makeKlines(T0, 1200, HOUR, 10, 42_000);
    fake.addHistory('ETHUSDT', '1h', ks);
    const dir = tempDir('sextant-dl-');
    const r = await downloadHistory({ venue: 'ccxt:binanceus', symbol: 'ETH/USDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: NOW });
    expect(r).toMatchObject({ venue: 'ccxt:binanceus', symbol: 'ETH/USDT', fetched: 1200, after: 1200 });
    await storedEquals(dir, 'ETH/USDT', ks);
  });

  it('refuses to mix timeframes under one symbol (use --as)', async () => {
    fake.addHistory('BTCUSDT', '1h', makeKlines(T0, 48, HOUR, 9, 42_000));
    fake.addHistory('BTCUSDT', '1d', makeKlines(T0, 10, 86_400_000, 9, 42_000));
    const dir = tempDir('sextant-dl-');
    await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1h', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: NOW });
    await expect(downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1d', from: '2024-01-01', baseUrl: fake.baseUrl, dir, nowMs: NOW }))
      .rejects.toThrow(/holds BTC\/USDT as 1h bars, not 1d; store these under another name with --as/);
    const r = await downloadHistory({ venue: 'binance', symbol: 'BTC/USDT', timeframe: '1d', from: '2024-01-01', as: 'btcusdt-1d', baseUrl: fake.baseUrl, dir, nowMs: NOW });
    expect(r).toMatchObject({ storedAs: 'BTCUSDT-1D', fetched: 10 });
  });
});
