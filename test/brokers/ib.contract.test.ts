// The ExecutionClient contract on the IB adapter: the real @stoqey/ib client talking the TWS API socket
// protocol to a fake TWS on 127.0.0.1 (test/fakes/ib/fake-tws.ts) over the shared FakeExchange. After
// each test, nothing the client logged may be a decoding problem (a fake message out of shape would show
// up there as the library's "unprocessed data" or "underrun" error).
import { afterEach, expect } from 'vitest';
import { executionClientContract } from '../execution/execution-client.contract.ts';
import { ibHarness, type IbHarness } from '../fakes/ib/setup.ts';

const made: IbHarness[] = [];
afterEach(() => {
  const logs = made.splice(0).flatMap((h) => h.log);
  expect(logs.filter((l) => /decod|underrun|unprocessed|bad /i.test(l))).toEqual([]);
});

executionClientContract('IbExecutionClient (TWS API over a fake TWS)', async (sink) => {
  const h = await ibHarness(sink);
  made.push(h);
  return h;
});
