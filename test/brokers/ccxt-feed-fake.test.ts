// The fake Binance market-data server speaks Binance's protocol to any client, not only to ccxt: a raw
// WebSocket client subscribes with ids, lists its subscriptions, gets combined-stream payloads, and plain
// fetch() reads REST klines and errors as Binance documents them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeKlines } from '../fakes/binance/market-klines.ts';
import { FakeBinanceMarket } from '../fakes/binance/market-server.ts';

const T0 = Date.UTC(2024, 0, 1);

let fake: FakeBinanceMarket;
beforeEach(async () => {
  fake = await FakeBinanceMarket.start();
});
afterEach(async () => {
  await fake.close();
});

function open(url: string): Promise<{ ws: WebSocket; next: () => Promise<unknown> }> {
  const ws = new WebSocket(url);
  const queue: unknown[] = [];
  const waiting: ((v: unknown) => void)[] = [];
  ws.on('message', (d) => {
    const v = JSON.parse(String(d)) as unknown;
    const w = waiting.shift();
    if (w) w(v);
    else queue.push(v);
  });
  const next = (): Promise<unknown> => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r)));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, next }));
    ws.on('error', reject);
  });
}

describe('fake Binance market-data server', () => {
  it('answers SUBSCRIBE / LIST_SUBSCRIPTIONS with ids and sends combined-stream payloads on /stream', async () => {
    const { ws, next } = await open(`ws://127.0.0.1:${fake.port}/stream?streams=btcusdt@trade`);
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@kline_1m', 'ethusdt@bookTicker'], id: 7 }));
    expect(await next()).toEqual({ result: null, id: 7 });
    ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 8 }));
    expect(await next()).toEqual({ result: ['btcusdt@trade', 'btcusdt@kline_1m', 'ethusdt@bookTicker'], id: 8 });
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['nope@trade'], id: 9 }));
    expect(await next()).toEqual({ error: { code: 2, msg: 'Invalid request: unknown stream nope@trade' }, id: 9 });
    const [k] = makeKlines(T0, 1, 60_000, 1, 100);
    fake.closeBar('BTCUSDT', '1m', k!);
    expect(await next()).toMatchObject({ stream: 'btcusdt@kline_1m', data: { e: 'kline', s: 'BTCUSDT', k: { t: T0, T: T0 + 59_999, i: '1m', x: true, o: k!.open.toFixed(8) } } });
    fake.trade('BTCUSDT', { price: 100.5, qty: 2, buyerIsMaker: false, timeMs: T0 + 61_000 });
    expect(await next()).toEqual({ stream: 'btcusdt@trade', data: { e: 'trade', E: T0 + 61_001, s: 'BTCUSDT', t: 1000, p: '100.50000000', q: '2.00000000', T: T0 + 61_000, m: false, M: true } });
    ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 10 }));
    expect(await next()).toEqual({ result: null, id: 10 });
    fake.trade('BTCUSDT', { price: 101, qty: 1, buyerIsMaker: true, timeMs: T0 + 62_000 });
    fake.bookTicker('ETHUSDT', { bid: 2000, bidQty: 1, ask: 2000.5, askQty: 3 });
    expect(await next()).toEqual({ stream: 'ethusdt@bookTicker', data: { u: 5000, s: 'ETHUSDT', b: '2000.00000000', B: '1.00000000', a: '2000.50000000', A: '3.00000000' } });
    ws.close();
  });

  it('serves klines by startTime / endTime / limit, the latest ones without startTime, and Binance error codes', async () => {
    fake.addHistory('BTCUSDT', '1h', makeKlines(T0, 1500, 3_600_000, 3, 100));
    const get = async (q: string): Promise<{ status: number; body: unknown }> => {
      const r = await fetch(`${fake.baseUrl}/api/v3/klines?${q}`);
      return { status: r.status, body: await r.json() };
    };
    const page = await get(`symbol=BTCUSDT&interval=1h&startTime=${T0}&limit=1000`);
    expect((page.body as unknown[]).length).toBe(1000);
    const first = (page.body as unknown[][])[0]!;
    expect(first.length).toBe(12);
    expect(first[0]).toBe(T0);
    expect(first[6]).toBe(T0 + 3_599_999);
    const latest = (await get('symbol=BTCUSDT&interval=1h&limit=2')).body as unknown[][];
    expect(latest.map((k) => k[0])).toEqual([T0 + 1498 * 3_600_000, T0 + 1499 * 3_600_000]);
    const window = (await get(`symbol=BTCUSDT&interval=1h&startTime=${T0}&endTime=${T0 + 2 * 3_600_000}`)).body as unknown[][];
    expect(window.length).toBe(3);
    expect(await get('symbol=BTCUSDT&interval=1h&limit=1001')).toEqual({ status: 400, body: { code: -1130, msg: "Data sent for parameter 'limit' is not valid." } });
    expect(await get('symbol=XXX&interval=1h')).toEqual({ status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
    expect(await get('symbol=BTCUSDT&interval=7m')).toEqual({ status: 400, body: { code: -1120, msg: 'Invalid interval.' } });
  });
});
