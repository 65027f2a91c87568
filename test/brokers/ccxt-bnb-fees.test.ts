// Fees paid in a third asset (Binance's "pay fees with BNB") against the fake Binance charging them in BNB
// (executionReport n/N, the FULL reply's fills, myTrades commission/commissionAsset): each fill's commission
// is the BNB charged valued at BNB/USDT, so a portfolio fed the client's fills ends where the venue's balances
// say it is.
import { afterEach, describe, expect, it } from 'vitest';
import { Order, type OrderRequest } from '../../src/model/order.ts';
import { Portfolio } from '../../src/portfolio/portfolio.ts';
import type { CcxtExecutionClient, CcxtFactoryOptions } from '../../src/brokers/ccxt/index.ts';
import { RecordingSink, until } from '../execution/execution-client.contract.ts';
import { startHarness, type SpotHarness } from '../fakes/binance/spot-setup.ts';

const RATE = 0.001;
const BNB = { asset: 'BNB', price: 300, balance: 10 };

describe('fees charged in BNB', () => {
  let h: SpotHarness;
  let n = 0;
  afterEach(async () => {
    await h.close();
  });

  async function start(extra: Partial<CcxtFactoryOptions> = {}): Promise<{ client: CcxtExecutionClient; rec: RecordingSink }> {
    h = await startHarness({ commissionRate: RATE, feeAsset: BNB });
    const rec = new RecordingSink();
    const client = h.make(rec, extra);
    await client.connect();
    h.fake.quote('BTCUSDT', { bid: 99, ask: 100 });
    h.fake.quote('ETHUSDT', { bid: 49, ask: 50 });
    return { client, rec };
  }
  const order = (r: Partial<OrderRequest>): Order => new Order(`B${++n}`, 's', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1, ...r }, h.fake.exchange.now());
  const tickers = (): number => h.fake.log.filter((l) => l.path === '/api/v3/ticker/24hr').length;
  async function run(client: CcxtExecutionClient, o: Order): Promise<void> {
    client.submit(o, h.fake.exchange.now());
    expect(await h.settle(client, 8000)).toBe(true);
  }

  it('a run paying BNB fees ends with equity equal to the venue balances valued at the fake prices', async () => {
    const { client, rec } = await start();
    expect(tickers()).toBe(1); // BNB/USDT priced at connect
    await run(client, order({ qty: 2 })); // fills on arrival (FULL reply)
    const resting = order({ side: 'sell', type: 'limit', qty: 0.5, limitPrice: 105 });
    await run(client, resting);
    h.fake.quote('BTCUSDT', { bid: 106, ask: 107 }); // fills later (executionReport)
    await run(client, order({ symbol: 'ETH/USDT', qty: 3 }));
    await run(client, order({ side: 'sell', qty: 1 }));
    expect(await h.settle(client, 8000)).toBe(true);
    expect(resting.status).toBe('filled');

    const p = new Portfolio({ type: 'cash', startingCash: 100_000, currency: 'USDT' });
    const fills = rec.fills();
    expect(fills).toHaveLength(4);
    for (const f of fills) p.applyFill(f.symbol, f.side === 'buy' ? f.qty : -f.qty, f.price, f.commission, f.tsEventMs);
    const mid = { 'BTC/USDT': 106.5, 'ETH/USDT': 49.5 } as Record<string, number>;
    for (const [s, px] of Object.entries(mid)) p.mark(s, px);

    const bal = new Map(h.fake.balances().map((b) => [b.asset, b.free + b.locked]));
    const venueValue = bal.get('USDT')! + bal.get('BTC')! * mid['BTC/USDT']! + bal.get('ETH')! * mid['ETH/USDT']! + bal.get('BNB')! * BNB.price;
    // The portfolio's ledger starts from the quote alone; the BNB held at the start is the difference.
    expect(p.equity()).toBeCloseTo(venueValue - BNB.balance * BNB.price, 6);
    expect(bal.get('BNB')!).toBeLessThan(BNB.balance);
    const paid = fills.reduce((a, f) => a + f.commission, 0);
    expect(paid).toBeCloseTo((BNB.balance - bal.get('BNB')!) * BNB.price, 9);
    expect(paid).toBeGreaterThan(0);

    // Each fill carries the fee as charged: BNB, the amount the venue took from the BNB balance.
    expect(fills.every((f) => f.commissionAsset === 'BNB')).toBe(true);
    expect(fills.reduce((a, f) => a + f.commissionQty!, 0)).toBeCloseTo(BNB.balance - bal.get('BNB')!, 12);
    for (const f of fills) expect(f.commission).toBeCloseTo(f.commissionQty! * BNB.price, 12);

    // Reconciliation by REST (myTrades commission/commissionAsset) books the same commissions.
    const rest = await client.fillsSince(0);
    expect(rest.map((f) => f.commission).sort()).toEqual(fills.map((f) => f.commission).sort());
    expect(rest.map((f) => [f.commissionAsset, f.commissionQty]).sort()).toEqual(fills.map((f) => [f.commissionAsset, f.commissionQty]).sort());
    expect(tickers()).toBe(1); // cached: no read per fill
    expect(client.anomalies.filter((a) => a.includes('fee'))).toEqual([]);
  });

  it('prefers the live feed\'s last price of BNB/USDT to a REST ticker', async () => {
    const { client, rec } = await start({ lastPrice: (s) => (s === 'BNB/USDT' ? 310 : undefined) });
    await run(client, order({ qty: 2 }));
    expect(tickers()).toBe(0);
    const [f] = rec.fills();
    expect(f!.commission).toBeCloseTo(Number(((2 * 100 * RATE) / BNB.price).toFixed(8)) * 310, 9);
  });

  it('a fill before any price of BNB is known is booked without waiting (0, said so); the price read then values later fills', async () => {
    const { client, rec } = await start({ feeAssets: [] });
    expect(tickers()).toBe(0);
    await run(client, order({ qty: 1 }));
    expect(rec.fills()[0]!.commission).toBe(0);
    expect(client.anomalies.some((a) => /fee of trade \d+ \(0\.00033\d* BNB\) booked as 0 USDT: no price of BNB\/USDT yet/.test(a))).toBe(true);
    await until(() => tickers() === 1, 'the BNB/USDT ticker read');
    await new Promise((r) => setTimeout(r, 50));
    h.fake.feePrice = 400; // the venue now charges fewer BNB; the cached price is 300 until the ttl passes
    await run(client, order({ qty: 1 }));
    expect(rec.fills()[1]!.commission).toBeCloseTo(Number(((100 * RATE) / 400).toFixed(8)) * 300, 9);
    expect(tickers()).toBe(1);
  });
});
