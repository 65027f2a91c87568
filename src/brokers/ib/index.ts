// Interactive Brokers (TWS / IB Gateway) execution adapter. The engine names it through the factory.
import type { ExecutionClient, ExecutionSink } from '../../execution/execution-client.ts';
import { IbExecutionClient, type IbClientOptions } from './client.ts';

export { IB_CAPABILITIES, IbExecutionClient, type IbClientOptions } from './client.ts';
export { ibCodeKind, type IbCodeKind } from './errors.ts';
export { IbSymbols, type IbContractSpec } from './symbols.ts';

/** The ExecutionClient for an IB account through TWS or IB Gateway (not connected yet). */
export function createIbExecutionClient(opts: IbClientOptions, sink: ExecutionSink): ExecutionClient {
  return new IbExecutionClient(opts, sink);
}
