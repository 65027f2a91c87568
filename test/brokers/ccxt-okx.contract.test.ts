// The ExecutionClient contract, unchanged, on CcxtExecutionClient for OKX (the real ccxt / ccxt.pro okx client)
// talking to a fake OKX server on 127.0.0.1 over OKX's v5 REST (signed with key, secret and passphrase) and its
// private WebSocket (login, orders channel).
import { executionClientContract } from '../execution/execution-client.contract.ts';
import { okxContractSetup } from '../fakes/okx/trade-setup.ts';

executionClientContract('CcxtExecutionClient on OKX spot (fake server)', (sink) => okxContractSetup(sink));
