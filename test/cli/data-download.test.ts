// `sextant data download` as a user runs it (a spawned `node bin/sextant.js`, the sources under test) against
// the fake Binance server: the warehouse ends up equal to the venue's klines, a killed download resumes where
// its last write ended, and bad input is exit 2 naming the flag before any network call.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { stopSyncReader } from '../../src/store/warehouse/index.ts';
import { makeKlines, type Kline } from '../fakes/binance/market-klines.ts';
import { FakeBinanceMarket } from '../fakes/binance/market-server.ts';
import { sextant, storedBars as stored } from '../helpers/download-cli.ts';
import { tempDir } from '../warehouse/helpers.ts';

afterAll(() => stopSyncReader());

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

async function inProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
  return { code, out, err };
}

type Ohlcv = Omit<Kline, 'trades'>;

const strip = (ks: readonly Ohlcv[]): Ohlcv[] => ks.map(({ openMs, open, high, low, close, volume }) => ({ openMs, open, high, low, close, volume }));

let fake: FakeBinanceMarket;
beforeEach(async () => {
  fake = await FakeBinanceMarket.start();
});
afterEach(async () => {
  await fake.close();
});

describe('sextant data download', () => {
  it('downloads into the warehouse with progress on stderr, then answers "up to date"', async () => {
    const ks = makeKlines(T0, 2300, MIN, 12, 42_000);
    fake.addHistory('BTCUSDT', '1m', ks);
    const wh = tempDir('sextant-dl-cli-');
    const args = ['data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--from', '2024-01-01', '--to', '2024-01-02', '--base-url', fake.baseUrl, '--warehouse', wh];
    const r = await sextant(args);
    expect(r.err).toMatch(/^BTC\/USDT 1m: 1000 bar\(s\) fetched, 1000 stored|^BTC\/USDT 1m: 1000 bar\(s\) fetched, 0 stored/);
    expect(r.code).toBe(0);
    const file = join(wh, 'bars', `symbol=${encodeURIComponent('BTC/USDT')}`, 'bars.parquet');
    expect(r.out).toBe(`BTC/USDT: 2300 1m bar(s) downloaded from binance in 4 request(s); 2300 stored (2024-01-01T00:00:00.000Z .. ${new Date(ks[2299]!.openMs).toISOString()}) in ${file}\n`);
    expect(strip(await stored(wh, 'BTC/USDT'))).toEqual(strip(ks));
    const again = await inProcess([...args, '--json', '-']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ venue: 'binance', symbol: 'BTC/USDT', storedAs: 'BTC/USDT', fetched: 0, before: 2300, after: 2300, to: '2024-01-02T23:59:59.999Z' });
  });

  it('resumes a download killed mid-way (kill -9): it starts after the last stored bar and nothing is stored twice', async () => {
    const ks = makeKlines(T0, 20_000, MIN, 13, 42_000);
    fake.addHistory('BTCUSDT', '1m', ks);
    fake.klinesDelayMs = 250;
    const wh = tempDir('sextant-dl-kill-');
    const file = join(wh, 'bars', `symbol=${encodeURIComponent('BTC/USDT')}`, 'bars.parquet');
    const args = ['data', 'download', '--venue', 'binance', '--symbol', 'BTCUSDT', '--timeframe', '1m', '--from', '2024-01-01', '--to', '2024-01-31', '--base-url', fake.baseUrl, '--warehouse', wh];
    const killed = await sextant(args, { killWhen: () => existsSync(file) });
    expect(killed.signal).toBe('SIGKILL');
    const partial = await stored(wh, 'BTC/USDT');
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(ks.length);
    expect(strip(partial)).toEqual(strip(ks.slice(0, partial.length)));
    fake.klinesDelayMs = 0;
    fake.requests.length = 0;
    const r = await sextant([...args, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(Number(fake.requests.find((q) => q.path === '/api/v3/klines')!.query.startTime)).toBe(partial[partial.length - 1]!.openMs + MIN);
    expect(strip(await stored(wh, 'BTC/USDT'))).toEqual(strip(ks));
  });

  it.each([
    [['--venue', 'nasdaq'], '--venue', 'unknown venue "nasdaq"'],
    [['--venue', 'ccxt:nosuchexchange'], 'exchange', 'unknown ccxt exchange "nosuchexchange"'],
    [['--venue', 'yahoo', '--timeframe', '1h'], '--timeframe', 'Yahoo gives daily bars here: use --timeframe 1d'],
    [['--from', '2024-02-01', '--to', '2024-01-01'], '--from', '--from 2024-02-01 is after --to 2024-01-01'],
    [['--from', '2024-02-30'], '--from', '--from must be a date'],
    [['--from', '2999-01-01'], '--from', 'is in the future'],
    [['--timeframe', '4h'], '--timeframe', '--timeframe must be one of'],
    [['--as', 'bad name!'], '--as', 'bad symbol "bad name!"'],
    [['--base-url', 'ftp://x'], '--base-url', 'is not an http(s) url'],
  ])('%j is exit 2 naming %s, before any network call', async (extra, field, message) => {
    const base = { '--venue': 'binance', '--symbol': 'BTC/USDT', '--from': '2024-01-01', '--base-url': fake.baseUrl };
    const flags = new Map(Object.entries(base));
    for (let i = 0; i < extra.length; i += 2) flags.set(extra[i]!, extra[i + 1]!);
    const r = await inProcess(['data', 'download', ...[...flags].flat(), '--warehouse', tempDir('sextant-dl-bad-')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(field);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(fake.requests).toEqual([]);
  });

  it('says so in one line when the venue refuses, keeping what was stored (exit 1, no stack)', async () => {
    fake.addHistory('BTCUSDT', '1h', makeKlines(T0, 10, 3_600_000, 3, 42_000));
    fake.failRest(1, 400, -1121, 'Invalid symbol.', undefined, '/api/v3/klines');
    const r = await inProcess(['data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT', '--timeframe', '1h', '--from', '2024-01-01', '--base-url', fake.baseUrl, '--warehouse', tempDir('sextant-dl-refused-')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('sextant data download: binance refused the request: BadSymbol: binance {"code":-1121,"msg":"Invalid symbol."}; the bars stored so far are kept: run the same command to continue\n');
  });

  it('says which symbol the venue does not know (exit 2)', async () => {
    const r = await sextant(['data', 'download', '--venue', 'binance', '--symbol', 'BTC/EUR', '--from', '2024-01-01', '--base-url', fake.baseUrl, '--warehouse', tempDir('sextant-dl-bad-')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown symbol "BTC/EUR" at binance (did you mean BTC/USDT?)');
  });
});
