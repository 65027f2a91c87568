// An IbExecutionClient against a FakeTws over a FakeExchange, wired as the ExecutionClient contract's
// setup (and reused by the IB-specific tests).
import { IbExecutionClient, type IbClientOptions } from '../../../src/brokers/ib/client.ts';
import type { ExecutionSink } from '../../../src/execution/execution-client.ts';
import type { ContractSetup } from '../../execution/execution-client.contract.ts';
import { FakeExchange } from '../fake-exchange.ts';
import { FakeTws } from './fake-tws.ts';
import type { WireContract } from './messages.ts';

export const ACCOUNT = 'DU7654321';
const stock = (conId: number, symbol: string): WireContract => ({ conId, symbol, secType: 'STK', exchange: 'SMART', currency: 'USD', localSymbol: symbol });

export interface IbHarness extends ContractSetup {
  readonly client: IbExecutionClient;
  restart(sink: ExecutionSink): Promise<IbExecutionClient>;
  close(): Promise<void>;
  readonly exchange: FakeExchange;
  readonly tws: FakeTws;
  readonly port: number;
  readonly log: string[];
  readonly current: () => IbExecutionClient;
  readonly options: IbClientOptions;
}

/** Extra instruments the fake TWS lists (futures, forex), by Sextant symbol. */
export type ExtraContracts = Readonly<Record<string, WireContract>>;

export async function ibHarness(sink: ExecutionSink, over: Partial<IbClientOptions> = {}, extra: ExtraContracts = {}): Promise<IbHarness> {
  const contracts = { AAA: stock(265598, 'AAA'), BBB: stock(272093, 'BBB'), ...extra };
  const exchange = new FakeExchange({ symbols: Object.keys(contracts), cash: 100_000, currency: 'USD', clientIds: 'forever', shorting: true, cashOnly: false, commissionRate: 0.0005 });
  const tws = new FakeTws(exchange, { account: ACCOUNT, contracts, timeZone: 'US/Eastern', nextOrderId: 1 });
  const port = await tws.listen();
  const log: string[] = [];
  const options: IbClientOptions = {
    host: '127.0.0.1', port, clientId: 7, account: ACCOUNT, clock: () => exchange.now(), maxReqPerSec: 2_000, answerTimeoutMs: 1_500, commissionWaitMs: 500,
    requestTimeoutMs: 3_000, reconnect: { baseMs: 40, maxMs: 200 }, log: (line) => log.push(line), ...over,
  };
  let client = new IbExecutionClient(options, sink);
  return {
    exchange, tws, port, log, options,
    current: () => client,
    get client() {
      return client;
    },
    driver: {
      symbols: ['AAA', 'BBB'],
      startingCash: 100_000,
      currency: 'USD',
      now: () => exchange.now(),
      async quote(symbol, q) {
        exchange.quote(symbol, q);
      },
      settle: () => client.sync(),
      async dropConnection() {
        tws.drop();
      },
      async restoreConnection() {
        tws.restore();
      },
    },
    async restart(next) {
      await client.disconnect();
      client = new IbExecutionClient(options, next);
      return client;
    },
    async close() {
      await client.disconnect();
      await tws.close();
    },
  };
}
