// Worker half of `queryDoublesSync` (sync-query.ts). For each `{ sql }` on its port it runs the query
// (all columns DOUBLE) on one in-memory DuckDB kept for the life of the thread, posts the columns
// back as Float64Arrays (NULL -> NaN) or `{ ok: false, message }`, then wakes the blocked caller
// through the shared flag. Plain JavaScript: worker threads load files without the TypeScript loader.
import { workerData } from 'node:worker_threads';

const { port, flag } = workerData;
let connection;

async function connect() {
  if (connection === undefined) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  }
  return connection;
}

async function run(sql) {
  const result = await (await connect()).run(sql);
  const width = result.columnCount;
  const columns = Array.from({ length: width }, () => new Float64Array(result.rowCount));
  let at = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const n = chunk.rowCount;
    for (let k = 0; k < width; k++) {
      const vector = chunk.getColumnVector(k);
      const out = columns[k];
      for (let i = 0; i < n; i++) out[at + i] = vector.getItem(i) ?? NaN;
    }
    at += n;
  }
  return columns;
}

port.on('message', async ({ sql }) => {
  try {
    const columns = await run(sql);
    port.postMessage({ ok: true, columns }, columns.map((c) => c.buffer));
  } catch (e) {
    port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  } finally {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
});
