// Candles for charts over HTTP: a stored data set's 1m bars aggregated to 5m equal the OHLCV computed here by
// hand, indicator columns equal the registry's indicator run over those bars, a short answer's indicators
// equal a long one's (warm-up), windows; a running bot's 200 ms bars aggregated to 1 s equal its raw bars
// combined by hand, with its fills in the window; bad input is a 400 naming the field; a stopped bot a 409;
// read scope is enough and a login is needed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../src/app/warehouse.ts';
import { runIndicator } from '../../src/indicators/run.ts';
import { BarSeries } from '../../src/model/bar.ts';
import { startApiServer, startTradingBot, waitFor, type ApiServer } from '../helpers/api-server.ts';

interface Bar { tsMs: number; open: number; high: number; low: number; close: number; volume: number }
interface Candles {
  source: string; symbol: string; symbols: string[]; timeframe: string; timeframeMs: number; barMs: number; timeframes: string[];
  bars: Bar[]; indicators: { key: string; name: string; params: Record<string, unknown>; values: Record<string, (number | null)[]> }[];
  fills: { tsMs: number; side: string; price: number; qty: number; strategyId: string; orderId: string }[]; note: string | null;
}

const MIN = 60_000;
/** 1m bars from 10:02 (the first 5m period has three of them), a deterministic wiggle. */
const START = Date.UTC(2024, 2, 4, 10, 2);
const raw: Bar[] = Array.from({ length: 58 }, (_, i) => {
  const close = Math.round((100 + 5 * Math.sin(i / 4) + i * 0.1) * 100) / 100;
  const open = Math.round((close - Math.cos(i) * 0.4) * 100) / 100;
  return { tsMs: START + i * MIN, open, high: Math.max(open, close) + 0.25 + (i % 3) * 0.1, low: Math.min(open, close) - 0.2 - (i % 4) * 0.05, close, volume: 100 + i * 7 };
});

/** Bars combined by hand: first open, highest high, lowest low, last close, summed volume, per period start. */
function byHand(bars: readonly Bar[], periodMs: number): Bar[] {
  const out: Bar[] = [];
  for (const b of bars) {
    const start = Math.floor(b.tsMs / periodMs) * periodMs;
    const last = out[out.length - 1];
    if (last === undefined || last.tsMs !== start) out.push({ ...b, tsMs: start });
    else out[out.length - 1] = { ...last, high: Math.max(last.high, b.high), low: Math.min(last.low, b.low), close: b.close, volume: last.volume + b.volume };
  }
  return out;
}

const seriesOf = (bars: readonly Bar[]): BarSeries => BarSeries.fromBars('X', bars.map((b) => ({ ...b, tsEventMs: b.tsMs })));

let api: ApiServer;
let bot: string;
let files: string;

const get = async (path: string, token = api.tokens.read): Promise<{ status: number; json: Candles & { field?: string; message?: string } }> => {
  const a = await api.call('GET', path, { token });
  return { status: a.status, json: a.json as Candles & { field?: string; message?: string } };
};

beforeAll(async () => {
  api = await startApiServer({});
  files = mkdtempSync(join(tmpdir(), 'sextant-candles-'));
  const csv = join(files, 'm1.csv');
  writeFileSync(csv, ['time,open,high,low,close,volume', ...raw.map((b) => `${new Date(b.tsMs).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`)].join('\n') + '\n');
  await importBars({ source: `csv:${csv}`, symbol: 'M1', dir: api.server.services.jobs.warehouse.dir });
  bot = await startTradingBot(api);
  await api.call('POST', '/api/v1/bots', { token: api.tokens.admin, body: { name: 'idle', strategies: [{ name: 'rsi' }], symbols: ['BTC-USD'] } });
}, 60_000);

afterAll(async () => {
  await api?.close();
  if (files !== undefined) rmSync(files, { recursive: true, force: true });
}, 30_000);

