// A CcxtExecutionClient for OKX (`exchangeId: 'okx'`) over the fake OKX server (market data and the trading
// API on one port), with a ContractVenueDriver: quotes move the fake's matcher; settle waits for the client's
// commands and for the orders channel to have told the client what the fake did.
import type { ExecutionSink } from '../../../src/execution/execution-client.ts';
import { createCcxtExecutionClient, type CcxtExecutionClient, type CcxtFactoryOptions } from '../../../src/brokers/ccxt/index.ts';
import type { ContractSetup, ContractVenueDriver } from '../../execution/execution-client.contract.ts';
import { FakeOkxMarket } from './market-server.ts';
import { FakeOkxTrading, type OkxTradeOptions } from './trade-api.ts';

export const OKX_SYMBOLS = ['BTC/USDT', 'ETH/USDT'] as const;
export const okxInstId = (symbol: string): string => symbol.replace('/', '-');

export interface OkxHarness {
  readonly market: FakeOkxMarket;
  readonly trading: FakeOkxTrading;
  readonly clients: CcxtExecutionClient[];
  make(sink: ExecutionSink, extra?: Partial<CcxtFactoryOptions>): CcxtExecutionClient;
  /** Waits until the client has heard what the fake did (or `timeoutMs` passed). */
  settle(client: CcxtExecutionClient, timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startOkxHarness(tradeOpts: OkxTradeOptions = {}): Promise<OkxHarness> {
  const at: { trading?: FakeOkxTrading } = {};
  const market = await FakeOkxMarket.start({ privateApi: { rest: (req, res) => at.trading!.rest(req, res), upgrade: (p, req, s, h) => at.trading!.upgrade(p, req, s, h) } });
  const trading = (at.trading = new FakeOkxTrading(market.instruments, { cash: 100_000, commissionRate: 0.001, ...tradeOpts }));
  const t = trading;
  const clients: CcxtExecutionClient[] = [];
  const make = (sink: ExecutionSink, extra: Partial<CcxtFactoryOptions> = {}): CcxtExecutionClient => {
    const c = createCcxtExecutionClient({
      exchangeId: 'okx', apiKey: t.apiKey, secret: t.secret, password: t.passphrase, baseUrl: market.baseUrl, streamUrl: market.streamUrl, symbols: OKX_SYMBOLS,
      timeoutMs: 1500, rateLimitMs: 1, reconnectBaseMs: 20, reconnectMaxMs: 200, resolveEveryMs: 200, ...extra,
    }, sink);
    clients.push(c);
    return c;
  };
  const caughtUp = (client: CcxtExecutionClient): boolean => {
    for (const o of t.exchange.allOrders()) {
      const mine = client.knownOrder(o.clientOrderId.replace(/Z([0-9a-f]{2}|Z)/g, (_, x: string) => (x === 'Z' ? 'Z' : String.fromCharCode(parseInt(x, 16)))));
      if (mine === undefined) continue;
      if (Math.abs(mine.filledQty - o.filledQty) > 1e-9) return false;
      const working = o.status === 'new' || o.status === 'partially-filled';
      if (working ? mine.isClosed || mine.status === 'submitted' : !mine.isClosed) return false;
    }
    return true;
  };
  const settle = async (client: CcxtExecutionClient, timeoutMs = 3000): Promise<boolean> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await client.idle();
      if (caughtUp(client)) return true;
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    market,
    trading: t,
    clients,
    make,
    settle,
    async close() {
      for (const c of clients) await c.disconnect().catch(() => undefined);
      t.close();
      await market.close();
    },
  };
}

/** The contract's setup: the client, a driver over the fake, and a restart that makes a new client. */
export async function okxContractSetup(sink: ExecutionSink): Promise<ContractSetup> {
  const h = await startOkxHarness();
  let client = h.make(sink);
  const driver: ContractVenueDriver = {
    symbols: OKX_SYMBOLS,
    startingCash: 100_000,
    currency: 'USDT',
    now: () => h.trading.exchange.now(),
    async quote(symbol, q) {
      await client.idle();
      h.trading.quote(okxInstId(symbol), q);
    },
    async settle() {
      if (client.connectionState === 'connected') await h.settle(client);
      else await client.idle();
    },
    async dropConnection() {
      h.trading.refuseStreams = true;
      h.trading.dropStreams();
    },
    async restoreConnection() {
      h.trading.refuseStreams = false;
    },
  };
  return {
    client,
    driver,
    async restart(next) {
      await client.disconnect();
      client = h.make(next);
      return client;
    },
    close: () => h.close(),
  };
}
