// The ExecutionClient contract, unchanged, on CcxtExecutionClient (the real ccxt / ccxt.pro library)
// talking to a fake Binance spot server on 127.0.0.1 over Binance's own REST and WebSocket API protocol.
import { executionClientContract } from '../execution/execution-client.contract.ts';
import { contractSetup } from '../fakes/binance/spot-setup.ts';

executionClientContract('CcxtExecutionClient on Binance spot (fake server)', (sink) => contractSetup(sink));