describe('GET /api/v1/data/candles', () => {
  it('answers a stored data set as stored without a timeframe, and aggregated 1m -> 5m as computed by hand', async () => {
    const asStored = await get('/api/v1/data/candles?source=store&symbol=M1');
    expect(asStored.status).toBe(200);
    expect(asStored.json).toMatchObject({ source: 'store', symbol: 'M1', symbols: ['M1'], timeframe: '1m', barMs: MIN, timeframeMs: MIN, fills: [] });
    expect(asStored.json.timeframes).toEqual(['1m', '5m', '15m', '1h', '4h', '1d']);
    expect(asStored.json.bars).toEqual(raw);

    const five = await get('/api/v1/data/candles?source=store&symbol=m1&timeframe=5m');
    expect(five.status).toBe(200);
    const expected = byHand(raw, 5 * MIN);
    expect(expected).toHaveLength(12);
    expect(expected[0]).toMatchObject({ tsMs: Date.UTC(2024, 2, 4, 10, 0), open: raw[0]!.open, close: raw[2]!.close, volume: raw[0]!.volume + raw[1]!.volume + raw[2]!.volume });
    expect(five.json.timeframe).toBe('5m');
    expect(five.json.timeframeMs).toBe(5 * MIN);
    expect(five.json.bars).toEqual(expected);
    const hour = await get('/api/v1/data/candles?source=store&symbol=M1&timeframe=1h');
    expect(hour.json.bars).toEqual(byHand(raw, 60 * MIN));
  });

  it('gives indicator columns equal to the registry indicator run over the aggregated bars, multi-output ones by output', async () => {
    const r = await get('/api/v1/data/candles?source=store&symbol=M1&timeframe=5m&indicators=sma:3,bbands:4:1.5,rsi:period=3,ema:5:high');
    expect(r.status).toBe(200);
    const agg = seriesOf(byHand(raw, 5 * MIN));
    expect(r.json.indicators.map((i) => i.key)).toEqual(['sma:3', 'bollinger:4:1.5', 'rsi:period=3', 'ema:5:high']);
    const direct = (name: string, params: Record<string, unknown>) => runIndicator(name, params, agg).values;
    expect(r.json.indicators[0]!.values).toEqual({ value: direct('sma', { period: 3 }) });
    expect(r.json.indicators[1]!.params).toEqual({ period: 4, mult: 1.5, source: 'close' });
    expect(r.json.indicators[1]!.values).toEqual(direct('bollinger', { period: 4, mult: 1.5 }));
    expect(Object.keys(r.json.indicators[1]!.values).sort()).toEqual(['lower', 'middle', 'upper']);
    expect(r.json.indicators[2]!.values).toEqual({ value: direct('rsi', { period: 3 }) });
    expect(r.json.indicators[3]!.values).toEqual({ value: direct('ema', { period: 5, source: 'high' }) });
    // Real numbers: SMA(3) of the third 5m bar is the mean of three closes.
    const closes = byHand(raw, 5 * MIN).map((b) => b.close);
    expect(r.json.indicators[0]!.values.value![2]).toBeCloseTo((closes[0]! + closes[1]! + closes[2]!) / 3, 12);
    expect(r.json.indicators[0]!.values.value![1]).toBeNull();
  });

  it('answers the latest `limit` bars with the same indicator values as the whole window (warmed up on earlier bars)', async () => {
    const whole = await get('/api/v1/data/candles?source=store&symbol=M1&timeframe=5m&indicators=sma:3,ema:4');
    const tail = await get('/api/v1/data/candles?source=store&symbol=M1&timeframe=5m&indicators=sma:3,ema:4&limit=2');
    expect(tail.json.bars).toEqual(whole.json.bars.slice(-2));
    for (const k of [0, 1]) expect(tail.json.indicators[k]!.values.value).toEqual(whole.json.indicators[k]!.values.value!.slice(-2));
    // A window by the bars' open times (a date as `to` is that whole day).
    const win = await get(`/api/v1/data/candles?source=store&symbol=M1&timeframe=5m&from=${new Date(START + 10 * MIN).toISOString()}&to=${START + 30 * MIN}`);
    expect(win.json.bars.map((b) => b.tsMs)).toEqual([15, 20, 25, 30].map((m) => Date.UTC(2024, 2, 4, 10, m)));
    expect((await get('/api/v1/data/candles?source=store&symbol=M1&to=2024-03-04')).json.bars).toHaveLength(raw.length);
    expect((await get('/api/v1/data/candles?source=store&symbol=M1&from=2024-03-05')).json.bars).toEqual([]);
  });

  it('answers the synthetic market by seed, with its symbols', async () => {
    const r = await get('/api/v1/data/candles?source=synthetic:7&symbol=SYN003&limit=30&indicators=sma:10');
    expect(r.status).toBe(200);
    expect(r.json.symbols).toHaveLength(10);
    expect(r.json.bars).toHaveLength(30);
    expect(r.json.timeframes).toEqual(['1d']);
    expect(r.json.indicators[0]!.values.value!.every((v) => typeof v === 'number')).toBe(true);
  });
});

