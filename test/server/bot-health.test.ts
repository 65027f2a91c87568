// A bot's health as the API shows it (the dashboard's "data staleness" and "venue connection"): how old the
// newest bar is on the node's clock, the venue feed's connection from its status events and the broker
// link of a live bot; in each bot's status (REST) and each second on the WebSocket's `equity` topic. A paper
// bot on the synthetic market has fresh data and no feed or broker link; a live bot on the fake Binance
// venue is connected on both links until the venue goes away. The risk state names the run's breakers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeBinanceVenue } from '../fakes/binance/venue.ts';
import { startApiServer, TRADING_BOT, waitFor, type ApiServer } from '../helpers/api-server.ts';

interface Health {
  lastBarMs: number | null;
  dataAgeMs: number | null;
  barMs: number | null;
  feed: { state: string; message: string; tsMs: number } | null;
  venue: { name: string; connection: string } | null;
}
interface BotJson { state: string; status: { nowMs: number | null; health: Health } | null }

describe('bot health through the API', () => {
  let venue: FakeBinanceVenue;
  let api: ApiServer;
  const bot = async (id: string): Promise<BotJson> => {
    const r = await api.call('GET', `/api/v1/bots/${id}`, { token: api.tokens.read });
    expect(r.status, r.text).toBe(200);
    return r.json as BotJson;
  };
  beforeAll(async () => {
    venue = await FakeBinanceVenue.start({ startPrice: 30_000 });
    api = await startApiServer({ url: 'memory://' });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await venue?.close();
  }, 60_000);

  it('a paper bot: fresh data within a bar or two, advancing; no feed or broker link; health on the equity topic; its breakers named', async () => {
    const body = { ...TRADING_BOT, risk: { breakers: { consecutiveLosses: { losses: 50 } } } };
    expect((await api.call('POST', '/api/v1/bots', { token: api.tokens.trade, body })).status).toBe(201);
    expect((await api.call('POST', '/api/v1/bots/b1/start', { token: api.tokens.trade })).status).toBe(200);
    const first = await waitFor('a first bar', async () => ((await bot('b1')).status?.health.lastBarMs != null ? bot('b1') : null));
    const h = first.status!.health;
    expect(h).toMatchObject({ barMs: TRADING_BOT.barMs, feed: null, venue: null });
    // The stalest symbol's last bar closed at most a bar (plus scheduling) before the node's now.
    expect(h.dataAgeMs).toBe(first.status!.nowMs! - h.lastBarMs!);
    expect(h.dataAgeMs!).toBeGreaterThanOrEqual(0);
    expect(h.dataAgeMs!).toBeLessThan(3 * TRADING_BOT.barMs + 1000);
    await waitFor('newer bars', async () => ((await bot('b1')).status!.health.lastBarMs! > h.lastBarMs! ? true : null), 10_000);

    const risk = (await api.call('GET', '/api/v1/bots/b1/risk', { token: api.tokens.read })).json as { breakers: string[]; tripped: unknown[] };
    expect(risk.breakers.sort()).toEqual(['consecutive-losses', 'kill-switch']);

    // Each second on the WebSocket, with the equity.
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/v1/ws`, { headers: { authorization: `Bearer ${api.tokens.read}` } });
    const got: { type: string; topic?: string; data?: { equity: number; health: Health } }[] = [];
    ws.on('message', (raw) => got.push(JSON.parse(raw.toString()) as (typeof got)[number]));
    await new Promise<void>((res, rej) => ws.once('open', () => res()).once('error', rej));
    ws.send(JSON.stringify({ op: 'subscribe', bot: 'b1', topics: ['equity'] }));
    const tick = await waitFor('an equity message', () => Promise.resolve(got.find((m) => m.type === 'message' && m.topic === 'equity') ?? null), 5000);
    expect(tick.data!.health).toMatchObject({ barMs: TRADING_BOT.barMs, feed: null, venue: null });
    expect(tick.data!.health.lastBarMs).toBeGreaterThanOrEqual(h.lastBarMs!);
    ws.close();
    expect((await api.call('POST', '/api/v1/bots/b1/stop', { token: api.tokens.trade })).status).toBe(200);
    expect((await bot('b1')).status).toBeNull();
    expect(((await api.call('GET', '/api/v1/bots/b1/risk', { token: api.tokens.read })).json as { breakers: string[] }).breakers).toEqual([]);
  }, 60_000);

  it('a live bot: the broker link and the market-data feed connected, then both lost when the venue goes away', async () => {
    const admin = api.tokens.admin;
    const urls = { baseUrl: venue.baseUrl, streamUrl: venue.streamUrl };
    const key = await api.call('POST', '/api/v1/credentials', { token: admin, body: { venue: 'binance', label: 'fake', secrets: { apiKey: venue.apiKey, apiSecret: venue.secret } } });
    expect(key.status, key.text).toBe(201);
    const body = { name: 'live1', mode: 'live', venue: 'binance', ...urls, symbols: ['BTC/USDT'], timeframe: '1s', warmup: 0, cash: 2000, strategies: [{ name: 'sma-cross' }], params: { fast: 2, slow: 4 } };
    expect((await api.call('POST', '/api/v1/bots', { token: admin, body })).status).toBe(201);
    const started = await api.call('POST', '/api/v1/bots/live1/start', { token: admin });
    expect(started.status, started.text).toBe(200);

    const live = await waitFor('connected links and a bar', async () => {
      const h = (await bot('live1')).status?.health;
      return h?.feed?.state === 'connected' && h.lastBarMs !== null ? h : null;
    }, 20_000);
    expect(live.venue).toEqual({ name: 'binance', connection: 'connected' });
    expect(live.barMs).toBe(1000);
    expect(live.feed!.message).toBe('binance market data flowing');
    expect(live.dataAgeMs!).toBeLessThan(5000);

    // The venue goes away: the feed says it dropped, the broker link leaves `connected`, and the data ages.
    const goneMs = Date.now();
    await venue.close();
    const lost = await waitFor('both links lost', async () => {
      const h = (await bot('live1')).status?.health;
      return h?.feed?.state === 'disconnected' && h.venue?.connection !== 'connected' ? h : null;
    }, 20_000);
    expect(lost.feed!.tsMs).toBeGreaterThanOrEqual(goneMs);
    expect(lost.feed!.message).toMatch(/binance market data .*dropped/);
    expect(['reconnecting', 'disconnected', 'connecting']).toContain(lost.venue!.connection);
    await waitFor('stale data', async () => ((await bot('live1')).status!.health.dataAgeMs! > 2000 ? true : null), 10_000);
  }, 90_000);
});
