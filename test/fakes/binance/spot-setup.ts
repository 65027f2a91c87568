// A CcxtExecutionClient over the fake Binance spot server, with a ContractVenueDriver: quotes move the
// fake's market; settle waits for the client's commands and for the user-data stream to have told the
// client what the fake did (each known order's fills and end agree with the fake's).
import type { ExecutionSink } from '../../../src/execution/execution-client.ts';
import { createCcxtExecutionClient, type CcxtExecutionClient, type CcxtFactoryOptions } from '../../../src/brokers/ccxt/index.ts';
import type { ContractSetup, ContractVenueDriver } from '../../execution/execution-client.contract.ts';
import { FakeBinanceSpot, type FakeBinanceSpotOptions } from './spot-server.ts';

export const SYMBOLS = ['BTC/USDT', 'ETH/USDT'] as const;
export const venueId = (symbol: string): string => symbol.replace('/', '');

export interface SpotHarness {
  readonly fake: FakeBinanceSpot;
  readonly clients: CcxtExecutionClient[];
  make(sink: ExecutionSink, extra?: Partial<CcxtFactoryOptions>): CcxtExecutionClient;
  /** Waits until the client has heard what the fake did (or `timeoutMs` passed). */
  settle(client: CcxtExecutionClient, timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startHarness(fakeOpts: FakeBinanceSpotOptions = {}, clientOpts: Partial<CcxtFactoryOptions> = {}): Promise<SpotHarness> {
  const fake = await FakeBinanceSpot.start({ cash: 100_000, commissionRate: 0.001, ...fakeOpts });
  const clients: CcxtExecutionClient[] = [];
  const make = (sink: ExecutionSink, extra: Partial<CcxtFactoryOptions> = {}): CcxtExecutionClient => {
    const c = createCcxtExecutionClient({ apiKey: fake.apiKey, secret: fake.secret, baseUrl: fake.baseUrl, streamUrl: fake.wsApiUrl, symbols: SYMBOLS, timeoutMs: 1500, recvWindowMs: 2000, rateLimitMs: 1, reconnectBaseMs: 20, reconnectMaxMs: 200, resolveEveryMs: 200, ...clientOpts, ...extra }, sink);
    clients.push(c);
    return c;
  };
  const caughtUp = (client: CcxtExecutionClient): boolean => {
    const filled = new Map<string, number>();
    const working = new Map<string, boolean>();
    for (const o of fake.exchange.allOrders()) {
      filled.set(o.clientOrderId, (filled.get(o.clientOrderId) ?? 0) + o.filledQty);
      working.set(o.clientOrderId, o.status === 'new' || o.status === 'partially-filled');
    }
    for (const [id, qty] of filled) {
      const mine = client.knownOrder(id);
      if (mine === undefined) continue;
      if (Math.abs(mine.filledQty - qty) > 1e-9) return false;
      if (working.get(id) === true ? mine.isClosed || mine.status === 'submitted' : !mine.isClosed) return false;
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
    fake,
    clients,
    make,
    settle,
    async close() {
      for (const c of clients) await c.disconnect().catch(() => undefined);
      await fake.close();
    },
  };
}

/** The contract's setup: the client, a driver over the fake, and a restart that makes a new client. */
export async function contractSetup(sink: ExecutionSink): Promise<ContractSetup> {
  const h = await startHarness();
  let client = h.make(sink);
  const driver: ContractVenueDriver = {
    symbols: SYMBOLS,
    startingCash: 100_000,
    currency: 'USDT',
    now: () => h.fake.exchange.now(),
    async quote(symbol, q) {
      await client.idle();
      h.fake.quote(venueId(symbol), q);
    },
    async settle() {
      if (client.connectionState === 'connected') await h.settle(client);
      else await client.idle();
    },
    async dropConnection() {
      h.fake.refuseStreams = true;
      h.fake.dropStreams();
    },
    async restoreConnection() {
      h.fake.refuseStreams = false;
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
