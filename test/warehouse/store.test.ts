// The warehouse itself: Parquet files per symbol and per run, DuckDB views, exact round trips.
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { BarSeries } from '../../src/model/bar.ts';
import { Warehouse, barsFile, readBarsSync, stopSyncReader } from '../../src/store/warehouse/index.ts';
import { tempDir } from './helpers.ts';

afterAll(() => stopSyncReader());

/** Awkward doubles: full 53-bit mantissas over many magnitudes, repeated volumes (dictionary pages). */
function awkwardSeries(symbol: string, n: number, seed: number, startMs = Date.UTC(2021, 0, 4), stepMs = 60_000): BarSeries {
  const rng = new Rng(seed);
  const s = new BarSeries(symbol, n, stepMs);
  for (let i = 0; i < n; i++) {
    const scale = 10 ** Math.floor(rng.next() * 12 - 4);
    const low = (1 + rng.next()) * scale;
    const high = low * (1 + rng.next() / 3);
    s.time[i] = startMs + i * stepMs;
    s.low[i] = low;
    s.high[i] = high;
    s.open[i] = low + (high - low) * rng.next();
    s.close[i] = low + (high - low) / 3;
    s.volume[i] = i % 5 === 0 ? 0.1 + 0.2 : Math.floor(rng.next() * 4) * 1e6;
  }
  return s;
}

