// `sextant data download --venue alpaca`: Alpaca's bars (Market Data API through the SDK) paged into the
// warehouse through the same download use case as ccxt venues, against the fake Alpaca data server.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { downloadHistory } from '../../src/app/download.ts';
import { readStoredSeries } from '../../src/app/warehouse.ts';
import { createAlpacaHistorySource } from '../../src/brokers/alpaca/history-source.ts';
import { stopSyncReader } from '../../src/store/warehouse/index.ts';
import { FakeAlpacaDataServer } from '../fakes/alpaca/data-server.ts';
import { tempDir } from '../warehouse/helpers.ts';

const MIN = 60_000;
const T = Date.UTC(2024, 2, 5, 14, 30);
/** A session of `n` minute bars from `start`, then the night: the next session 17.5 hours later. */
const session = (start: number, n: number, base: number) => Array.from({ length: n }, (_, i) => ({ t: start + i * MIN, o: base + i, h: base + i + 1, l: base + i - 1, c: base + i + 0.5, v: 100 + i }));

let server: FakeAlpacaDataServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => stopSyncReader());

describe('Alpaca history as a download source', () => {
  it('fills each page across the night gap, and the warehouse then holds exactly the venue bars', async () => {
    server = await FakeAlpacaDataServer.start();
    server.pageSize = 50;
    const day1 = session(T, 390, 100);
    const day2 = session(T + 24 * 60 * MIN, 390, 200);
    server.history.set('AAPL', [...day1, ...day2]);
    const source = createAlpacaHistorySource({ keyId: server.keyId, secretKey: server.secretKey, dataUrl: server.dataUrl });
    expect(await source.prepare('AAPL', '1m')).toEqual({ symbol: 'AAPL', timeframeMs: MIN });
    await expect(source.prepare('AAPL', '2m')).rejects.toThrow(/no "2m" bars/);
    // A page of 450 from the last 100 bars of day 1 goes on past the night into day 2 for the other 350;
    // a page the range ends first is shorter.
    const page = await source.fetchPage({ symbol: 'AAPL', timeframe: '1m', fromMs: day1[290]!.t, toMs: day2[389]!.t, limit: 450 });
    expect(page.map((b) => b.tsMs)).toEqual([...day1.slice(290), ...day2.slice(0, 350)].map((b) => b.t));
    expect(await source.fetchPage({ symbol: 'AAPL', timeframe: '1m', fromMs: day2[300]!.t, toMs: day2[389]!.t, limit: 450 })).toHaveLength(90);

    const dir = tempDir('sextant-alpaca-dl-');
    const r = await downloadHistory({ venue: 'alpaca', symbol: 'AAPL', timeframe: '1m', from: new Date(T).toISOString(), baseUrl: server.dataUrl, apiKey: server.keyId, secret: server.secretKey, dir, nowMs: day2[389]!.t + 10 * MIN });
    expect(r).toMatchObject({ venue: 'alpaca', fetched: 780, after: 780 });
    const s = await readStoredSeries('AAPL', { dir });
    expect(Array.from(s.time.subarray(0, s.length))).toEqual([...day1, ...day2].map((b) => b.t));
    expect(Array.from(s.close.subarray(0, s.length))).toEqual([...day1, ...day2].map((b) => b.c));
  });
});
