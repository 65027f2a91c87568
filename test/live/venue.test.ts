// The combined fake Binance venue: one port routes REST and WebSocket upgrades to the spot and market fakes
// by path, its clock is the wall clock, and its market driver quotes the matcher and closes bars on the
// interval's boundaries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeBinanceVenue, restBackend, streamBackend, venueSymbols, type BarClosed } from '../fakes/binance/venue.ts';

function open(url: string): Promise<WebSocket> {
  return new Promise((res, rej) => {
    const ws = new WebSocket(url);
    ws.once('open', () => res(ws));
    ws.once('error', rej);
  });
}

function next(ws: WebSocket, match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((res) => {
    const on = (raw: unknown): void => {
      const m = JSON.parse(String(raw)) as Record<string, unknown>;
      if (!match(m)) return;
      ws.off('message', on);
      res(m);
    };
    ws.on('message', on);
  });
}

describe('FakeBinanceVenue', () => {
  let venue: FakeBinanceVenue;
  beforeAll(async () => {
    venue = await FakeBinanceVenue.start({ startPrice: 30_000, drive: false });
  });
  afterAll(() => venue.close());

  it('routes each path to the fake that serves it', () => {
    expect(restBackend('/api/v3/klines')).toBe('market');
    expect(restBackend('/api/v3/ticker/bookTicker')).toBe('market');
    for (const p of ['/api/v3/order', '/api/v3/myTrades', '/api/v3/account', '/api/v3/exchangeInfo', '/api/v3/time']) expect(restBackend(p)).toBe('spot');
    expect(streamBackend('/ws-api/v3')).toBe('spot');
    expect(streamBackend('/ws')).toBe('market');
    expect(streamBackend('/ws/btcusdt@trade')).toBe('market');
    expect(streamBackend('/stream')).toBe('market');
    expect(streamBackend('/elsewhere')).toBeNull();
  });

  it('answers REST from both fakes on one port', async () => {
    const time = (await (await fetch(`${venue.baseUrl}/api/v3/time`)).json()) as { serverTime: number };
    expect(Math.abs(time.serverTime - Date.now())).toBeLessThan(5_000);
    const unsigned = await fetch(`${venue.baseUrl}/api/v3/account`);
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(venue.spot.log.some((l) => l.path === '/api/v3/account')).toBe(true);
    venue.driver.tick();
    const book = (await (await fetch(`${venue.baseUrl}/api/v3/ticker/bookTicker?symbol=BTCUSDT`)).json()) as { bidPrice: string; askPrice: string };
    expect(Number(book.askPrice) - Number(book.bidPrice)).toBeCloseTo(0.02, 8);
    expect(venue.market.requests.some((r) => r.path === '/api/v3/ticker/bookTicker')).toBe(true);
  });

  it('moves the market: quotes in the matcher, 1 s bars closed on the boundary, orders and trades on the wall clock', async () => {
    const market = await open(`${venue.streamUrl}/ws`);
    const trading = await open(`${venue.streamUrl}/ws-api/v3`);
    try {
      market.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@kline_1s', 'btcusdt@bookTicker'], id: 1 }));
      expect(await next(market, (m) => m.id === 1)).toEqual({ result: null, id: 1 });
      trading.send(JSON.stringify({ id: 'p', method: 'ping' }));
      expect((await next(trading, (m) => m.id === 'p')).status).toBe(200);
      const t0 = Math.floor(Date.now() / 1000) * 1000;
      venue.driver.tick(t0 + 100);
      const bars: BarClosed[] = [];
      venue.driver.on('bar', (b) => bars.push(b));
      venue.driver.tick(t0 + 600);
      expect(bars).toEqual([]);
      // (An earlier bar's frame may still be on its way: wait for this one.)
      const kline = next(market, (m) => m.e === 'kline' && (m.k as { t: number }).t === t0);
      venue.driver.tick(t0 + 1_050);
      const k = (await kline).k as { t: number; i: string; x: boolean };
      expect(k).toMatchObject({ t: t0, i: '1s', x: true });
      expect(bars.filter((b) => b.symbol === 'BTCUSDT').map((b) => b.openMs)).toEqual([t0]);
      const q = venue.spot.exchange.quoteOf('BTCUSDT')!;
      expect(q.ask - q.bid).toBeCloseTo(0.02, 8);
      expect(venue.driver.mid('BTCUSDT')).toBeCloseTo((q.bid + q.ask) / 2, 8);
      const placed = venue.spot.exchange.place({ clientOrderId: 'c1', symbol: 'BTCUSDT', side: 'buy', type: 'market', tif: 'GTC', qty: 0.01 });
      expect(placed.ok).toBe(true);
      expect(Math.abs(venue.spot.exchange.fills()[0]!.tsMs - Date.now())).toBeLessThan(1_000);
      venue.clockShiftMs = -3_600_000;
      venue.spot.exchange.place({ clientOrderId: 'c2', symbol: 'BTCUSDT', side: 'sell', type: 'market', tif: 'GTC', qty: 0.01 });
      venue.clockShiftMs = 0;
      expect(Date.now() - venue.spot.exchange.fills()[1]!.tsMs).toBeGreaterThan(3_590_000);
    } finally {
      market.close();
      trading.close();
    }
  });
});

describe('MarketDriver on its timer', () => {
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('sends a tick\'s quotes in slices with the event loop served between them; a tick by hand or stop() ends a sliced tick', async () => {
    const venue = await FakeBinanceVenue.start({ symbols: venueSymbols(120), drive: false, sliceSymbols: 50, tickMs: 60_000 });
    const quoted = (): number => venueSymbols(120).filter((s) => venue.spot.exchange.quoteOf(s.symbol) !== undefined).length;
    try {
      venue.driver.start();
      expect(quoted()).toBe(0);
      // Work queued meanwhile (an order request read off its socket) runs before the next slice goes out.
      let between = -1;
      setImmediate(() => (between = quoted()));
      await turn();
      expect(between).toBe(50);
      await turn();
      expect(quoted()).toBe(100);
      await turn();
      expect(quoted()).toBe(120);
      const ticks = venue.driver.ticks;
      // A tick by hand finishes the pending one first, then sends all its own quotes at once.
      venue.driver.stop();
      venue.driver.start();
      const mid = venue.driver.mid('S119USDT');
      venue.driver.tick();
      expect(venue.driver.ticks).toBe(ticks + 2);
      const after = venue.driver.mid('S119USDT');
      expect(after).not.toBe(mid);
      venue.driver.stop();
      await turn();
      expect(venue.driver.mid('S119USDT')).toBe(after);
      // stop() drops what a sliced tick has not sent yet.
      venue.driver.start();
      const before = venue.driver.mid('S119USDT');
      venue.driver.stop();
      await turn();
      await turn();
      await turn();
      expect(venue.driver.mid('S119USDT')).toBe(before);
    } finally {
      await venue.close();
    }
  });
});