describe('GET /api/v1/bots/:id/candles', () => {
  it("answers a running bot's raw bars, the same bars combined into 1 s periods, and its fills of the symbol in the window", async () => {
    await waitFor('fills and 15 bars', async () => {
      const r = await get(`/api/v1/bots/${bot}/candles`);
      return r.json.bars.length >= 15 && r.json.fills.length > 0;
    });
    const rawBars = await get(`/api/v1/bots/${bot}/candles?symbol=BTC-USD&limit=5000`);
    const sec = await get(`/api/v1/bots/${bot}/candles?symbol=BTC-USD&timeframe=1s&limit=5000`);
    expect(rawBars.json).toMatchObject({ source: `bot:${bot}`, symbol: 'BTC-USD', symbols: ['BTC-USD'], barMs: 200, timeframe: '200ms' });
    expect(sec.json.timeframe).toBe('1s');
    // The node may push a bar between the two reads: compare the periods the first read holds whole.
    const hand = byHand(rawBars.json.bars, 1000);
    const whole = hand.filter((b) => rawBars.json.bars.filter((r) => Math.floor(r.tsMs / 1000) * 1000 === b.tsMs).length === 5);
    expect(whole.length).toBeGreaterThanOrEqual(2);
    for (const b of whole) expect(sec.json.bars.find((s) => s.tsMs === b.tsMs)).toEqual(b);
    const first = sec.json.bars[0]!.tsMs;
    expect(sec.json.fills.length).toBeGreaterThan(0);
    for (const f of sec.json.fills) {
      expect(f.tsMs).toBeGreaterThanOrEqual(first);
      expect(['buy', 'sell']).toContain(f.side);
      expect(f.strategyId).toBe('sma-cross');
    }
    // The same fills as the bot's fill list (newest first there).
    const listed = (await api.call('GET', `/api/v1/bots/${bot}/fills?limit=5000`, { token: api.tokens.read })).json as { orderId: string; price: number; qty: number }[];
    for (const f of sec.json.fills) expect(listed.some((l) => l.orderId === f.orderId && l.price === f.price && l.qty === f.qty)).toBe(true);
  });

  it('computes indicators on the aggregated bars', async () => {
    const r = await get(`/api/v1/bots/${bot}/candles?timeframe=1s&indicators=sma:2`);
    const closes = r.json.bars.map((b) => b.close);
    const sma = r.json.indicators[0]!.values.value!;
    expect(sma).toHaveLength(closes.length);
    const n = closes.length - 1;
    expect(sma[n]).toBeCloseTo((closes[n]! + closes[n - 1]!) / 2, 10);
  });
});

describe('errors and scope', () => {
  it.each([
    ['a timeframe finer than the bars', '/api/v1/data/candles?source=store&symbol=M1&timeframe=15s', 'query.timeframe', /finer than the bars: M1 has 1m bars/],
    ['an unknown timeframe', `/api/v1/bots/{bot}/candles?timeframe=2m`, 'query.timeframe', /timeframe/],
    ['an unknown stored symbol', '/api/v1/data/candles?source=store&symbol=NOPE', 'query.symbol', /no stored bars of NOPE; stored: M1/],
    ["a symbol the bot does not trade", '/api/v1/bots/{bot}/candles?symbol=ETH-USD', 'query.symbol', /does not trade ETH-USD; its symbols: BTC-USD/],
    ['an unknown indicator', '/api/v1/bots/{bot}/candles?indicators=sma:5,nope:3', 'query.indicators', /no indicator "nope"/],
    ['a bad indicator param', '/api/v1/data/candles?source=store&symbol=M1&indicators=sma:0', 'query.indicators', /"sma:0"/],
    ['too many indicator params', '/api/v1/data/candles?source=store&indicators=rsi:3:close:9', 'query.indicators', /at most 2 params \(period, source\)/],
    ['a pair indicator', '/api/v1/data/candles?source=store&indicators=correlation', 'query.indicators', /needs two series/],
    ['a file as the source', '/api/v1/data/candles?source=csv:/etc/passwd', 'query.source', /expected store/],
    ['a bad time', '/api/v1/data/candles?source=store&from=yesterday', 'query.from', /not a time/],
    ['a limit above 5000', '/api/v1/data/candles?source=store&limit=5001', 'query.limit', /5000/],
  ])('%s is a 400 naming the field', async (_what, path, field, message) => {
    const r = await get(path.replace('{bot}', bot));
    expect(r.status).toBe(400);
    expect(r.json.field).toBe(field);
    expect(r.json.message).toMatch(message);
  });

  it('answers 409 for a stopped bot and 404 for an unknown one', async () => {
    const stopped = await get('/api/v1/bots/idle/candles');
    expect(stopped.status).toBe(409);
    expect(stopped.json.message).toMatch(/not running/);
    expect((await get('/api/v1/bots/nobody/candles')).status).toBe(404);
  });

  it('needs a login; read scope is enough', async () => {
    for (const path of [`/api/v1/bots/${bot}/candles`, '/api/v1/data/candles?source=synthetic']) {
      expect((await api.call('GET', path)).status).toBe(401);
      expect((await get(path, api.tokens.read)).status).toBe(200);
    }
  });
});
