// A live bot through the API against the fake Binance venue (its REST and WebSocket API at Binance's paths):
// the broker key is stored through the API (encrypted), tested by connecting, and used by the bot, which
// trades at the venue; only an admin may define or start a live bot; the key never comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBinanceVenue } from '../fakes/binance/venue.ts';
import { startApiServer, waitFor, type ApiServer } from '../helpers/api-server.ts';

describe('a live bot on a venue, through the API', () => {
  let venue: FakeBinanceVenue;
  let api: ApiServer;
  beforeAll(async () => {
    venue = await FakeBinanceVenue.start({ startPrice: 30_000 });
    api = await startApiServer({ url: 'memory://' });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await venue?.close();
  }, 60_000);

  it('stores and tests the key, refuses a trade token, trades at the venue with the stored key', async () => {
    const admin = api.tokens.admin;
    const urls = { baseUrl: venue.baseUrl, streamUrl: venue.streamUrl };
    // A wrong secret: the test says so, without the secret in its message.
    const wrong = await api.call('POST', '/api/v1/credentials', { token: admin, body: { venue: 'binance', label: 'wrong', secrets: { apiKey: venue.apiKey, apiSecret: 'not-the-secret-123' } } });
    expect(wrong.status, wrong.text).toBe(201);
    const wrongId = (wrong.json as { id: string }).id;
    const failed = await api.call('POST', `/api/v1/credentials/${wrongId}/test`, { token: admin, body: urls });
    expect(failed.status, failed.text).toBe(200);
    expect(failed.json).toMatchObject({ ok: false, venue: 'binance' });
    expect(failed.text).not.toContain('not-the-secret-123');
    expect((await api.call('DELETE', `/api/v1/credentials/${wrongId}`, { token: admin })).json).toEqual({ deleted: true });

    const key = await api.call('POST', '/api/v1/credentials', { token: admin, body: { venue: 'binance', label: 'fake venue', secrets: { apiKey: venue.apiKey, apiSecret: venue.secret } } });
    const keyId = (key.json as { id: string; mask: Record<string, string> }).id;
    const mask = (key.json as { mask: Record<string, string> }).mask.apiSecret!;
    expect(mask.startsWith('…') && venue.secret.endsWith(mask.slice(1)) && mask.length <= 5).toBe(true);
    const tested = await api.call('POST', `/api/v1/credentials/${keyId}/test`, { token: admin, body: urls });
    expect(tested.json, tested.text).toMatchObject({ ok: true, venue: 'binance' });
    expect((await api.call('POST', `/api/v1/credentials/${keyId}/test`, { token: api.tokens.trade, body: urls })).status).toBe(403);

    const bot = {
      name: 'live1', mode: 'live', venue: 'binance', ...urls, symbols: ['BTC/USDT'], timeframe: '1s', warmup: 0, cash: 2000,
      strategies: [{ name: 'sma-cross' }], params: { fast: 2, slow: 4 },
    };
    expect((await api.call('POST', '/api/v1/bots', { token: api.tokens.trade, body: bot })).status).toBe(403);
    // A paper bot whose strategy reads a model file from the server's disk: admin only too.
    const modelBot = { name: 'ml1', mode: 'paper', strategies: [{ name: 'ml-ensemble' }], params: { model: '/etc/passwd' } };
    const refusedModel = await api.call('POST', '/api/v1/bots', { token: api.tokens.trade, body: modelBot });
    expect({ status: refusedModel.status, field: (refusedModel.json as { field?: string }).field }).toEqual({ status: 403, field: 'body.params.model' });
    const created = await api.call('POST', '/api/v1/bots', { token: admin, body: bot });
    expect(created.status, created.text).toBe(201);
    expect((await api.call('POST', '/api/v1/bots/live1/start', { token: api.tokens.trade })).status).toBe(403);
    // Nor may a trader change its limits (a paper bot's, they may).
    const traderRisk = await api.call('PUT', '/api/v1/bots/live1/risk', { token: api.tokens.trade, body: { risk: { checks: { maxOrderNotional: 1e12 } } } });
    expect(traderRisk.status, traderRisk.text).toBe(403);
    expect(traderRisk.json).toMatchObject({ field: 'body.risk' });
    const started = await api.call('POST', '/api/v1/bots/live1/start', { token: admin });
    expect(started.status, started.text).toBe(200);
    expect(started.json).toMatchObject({ mode: 'live', state: 'running' });

    // It trades at the venue: the venue's fills are the bot's fills, one for one.
    const ex = venue.spot.exchange;
    await waitFor('a fill at the venue', () => Promise.resolve(ex.fills().length > 0), 60_000);
    // The venue's fills as of a moment, then the bot's (read after, so it may hold newer ones too).
    const { fills, venueFills } = await waitFor('the bot to record the venue fills', async () => {
      const vf = ex.fills();
      const f = (await api.call('GET', '/api/v1/bots/live1/fills?limit=5000', { token: api.tokens.read })).json as { orderId: string; qty: number; price: number }[];
      return f.length >= vf.length ? { fills: f, venueFills: vf } : null;
    }, 30_000);
    for (const vf of venueFills) expect(fills.some((f) => f.orderId === vf.clientOrderId && Math.abs(f.qty - vf.qty) < 1e-9 && Math.abs(f.price - vf.price) < 1e-6)).toBe(true);
    const account = (await api.call('GET', '/api/v1/bots/live1/account', { token: api.tokens.read })).json as { startingCash: number; source: string };
    expect(account).toMatchObject({ startingCash: 2000, source: 'node' });

    const stopped = await api.call('POST', '/api/v1/bots/live1/stop', { token: admin });
    expect(stopped.json).toMatchObject({ kind: 'stop', status: 'done' });
    // The secret never came back in any answer.
    expect(api.bodies.some((b) => b.includes(venue.secret))).toBe(false);
  }, 120_000);
});
