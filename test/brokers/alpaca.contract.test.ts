// The ExecutionClient contract on the Alpaca adapter: the real @alpacahq/alpaca-trade-api SDK against
// the fake Alpaca server (Trading API v2 paths and payloads, the trade_updates stream) on 127.0.0.1.
import { executionClientContract } from '../execution/execution-client.contract.ts';
import { alpacaSetup } from './alpaca-setup.ts';

executionClientContract('Alpaca (fake Trading API v2 + trade_updates)', (sink) => alpacaSetup(sink));
