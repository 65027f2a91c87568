// Child process of crash.test.ts: appends batch after batch, prints "flushed <k>" once batch k is
// acknowledged by flush(), and keeps going until the parent kills it with SIGKILL.
import { makeInstrument } from '../../src/model/instrument.ts';
import { openStore } from '../../src/store/open.ts';
import { batches } from './crash-data.ts';

const [target, runId, schema] = process.argv.slice(2) as [string, string, string | undefined];
const store = await openStore(target.startsWith('postgres') ? { url: target, ...(schema ? { schema } : {}) } : { dir: target, env: {} });
await store.putInstruments([makeInstrument('ES', { assetClass: 'future' })]);
await store.startRun({ id: runId, kind: 'live', startedMs: Date.now() });
const all = batches(runId, 10_000);
for (let k = 0; k < all.length; k++) {
  const b = all[k]!;
  store.appendOrders(b.orders!);
  store.appendOrderEvents(b.orderEvents!);
  store.appendFills(b.fills!);
  store.appendPositions(b.positions!);
  store.appendEquity(b.equity!);
  await store.flush();
  process.stdout.write(`flushed ${k}\n`);
}
