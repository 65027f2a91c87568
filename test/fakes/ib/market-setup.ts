// A fake TWS with market data (./market-data.ts) for the IB feed's tests, and a sink that records what the
// feed pushes. Contracts: two stocks and a forex pair, as TWS describes them.
import { IbLiveFeed, type IbFeedOptions } from '../../../src/brokers/ib/feed.ts';
import type { FeedStatus } from '../../../src/brokers/ccxt/feed.ts';
import type { MarketSink } from '../../../src/data/live/feed.ts';
import type { QuoteTick, TradeTick } from '../../../src/model/market.ts';
import { FakeExchange } from '../fake-exchange.ts';
import { FakeTws } from './fake-tws.ts';
import { FakeIbMarket } from './market-data.ts';
import type { WireContract } from './messages.ts';

export const MD_ACCOUNT = 'DU7654321';
const stock = (conId: number, symbol: string): WireContract => ({ conId, symbol, secType: 'STK', exchange: 'SMART', currency: 'USD', localSymbol: symbol });
export const MD_CONTRACTS: Readonly<Record<string, WireContract>> = {
  AAA: stock(265598, 'AAA'),
  BBB: stock(272093, 'BBB'),
  'EUR/USD': { conId: 12087792, symbol: 'EUR', secType: 'CASH', exchange: 'IDEALPRO', currency: 'USD', localSymbol: 'EUR.USD' },
};

export class RecordingMarketSink implements MarketSink {
  readonly bars: { symbol: string; tsMs: number; open: number; high: number; low: number; close: number; volume: number }[] = [];
  readonly quotes: QuoteTick[] = [];
  readonly trades: TradeTick[] = [];
  onBar(symbol: string, tsMs: number, open: number, high: number, low: number, close: number, volume: number): void {
    this.bars.push({ symbol, tsMs, open, high, low, close, volume });
  }
  onQuote(q: QuoteTick): void {
    this.quotes.push(q);
  }
  onTrade(t: TradeTick): void {
    this.trades.push(t);
  }
}

export interface MarketHarness {
  readonly tws: FakeTws;
  readonly market: FakeIbMarket;
  readonly port: number;
  readonly statuses: FeedStatus[];
  feed(over?: Partial<IbFeedOptions>): IbLiveFeed;
  close(): Promise<void>;
}

export async function marketHarness(): Promise<MarketHarness> {
  const exchange = new FakeExchange({ symbols: Object.keys(MD_CONTRACTS), cash: 100_000, currency: 'USD', clientIds: 'forever', shorting: true, cashOnly: false });
  const tws = new FakeTws(exchange, { account: MD_ACCOUNT, contracts: MD_CONTRACTS, nextOrderId: 1 });
  const market = new FakeIbMarket(tws);
  const port = await tws.listen();
  const statuses: FeedStatus[] = [];
  const feeds: IbLiveFeed[] = [];
  return {
    tws, market, port, statuses,
    feed(over = {}) {
      const f = new IbLiveFeed({
        host: '127.0.0.1', port, clientId: 8, symbols: ['AAA', 'BBB'], reconnect: { baseMs: 30, maxMs: 120 }, connectTimeoutMs: 2_000,
        history: { pacing: { requests: 1_000, perMs: 1_000 }, timeoutMs: 2_000, pacingBackoffMs: 20 }, onStatus: (s) => statuses.push(s), ...over,
      });
      feeds.push(f);
      return f;
    },
    async close() {
      for (const f of feeds) f.stop();
      await tws.close();
    },
  };
}