function bytes(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function expectSameBars(a: BarSeries, b: BarSeries): void {
  expect(b.length).toBe(a.length);
  for (const c of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    expect(bytes(b[c].subarray(0, b.length)).equals(bytes(a[c].subarray(0, a.length))), c).toBe(true);
  }
}

async function withWarehouse<T>(root: string, fn: (w: Warehouse) => Promise<T>): Promise<T> {
  const w = await Warehouse.open(root);
  try {
    return await fn(w);
  } finally {
    w.close();
  }
}

describe('warehouse bars', () => {
  it('reads bars back bit for bit as stored, through the async and the sync reader', async () => {
    const root = tempDir();
    const s = awkwardSeries('AWK', 5000, 7);
    await withWarehouse(root, async (w) => {
      const r = await w.importBars(s);
      expect(r).toMatchObject({ symbol: 'AWK', imported: 5000, before: 0, after: 5000, added: 5000, updated: 0 });
      expectSameBars(s, await w.readBars('AWK'));
    });
    expect(existsSync(barsFile(root, 'AWK'))).toBe(true);
    expectSameBars(s, readBarsSync(root, 'awk'));
  });

  it('merges by time: new times are added, an imported bar replaces the stored one at its time, no time is stored twice', async () => {
    const root = tempDir();
    const first = awkwardSeries('M', 100, 1);
    const second = awkwardSeries('M', 100, 2, first.time[60]!);
    await withWarehouse(root, async (w) => {
      await w.importBars(first);
      const r = await w.importBars(second);
      expect(r).toMatchObject({ mode: 'merge', imported: 100, before: 100, added: 60, updated: 40, after: 160 });
      const back = await w.readBars('M');
      expect(back.length).toBe(160);
      expectSameBars(first.slice(0, 60), back.slice(0, 60));
      expectSameBars(second, back.slice(60, 160));
      const q = await w.query('SELECT count(*) AS n, count(DISTINCT "time") AS d FROM bars');
      expect(q.json).toEqual([{ n: 160, d: 160 }]);
    });
    expect(readdirSync(join(root, 'bars', 'symbol=M'))).toEqual(['bars.parquet']);
  });

  it('merges an older import in front of the stored bars', async () => {
    const root = tempDir();
    const later = awkwardSeries('E', 50, 3, Date.UTC(2021, 5, 1));
    const earlier = awkwardSeries('E', 30, 4, Date.UTC(2021, 0, 1));
    await withWarehouse(root, async (w) => {
      await w.importBars(later);
      const r = await w.importBars(earlier);
      expect(r).toMatchObject({ added: 30, updated: 0, after: 80 });
      const back = await w.readBars('E');
      expectSameBars(earlier, back.slice(0, 30));
      expectSameBars(later, back.slice(30, 80));
    });
  });

  it('replace mode drops the bars stored before', async () => {
    const root = tempDir();
    await withWarehouse(root, async (w) => {
      await w.importBars(awkwardSeries('R', 100, 1));
      const fresh = awkwardSeries('R', 10, 9, Date.UTC(2030, 0, 1));
      const r = await w.importBars(fresh, 'replace');
      expect(r).toMatchObject({ mode: 'replace', imported: 10, before: 100, after: 10 });
      expectSameBars(fresh, await w.readBars('R'));
    });
  });

  it('upper-cases symbols and keeps characters such as = and ^ through the Hive folder name', async () => {
    const root = tempDir();
    await withWarehouse(root, async (w) => {
      await w.importBars(awkwardSeries('es=f', 5, 1));
      await w.importBars(awkwardSeries('^gspc', 5, 2));
      expect((await w.listBars()).map((b) => b.symbol)).toEqual(['ES=F', '^GSPC']);
      expect((await w.query("SELECT count(*) AS n FROM bars WHERE symbol = 'ES=F'")).json).toEqual([{ n: 5 }]);
    });
    expect(readdirSync(join(root, 'bars')).sort()).toEqual(['symbol=%5EGSPC', 'symbol=ES%3DF']);
    expect(readBarsSync(root, 'Es=F').symbol).toBe('ES=F');
  });

  it('lists symbols with bar count and first and last time', async () => {
    const root = tempDir();
    await withWarehouse(root, async (w) => {
      await w.importBars(awkwardSeries('B', 7, 1, Date.UTC(2022, 1, 1), 3_600_000));
      await w.importBars(awkwardSeries('A', 3, 2, Date.UTC(2019, 0, 1), 86_400_000));
      expect(await w.listBars()).toEqual([
        { symbol: 'A', bars: 3, firstMs: Date.UTC(2019, 0, 1), lastMs: Date.UTC(2019, 0, 3) },
        { symbol: 'B', bars: 7, firstMs: Date.UTC(2022, 1, 1), lastMs: Date.UTC(2022, 1, 1, 6) },
      ]);
    });
  });

  it.each([
    ['', /bad symbol ""/],
    ['a/../b*', /bad symbol/],
    ['x'.repeat(65), /bad symbol/],
    ['.hidden', /bad symbol/],
  ])('refuses the symbol %j with a ConfigError', async (symbol, message) => {
    await withWarehouse(tempDir(), async (w) => {
      const err = await w.importBars(awkwardSeries(symbol, 3, 1)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(message);
    });
  });

  it('names the stored symbols when asked for one it does not hold', async () => {
    const root = tempDir();
    await withWarehouse(root, (w) => w.importBars(awkwardSeries('HELD', 3, 1)));
    expect(() => readBarsSync(root, 'MISSING')).toThrow(/no bars of MISSING in the warehouse .*; stored: HELD/);
    expect(() => readBarsSync(tempDir(), 'MISSING')).toThrow(/it holds no bars/);
  });

  it('refuses times that are not whole milliseconds or not increasing, before writing anything', async () => {
    const root = tempDir();
    const fractional = awkwardSeries('T', 3, 1);
    fractional.time[1] = fractional.time[1]! + 0.5;
    const backwards = awkwardSeries('T', 3, 1);
    backwards.time[2] = backwards.time[0]!;
    const nan = awkwardSeries('T', 3, 1);
    nan.close[1] = NaN;
    await withWarehouse(root, async (w) => {
      await expect(w.importBars(fractional)).rejects.toThrow(/T bar 2, field "time": time .* is not a whole number/);
      await expect(w.importBars(backwards)).rejects.toThrow(/T bar 3, field "time": .* is not after the previous bar's/);
      await expect(w.importBars(nan)).rejects.toThrow(/field "close": close is NaN/);
    });
    expect(existsSync(join(root, 'bars', 'symbol=T', 'bars.parquet'))).toBe(false);
  });

  it('reports a time stored twice (a foreign extra file in a symbol folder) instead of returning duplicate bars', async () => {
    const root = tempDir();
    await withWarehouse(root, (w) => w.importBars(awkwardSeries('DUP', 4, 1)));
    copyFileSync(barsFile(root, 'DUP'), join(root, 'bars', 'symbol=DUP', 'extra.parquet'));
    expect(() => readBarsSync(root, 'DUP')).toThrow(InputError);
    expect(() => readBarsSync(root, 'DUP')).toThrow(/is stored twice; re-import DUP with --replace/);
    // An import rewrites the folder into its one file again.
    await withWarehouse(root, (w) => w.importBars(awkwardSeries('DUP', 4, 1), 'replace'));
    expect(readBarsSync(root, 'DUP').length).toBe(4);
  });

  it('refuses an import while a live process holds the symbol lock, and takes over a dead process lock', async () => {
    const root = tempDir();
    await withWarehouse(root, async (w) => {
      await w.importBars(awkwardSeries('L', 3, 1));
      const lock = join(root, 'bars', 'symbol=L', '.lock');
      writeFileSync(lock, String(process.pid));
      await expect(w.importBars(awkwardSeries('L', 3, 2))).rejects.toThrow(/another import of L is running \(process \d+\)/);
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      writeFileSync(lock, String(dead));
      await expect(w.importBars(awkwardSeries('L', 3, 2))).resolves.toMatchObject({ updated: 3 });
      expect(existsSync(lock)).toBe(false);
    });
  });
});

describe('warehouse SQL', () => {
  it('has the five views with their columns in an empty warehouse', async () => {
    await withWarehouse(tempDir(), async (w) => {
      for (const [view, first] of [['bars', 'symbol'], ['runs', 'run_id'], ['trades', 'run_id'], ['fills', 'run_id'], ['equity', 'run_id']] as const) {
        const r = await w.query(`SELECT * FROM ${view}`);
        expect(r.rows, view).toEqual([]);
        expect(r.columns[0]!.name, view).toBe(first);
      }
      const cols = await w.query('SELECT * FROM bars');
      expect(cols.columns).toEqual([
        { name: 'symbol', type: 'VARCHAR' }, { name: 'time', type: 'TIMESTAMP' }, { name: 'open', type: 'DOUBLE' }, { name: 'high', type: 'DOUBLE' },
        { name: 'low', type: 'DOUBLE' }, { name: 'close', type: 'DOUBLE' }, { name: 'volume', type: 'DOUBLE' },
      ]);
    });
  });

  it('turns bad SQL into an InputError carrying DuckDB message', async () => {
    await withWarehouse(tempDir(), async (w) => {
      await expect(w.query('selec 1')).rejects.toThrow(InputError);
      await expect(w.query('selec 1')).rejects.toThrow(/field "sql": Parser Error: syntax error at or near "selec"/);
      await expect(w.query('select nope from bars')).rejects.toThrow(/Binder Error: .*nope/);
    });
  });

  it('gives JSON rows with integers as numbers, huge integers as strings and repeated names kept apart', async () => {
    await withWarehouse(tempDir(), async (w) => {
      const r = await w.query("SELECT 3::BIGINT AS n, 9007199254740993::BIGINT AS big, 1.50::DECIMAL(5,2) AS d, 'x' AS n, NULL AS z, TIMESTAMP '2020-01-02 03:04:05' AS t");
      expect(r.json).toEqual([{ n: 3, big: '9007199254740993', d: 1.5, n_2: 'x', z: null, t: '2020-01-02 03:04:05' }]);
      expect(r.rows).toEqual([['3', '9007199254740993', '1.50', 'x', null, '2020-01-02 03:04:05']]);
    });
  });

  it('shows times in UTC', async () => {
    await withWarehouse(tempDir(), async (w) => {
      const r = await w.query("SELECT CAST(TIMESTAMPTZ '2020-06-01 12:00:00+02' AS VARCHAR) AS t");
      expect(r.rows[0]![0]).toBe('2020-06-01 10:00:00+00');
    });
  });
});
