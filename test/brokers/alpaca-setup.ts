// The Alpaca client over the fake Alpaca server, shaped for the ExecutionClient contract and the fault
// tests: the real SDK talks HTTP and WebSocket to 127.0.0.1; the driver moves the fake's market.
import type { ExecutionSink } from '../../src/execution/execution-client.ts';
import { createAlpacaExecutionClient, type AlpacaClientOptions, type AlpacaExecutionClient } from '../../src/brokers/alpaca/index.ts';
import { FakeAlpacaServer, type FakeAlpacaOptions } from '../fakes/alpaca/server.ts';
import type { ContractSetup } from '../execution/execution-client.contract.ts';

export const SYMBOLS = ['AAPL', 'MSFT'] as const;

export function clientOptions(server: FakeAlpacaServer, over: Partial<AlpacaClientOptions> = {}): AlpacaClientOptions {
  return {
    keyId: server.keyId,
    secretKey: server.secretKey,
    baseUrl: server.baseUrl,
    streamUrl: server.streamUrl,
    clock: () => server.exchange.now(),
    requestTimeoutMs: 2_000,
    rateLimit: { capacity: 10_000, refillPerSecond: 10_000 },
    reconnect: { initialMs: 20, maxMs: 200 },
    pingIntervalMs: 0,
    readRetry: { attempts: 4, baseMs: 10, maxMs: 100 },
    safeSubmit: { maxSends: 3, maxLookups: 6, baseMs: 10, maxMs: 200 },
    unknownAfterMs: 500,
    clockSlackMs: 1_000,
    ...over,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface AlpacaSetup extends ContractSetup {
  readonly server: FakeAlpacaServer;
  readonly clients: AlpacaExecutionClient[];
}

export async function alpacaSetup(sink: ExecutionSink, opts: Partial<FakeAlpacaOptions> = {}, over: Partial<AlpacaClientOptions> = {}): Promise<AlpacaSetup> {
  const server = await FakeAlpacaServer.start({ symbols: SYMBOLS, cash: 100_000, ...opts });
  const clients: AlpacaExecutionClient[] = [];
  const make = (s: ExecutionSink): AlpacaExecutionClient => {
    const c = createAlpacaExecutionClient(clientOptions(server, over), s);
    clients.push(c);
    return c;
  };
  const settle = async (): Promise<void> => {
    for (const c of clients) await c.idle();
    // Stream frames already sent are in flight on the loopback socket.
    await sleep(10);
    for (const c of clients) await c.idle();
  };
  return {
    server,
    clients,
    client: make(sink),
    driver: {
      symbols: SYMBOLS,
      startingCash: 100_000,
      currency: 'USD',
      now: () => server.exchange.now(),
      async quote(symbol, q) {
        server.quote(symbol, q);
      },
      settle,
      async dropConnection() {
        server.dropConnection();
      },
      async restoreConnection() {
        server.restoreConnection();
      },
    },
    async restart(s) {
      await clients.at(-1)!.disconnect();
      return make(s);
    },
    async close() {
      for (const c of clients) await c.disconnect();
      await server.close();
    },
  };
}
