// Binance executionReports read by execution-report.ts instead of ccxt: the same unified values as ccxt's own
// parseWsOrder/parseWsTrade for every field the client reads, on generated frames; bad fields named; and the
// stream really goes through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from 'ccxt';
import { makeExchange } from '../../src/brokers/ccxt/exchange.ts';
import { readExecutionReport } from '../../src/brokers/ccxt/execution-report.ts';
import { CcxtOrderSchema, CcxtTradeSchema, parseVenue } from '../../src/brokers/ccxt/parse.ts';
import type { FakeFill, FakeOrder, FakeStatus, FakeType } from '../fakes/fake-exchange.ts';
import { executionReport, type ExecType } from '../fakes/binance/spot-payloads.ts';
import { FakeBinanceSpot } from '../fakes/binance/spot-server.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { startHarness } from '../fakes/binance/spot-setup.ts';
import { Order } from '../../src/model/order.ts';

type Rec = Record<string, unknown>;
const ORDER_FIELDS = ['id', 'clientOrderId', 'symbol', 'type', 'side', 'status', 'amount', 'filled', 'cost', 'triggerPrice', 'stopPrice', 'timeInForce', 'timestamp', 'lastUpdateTimestamp', 'lastTradeTimestamp', 'reduceOnly'];
const TRADE_FIELDS = ['id', 'order', 'symbol', 'side', 'price', 'amount', 'cost', 'timestamp', 'takerOrMaker', 'fee'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('executionReport frames read without ccxt', () => {
  let fake: FakeBinanceSpot;
  let ex: Exchange;
  beforeAll(async () => {
    fake = await FakeBinanceSpot.start({ cash: 100_000 });
    ex = makeExchange({ exchangeId: 'binance', apiKey: fake.apiKey, secret: fake.secret, baseUrl: fake.baseUrl, streamUrl: fake.wsApiUrl });
    await ex.loadMarkets();
  });
  afterAll(async () => {
    await ex.close();
    await fake.close();
  });
  const names = { symbol: (id: string) => (ex as unknown as { safeSymbol(id: string, m?: unknown, d?: string, t?: string): string }).safeSymbol(id, undefined, undefined, 'spot'), currency: (id: string) => String(ex.safeCurrencyCode(id)) };

  it('gives ccxt\'s values for 3,000 generated frames (every type, status and execution type)', () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const types: FakeType[] = ['market', 'limit', 'stop', 'stop-limit'];
    const statuses: FakeStatus[] = ['new', 'partially-filled', 'filled', 'canceled', 'expired', 'rejected'];
    const execs: ExecType[] = ['NEW', 'TRADE', 'CANCELED', 'EXPIRED', 'REJECTED'];
    for (let k = 0; k < 3000; k++) {
      const type = pick(types);
      const qty = Math.round(r() * 1e5) / 1e4 + 0.0001;
      const filledQty = pick([0, qty, Math.round(qty * r() * 1e4) / 1e4]);
      const px = Math.round(r() * 1e6) / 100 + 0.01;
      const o: FakeOrder = {
        clientOrderId: `O-${k}`, venueOrderId: String(1000 + k), symbol: pick(['BTCUSDT', 'ETHUSDT']), side: pick(['buy', 'sell'] as const), type, tif: pick(['GTC', 'IOC', 'FOK', 'MAKER']),
        qty, limitPrice: type === 'limit' || type === 'stop-limit' ? px : null, stopPrice: type === 'stop' || type === 'stop-limit' ? px * 1.01 : null, trailing: null,
        status: pick(statuses), filledQty, avgFillPrice: filledQty > 0 ? px : 0, triggered: false, reason: '', createdMs: 1_700_000_000_000 + k, updatedMs: 1_700_000_000_500 + k, extreme: null,
      };
      const exec = pick(execs);
      const fill: FakeFill | undefined = exec === 'TRADE' ? { tradeId: String(5_000_000 + k), venueOrderId: o.venueOrderId, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, qty: Math.max(filledQty, 0.0001), price: px, commission: r() < 0.3 ? 0 : r() / 100, liquidity: pick(['maker', 'taker'] as const), tsMs: o.updatedMs } : undefined;
      const frame = executionReport(o, exec, o.updatedMs, fill, pick(['USDT', 'BNB', 'BTC']), exec === 'CANCELED' ? `cancel-${k}` : undefined);
      const mine = readExecutionReport(frame, names);
      const theirs = ex.parseWsOrder(frame) as unknown as Rec;
      for (const f of ORDER_FIELDS) expect([k, f, mine.order[f]]).toEqual([k, f, theirs[f]]);
      for (const f of ['average', 'price']) {
        const [a, b] = [mine.order[f] as number | undefined, theirs[f] as number | undefined];
        if (b === undefined) expect([k, f, a]).toEqual([k, f, undefined]);
        else expect(Math.abs(a! - b) <= 1e-12 * Math.abs(b)).toBe(true);
      }
      expect(mine.order.info).toBe(frame);
      if (exec !== 'TRADE') {
        expect(mine.trade).toBeNull();
        continue;
      }
      const t = ex.parseWsTrade(frame) as unknown as Rec;
      for (const f of TRADE_FIELDS) expect([k, f, mine.trade![f]]).toEqual([k, f, t[f]]);
      // What the client validates passes as ccxt's did.
      expect(parseVenue(CcxtTradeSchema, 'binance', 'trade', mine.trade).id).toBe(t.id);
      if (theirs.amount !== undefined) expect(parseVenue(CcxtOrderSchema, 'binance', 'order', mine.order).id).toBe(theirs.id);
    }
  });

  it('names the bad field of a frame, as the unified field and the frame key', () => {
    const o = { clientOrderId: 'O-1', venueOrderId: '9', symbol: 'BTCUSDT', side: 'buy', type: 'limit', tif: 'GTC', qty: 1, limitPrice: 100, stopPrice: null, trailing: null, status: 'partially-filled', filledQty: 0.5, avgFillPrice: 100, triggered: false, reason: '', createdMs: 1, updatedMs: 2, extreme: null } as FakeOrder;
    const fill = { tradeId: '5', venueOrderId: '9', clientOrderId: 'O-1', symbol: 'BTCUSDT', side: 'buy', qty: 0.5, price: 100, commission: 0.001, liquidity: 'taker', tsMs: 2 } as FakeFill;
    const frame = executionReport(o, 'TRADE', 2, fill, 'BNB');
    const err = (patch: Rec): string => {
      try {
        readExecutionReport({ ...frame, ...patch }, names);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err({ z: 'x' })).toMatch(/invalid order from binance: field "filled": executionReport "z": expected a non-negative decimal string, got "x" \(order 9\)/);
    expect(err({ X: 'WEIRD' })).toMatch(/field "status": executionReport "X": unknown order status "WEIRD"/);
    expect(err({ S: 'buy' })).toMatch(/field "side"/);
    expect(err({ i: undefined })).toMatch(/field "id": executionReport "i"/);
    expect(err({ T: -1 })).toMatch(/field "timestamp"/);
    expect(err({ l: 'abc' })).toMatch(/invalid trade from binance: field "amount"/);
    expect(err({ N: 5 })).toMatch(/field "fee.currency"/);
    expect(err({ m: 'no' })).toMatch(/field "takerOrMaker"/);
    expect(err({ q: '-1' })).toMatch(/field "amount"/);
    expect(err({})).toBe('no error');
  });

  it('the client\'s stream reads them here: a frame ccxt would take (side in lower case) is dropped and noted, trading goes on', async () => {
    const h = await startHarness();
    try {
      const rec = new RecordingSink();
      const client = h.make(rec);
      await client.connect();
      h.fake.quote('BTCUSDT', { bid: 99, ask: 100 });
      const o = new Order('E1', 's', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', limitPrice: 95, qty: 1 }, h.fake.exchange.now());
      client.submit(o, h.fake.exchange.now());
      await h.settle(client);
      const v = h.fake.exchange.order({ clientOrderId: 'E1' })!;
      h.fake.injectEvent({ ...executionReport(v, 'NEW', h.fake.exchange.now()), S: 'buy' });
      await until(() => client.anomalies.some((a) => a.includes('stream report dropped') && a.includes('field "side"')), 'the frame noted');
      h.fake.quote('BTCUSDT', { bid: 94, ask: 95 });
      await h.settle(client);
      expect(o.status).toBe('filled');
      expect(rec.fills('E1').map((f) => [f.qty, f.price])).toEqual([[1, 95]]);
    } finally {
      await h.close();
    }
  });
});
