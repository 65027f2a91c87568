// OKX through the ccxt client, beyond the contract: client order ids written as OKX takes them (letters and
// digits, at most 32) and read back, the passphrase from OKX_API_PASSWORD (required, never shown), a wrong one
// refused at connect, and fees heard on the orders channel booked with the sign REST gives them.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { Order } from '../../src/model/order.ts';
import { clientIdCodec } from '../../src/brokers/ccxt/client-ids.ts';
import { createCcxtExecutionClient } from '../../src/brokers/ccxt/index.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { startOkxHarness, type OkxHarness } from '../fakes/okx/trade-setup.ts';

let h: OkxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('OKX client order ids', () => {
  const okx = clientIdCodec('okx');
  it('are written in letters and digits and read back as the Sextant id', () => {
    for (const id of ['O-1', 'run-O-12-tp', 'Z', 'AZ-Z', 'a_b.c:d/e', 'plain42']) {
      const v = okx.toVenue(id)!;
      expect(v).toMatch(/^[A-Za-z0-9]{1,32}$/);
      expect(okx.fromVenue(v)).toBe(id);
    }
    expect(okx.toVenue('O-1')).toBe('OZ2d1');
    // An id placed elsewhere (not one of ours) reads as it is.
    expect(okx.fromVenue('e847386590ce4dBC330547db94a08ba0')).toBe('e847386590ce4dBC330547db94a08ba0');
    expect(okx.fromVenue('Zq1')).toBe('Zq1');
  });

  it('that do not fit are refused before anything is sent', async () => {
    h = await startOkxHarness();
    const rec = new RecordingSink();
    const c = h.make(rec);
    await c.connect();
    h.trading.quote('BTC-USDT', { bid: 99, ask: 100 });
    const long = new Order(`strategy-with-a-long-name-${'x'.repeat(12)}-O-1`, 's', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1 }, 0);
    c.submit(long, 0);
    expect(long.status).toBe('rejected');
    expect(rec.orderEvents.at(-1)!.event).toMatchObject({ type: 'OrderRejected', reason: expect.stringContaining('OKX clOrdId') });
    expect(h.trading.exchange.requests).toEqual([]);
    expect(clientIdCodec('binance').toVenue(long.id)).toBe(long.id);
  });
});

describe('OKX credentials', () => {
  it('need OKX_API_PASSWORD with the key and secret, named without its value', () => {
    const env = { OKX_API_KEY: 'k'.repeat(16), OKX_API_SECRET: 's'.repeat(16) };
    expect(() => createCcxtExecutionClient({ exchangeId: 'okx', env }, new RecordingSink())).toThrow(ConfigError);
    expect(() => createCcxtExecutionClient({ exchangeId: 'okx', env }, new RecordingSink())).toThrow(/OKX_API_PASSWORD must be set/);
    expect(() => createCcxtExecutionClient({ exchangeId: 'okx', env: { ...env, OKX_API_PASSWORD: 'p'.repeat(12) } }, new RecordingSink())).not.toThrow();
    // Binance has no passphrase.
    expect(() => createCcxtExecutionClient({ exchangeId: 'binance', env: { BINANCE_API_KEY: 'k'.repeat(16), BINANCE_API_SECRET: 's'.repeat(16) } }, new RecordingSink())).not.toThrow();
  });

  it('from the environment log in; a wrong passphrase fails connect and is shown nowhere', async () => {
    h = await startOkxHarness({ passphrase: 'Right-Passphrase-1234' });
    const t = h.trading;
    const lines: string[] = [];
    const env = { OKX_API_KEY: t.apiKey, OKX_API_SECRET: t.secret, OKX_API_PASSWORD: 'Wrong-Passphrase-9876' };
    const wrongSink = new RecordingSink();
    const wrong = createCcxtExecutionClient({ exchangeId: 'okx', env, baseUrl: h.market.baseUrl, streamUrl: h.market.streamUrl, symbols: ['BTC/USDT'], timeoutMs: 1500, rateLimitMs: 1, log: (l) => lines.push(l) }, wrongSink);
    h.clients.push(wrong);
    const refused = await wrong.connect().then(() => null, (e: unknown) => e as Error);
    expect(refused).not.toBeNull();
    const texts = [String(refused), refused!.stack ?? '', inspect(refused), inspect(wrong), JSON.stringify(wrong), ...wrongSink.connection.map((c) => c.reason ?? ''), ...lines];
    for (const s of texts) expect(s).not.toContain('Wrong-Passphrase-9876');

    const good = createCcxtExecutionClient({ exchangeId: 'okx', env: { ...env, OKX_API_PASSWORD: 'Right-Passphrase-1234' }, baseUrl: h.market.baseUrl, streamUrl: h.market.streamUrl, symbols: ['BTC/USDT'], timeoutMs: 1500, rateLimitMs: 1 }, new RecordingSink());
    h.clients.push(good);
    await good.connect();
    await until(() => t.orderSubscribers === 1, 'subscribed to the orders channel');
    expect(t.logins.at(-1)).toBe(true);
  });
});

