// Credentials never leave the Binance adapter: not in errors (a refused signature, a failing venue),
// not in log lines, connection reasons, rejections or anomalies, not when the client is serialized or
// inspected, and a missing one is named by its variable, never by a value.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { Order } from '../../src/model/order.ts';
import { createCcxtExecutionClient } from '../../src/brokers/ccxt/index.ts';
import { RecordingSink } from '../execution/execution-client.contract.ts';
import { startHarness } from '../fakes/binance/spot-setup.ts';

const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

function leaks(text: string): boolean {
  return text.includes(KEY) || text.includes(SECRET) || text.includes(KEY.slice(8, 40)) || text.includes(SECRET.slice(8, 40));
}

describe('Binance credentials', () => {
  it('never appear in errors, logs, events, rejections or the serialized client', async () => {
    const h = await startHarness({ apiKey: KEY, secret: SECRET });
    const lines: string[] = [];
    const texts: string[] = [];
    try {
      // A wrong secret: the venue refuses the signature (-1022); the error names no credential.
      const wrongSink = new RecordingSink();
      const wrong = h.make(wrongSink, { secret: `${SECRET.slice(0, 20)}-wrong-${SECRET.slice(20)}`, log: (l) => lines.push(l) });
      const refused = await wrong.connect().then(() => null, (e: unknown) => e as Error);
      expect(refused).not.toBeNull();
      texts.push(String(refused), refused!.stack ?? '', inspect(refused), ...wrongSink.connection.map((c) => c.reason));

      const rec = new RecordingSink();
      const client = h.make(rec, { log: (l) => lines.push(l) });
      await client.connect();
      h.fake.quote('BTCUSDT', { bid: 99, ask: 100 });
      // Failing requests of every kind, a refused order, a failing query, a dropped stream.
      h.fake.faults.next({ kind: '500', path: '/api/v3/order', method: 'POST' });
      h.fake.faults.next({ kind: 'lost-reply', path: '/api/v3/order', method: 'POST' });
      h.fake.faults.next({ kind: '429', path: '/api/v3/order', method: 'GET', retryAfterS: 0 });
      const a = new Order('K1', 's', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1 }, h.fake.exchange.now());
      const b = new Order('K2', 's', { symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: 500 }, h.fake.exchange.now());
      client.submit(a, h.fake.exchange.now());
      client.submit(b, h.fake.exchange.now());
      await h.settle(client, 8000);
      expect(b.status).toBe('rejected');
      h.fake.skewMs = 10_000;
      for (let i = 0; i < 4; i++) h.fake.faults.next({ kind: '503', path: '/api/v3/account' });
      const failed = await client.balances().then(() => null, (e: unknown) => e as Error);
      expect(failed).not.toBeNull();
      texts.push(String(failed), failed!.stack ?? '', inspect(failed));
      h.fake.skewMs = 0;
      h.fake.dropStreams();
      await new Promise((r) => setTimeout(r, 300));
      texts.push(JSON.stringify(client), inspect(client, { depth: 5 }), JSON.stringify(rec.orderEvents), JSON.stringify(rec.rejected), JSON.stringify(rec.connection), a.reason, b.reason);
      texts.push(...client.anomalies, ...wrong.anomalies, ...lines);
      expect(lines.length).toBeGreaterThan(0);
      const leaked = texts.filter(leaks);
      expect(leaked).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('names a missing variable, never a value', () => {
    const sink = new RecordingSink();
    expect(() => createCcxtExecutionClient({}, sink)).toThrow(ConfigError);
    expect(() => createCcxtExecutionClient({ env: {} }, sink)).toThrow(/BINANCE_API_KEY and BINANCE_API_SECRET must be set/);
    let message = '';
    try {
      createCcxtExecutionClient({ env: { BINANCE_API_KEY: KEY } }, sink);
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/BINANCE_API_SECRET is not set/);
    expect(leaks(message)).toBe(false);
    const fromEnv = createCcxtExecutionClient({ env: { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET } }, sink);
    expect(leaks(JSON.stringify(fromEnv)) || leaks(inspect(fromEnv, { depth: 6 }))).toBe(false);
  });
});