describe('OKX fees', () => {
  it('heard on the orders channel (negative fillFee) are booked as the positive commission REST reports', async () => {
    h = await startOkxHarness({ commissionRate: 0.001 });
    const rec = new RecordingSink();
    const c = h.make(rec, { fillWaitMs: 5_000 });
    await c.connect();
    await until(() => h!.trading.orderSubscribers === 1, 'subscribed to the orders channel');
    h.trading.quote('BTC-USDT', { bid: 99, ask: 100 });
    const o = new Order('F-1', 's', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 2 }, 0);
    c.submit(o, 0);
    await until(() => o.status === 'filled', 'filled');
    // Heard on the stream: no fills-history read was needed for it (the REST wait is 5 s).
    expect(h.trading.calls.filter((x) => x.includes('fills-history'))).toEqual([]);
    expect(rec.fills('F-1').map((f) => f.commission)).toEqual([0.2]);
    const reports = await c.fillsSince(0);
    expect(reports.map((f) => [f.clientOrderId, f.commission])).toEqual([['F-1', 0.2]]);
  });
});

describe('OKX orders channel', () => {
  it('a fill made after the login and before OKX confirms the subscription is heard (connect and reconnect)', async () => {
    h = await startOkxHarness();
    const t = h.trading;
    t.subscribeDelayMs = 300;
    const rec = new RecordingSink();
    const c = h.make(rec);
    t.quote('BTC-USDT', { bid: 99, ask: 100 });
    // Connect: an order of an earlier session (same client id space) fills 100 ms after the login.
    const placed = t.exchange.place({ clientOrderId: 'OZ2d1', symbol: 'BTC-USDT', side: 'buy', type: 'limit', tif: 'GTC', qty: 1, limitPrice: 98 });
    expect(placed.ok).toBe(true);
    t.onLogin = () => setTimeout(() => t.quote('BTC-USDT', { bid: 97, ask: 98 }), 100);
    await c.connect();
    const restored = new Order('O-1', 's', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1, limitPrice: 98 }, 0);
    restored.status = 'accepted';
    c.adopt(restored);
    await until(() => restored.status === 'filled', 'the adopted order filled');
    t.onLogin = null;
    t.quote('BTC-USDT', { bid: 99, ask: 100 });

    // Reconnect: a resting order fills 100 ms after the new login, 200 ms before the subscription is in place.
    const o = new Order('O-2', 's', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1, limitPrice: 98 }, 0);
    c.submit(o, 0);
    await until(() => o.status === 'accepted', 'accepted');
    t.refuseStreams = true;
    t.dropStreams();
    await until(() => c.connectionState === 'reconnecting', 'reconnecting');
    t.onLogin = () => setTimeout(() => t.quote('BTC-USDT', { bid: 97, ask: 98 }), 100);
    t.refuseStreams = false;
    await until(() => c.connectionState === 'connected', 'connected again', 5000);
    await until(() => o.status === 'filled', `O-2 filled after the reconnect (is ${o.status})`, 3000);
    expect(rec.fills('O-2').map((f) => f.qty)).toEqual([1]);
  });
});
