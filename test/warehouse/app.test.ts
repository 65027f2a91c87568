// The warehouse from the app layer: CSV import, `--data store:X` in every command, recorded backtests.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.ts';
import { runBacktest, type BacktestReport } from '../../src/app/backtest.ts';
import { runCoint } from '../../src/app/coint.ts';
import { runIndicatorRequest } from '../../src/app/indicator.ts';
import { loadMarketData } from '../../src/app/market-data.ts';
import { DEFAULT_WAREHOUSE_DIR, importBars, loadStoredSeries, readStoredSeries, recordBacktest, runSql, warehouseDir } from '../../src/app/warehouse.ts';
import { backtestCommand } from '../../src/cli/backtest-command.ts';
import { loadCsv } from '../../src/data/csv.ts';
import { stopSyncReader } from '../../src/store/warehouse/index.ts';
import { tempDir, waveCsv } from './helpers.ts';

const files = tempDir('sextant-wh-files-');
const root = tempDir();
const saved = process.env.SEXTANT_WAREHOUSE;
const csv = waveCsv(files, 'acme.csv', 160);

beforeAll(async () => {
  process.env.SEXTANT_WAREHOUSE = root;
  await importBars({ source: `csv:${csv}`, symbol: 'acme' });
});
afterAll(async () => {
  if (saved === undefined) delete process.env.SEXTANT_WAREHOUSE;
  else process.env.SEXTANT_WAREHOUSE = saved;
  await stopSyncReader();
});

describe('store: data sources', () => {
  it('gives a backtest the same JSON as the CSV it was imported from, apart from runSeconds and the data param', async () => {
    const jsonCsv = join(files, 'csv.json');
    const jsonStore = join(files, 'store.json');
    const common = ['--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--commission', '0.001', '--quiet'];
    expect(await backtestCommand([...common, '--data', `csv:${csv}`, '--json', jsonCsv], () => {})).toBe(0);
    expect(await backtestCommand([...common, '--data', 'store:ACME', '--json', jsonStore], () => {})).toBe(0);
    const a = JSON.parse(readFileSync(jsonCsv, 'utf8')) as BacktestReport;
    const b = JSON.parse(readFileSync(jsonStore, 'utf8')) as BacktestReport;
    expect(a.trades.length).toBeGreaterThan(2);
    expect(b.params.data).toEqual(['store:ACME']);
    for (const r of [a, b]) {
      r.runSeconds = 0;
      r.params.data = [];
    }
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('returns the CSV loader values bit for bit, with the same timeframe, sync and async', async () => {
    const fromCsv = loadCsv(csv).series;
    const sync = loadStoredSeries('ACME');
    const viaAsync = await readStoredSeries('acme');
    for (const s of [sync, viaAsync]) {
      expect(s.symbol).toBe('ACME');
      expect(s.timeframeMs).toBe(fromCsv.timeframeMs);
      for (const c of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(Buffer.from(s[c].buffer, s[c].byteOffset, s.length * 8).equals(Buffer.from(fromCsv[c].buffer, 0, fromCsv.length * 8)), c).toBe(true);
      }
    }
  });

  it('applies --from and --to to store: sources as to CSV sources', () => {
    const window = { skipBadRows: false, from: '2020-02-03', to: '2020-03-13' };
    const a = loadMarketData([`csv:${csv}`], window).series[0]!;
    const b = loadMarketData(['store:acme'], window).series[0]!;
    expect(b.length).toBe(30);
    expect(Array.from(b.close.subarray(0, b.length))).toEqual(Array.from(a.close.subarray(0, a.length)));
    expect(Array.from(b.time.subarray(0, b.length))).toEqual(Array.from(a.time.subarray(0, a.length)));
  });

  it('feeds indicator and coint like the CSV source', async () => {
    const ind = (data: string): unknown => runIndicatorRequest({ name: 'sma', data, params: { period: '10' } }).values;
    expect(ind('store:ACME')).toEqual(ind(`csv:${csv}`));
    await importBars({ source: `csv:${waveCsv(files, 'beta.csv', 160, { phase: 0.7 })}` });
    const viaStore = runCoint(['store:ACME', 'store:BETA']);
    const viaCsv = runCoint([`csv:${csv}`, `csv:${join(files, 'beta.csv')}`]);
    expect(viaStore.engleGranger.stat).not.toBeNull();
    expect(viaStore.series.map((s) => s.source)).toEqual(['store:ACME', 'store:BETA']);
    const blank = (r: typeof viaStore): string => JSON.stringify({ ...r, series: r.series.map((s) => ({ ...s, source: '' })) });
    expect(blank(viaStore)).toBe(blank(viaCsv));
  });

  it('reports a missing symbol and a blank one as configuration errors of --data', () => {
    expect(() => loadMarketData(['store:NOPE'], { skipBadRows: false })).toThrow(ConfigError);
    expect(() => loadMarketData(['store:NOPE'], { skipBadRows: false })).toThrow(/field "--data": no bars of NOPE .*stored: ACME/);
    expect(() => loadMarketData(['store:  '], { skipBadRows: false })).toThrow(/field "--data": missing symbol in "store: {2}"/);
  });
});

describe('importBars', () => {
  it('applies the CSV loader validation: a bad row fails with file and line, or is skipped with skipBadRows', async () => {
    const dir = tempDir();
    const bad = waveCsv(files, 'bad.csv', 20, { badLine: 4 });
    const err = await importBars({ source: `csv:${bad}`, dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${bad}:6, field "Open": cannot parse "abc" as a number`);
    const r = await importBars({ source: `csv:${bad}`, dir, skipBadRows: true });
    expect(r.skipped).toBe(1);
    expect(r.skippedRows[0]).toMatchObject({ file: bad, line: 6, field: 'Open' });
    expect(r.results).toMatchObject([{ symbol: 'BAD', imported: 19, after: 19 }]);
  });

  it('stores every symbol of a synthetic source, and refuses --symbol for it', async () => {
    const dir = tempDir();
    await expect(importBars({ source: 'synthetic:5', symbol: 'X', dir })).rejects.toThrow(/--symbol needs a one-symbol source; synthetic:5 has 10/);
    const r = await importBars({ source: 'synthetic:5', dir });
    expect(r.results.map((x) => x.symbol)).toEqual(['SYN000', 'SYN001', 'SYN002', 'SYN003', 'SYN004', 'SYN005', 'SYN006', 'SYN007', 'SYN008', 'SYN009']);
    expect((await runSql('SELECT count(*) AS n FROM bars', { dir })).json).toEqual([{ n: 25_200 }]);
  });

  it('merges a second file into the stored history and replaces with replace: true', async () => {
    const dir = tempDir();
    const a = waveCsv(files, 'part-a.csv', 40, { startMs: Date.UTC(2021, 0, 1) });
    const b = waveCsv(files, 'part-b.csv', 40, { startMs: Date.UTC(2021, 1, 1) });
    await importBars({ source: `csv:${a}`, symbol: 'P', dir });
    const merged = await importBars({ source: `csv:${b}`, symbol: 'P', dir });
    const overlap = loadCsv(a).series.length - loadCsv(a).series.lowerBound(Date.UTC(2021, 1, 1));
    expect(merged.results[0]).toMatchObject({ before: 40, updated: overlap, added: 40 - overlap, after: 80 - overlap });
    const replaced = await importBars({ source: `csv:${a}`, symbol: 'P', dir, replace: true });
    expect(replaced.results[0]).toMatchObject({ mode: 'replace', before: 80 - overlap, after: 40 });
  });

  it('refuses a store: source', async () => {
    await expect(importBars({ source: 'store:ACME', dir: tempDir() })).rejects.toThrow(/a store: source is already in the warehouse/);
  });
});

describe('recordBacktest', () => {
  it('stores params, metrics, trades, fills and equity that SQL gives back exactly', async () => {
    const dir = tempDir();
    const report = await runBacktest({ strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: [`csv:${csv}`], commission: 0.001 });
    expect(report.trades.length).toBeGreaterThan(2);
    const rec = await recordBacktest(report, { dir, runId: 'r1', recordedAtMs: Date.UTC(2024, 4, 5, 6, 7, 8) });
    expect(rec.runId).toBe('r1');
    expect(Object.values(rec.files).map((f) => f.slice(dir.length))).toEqual(['/runs/r1.parquet', '/trades/r1.parquet', '/fills/r1.parquet', '/equity/r1.parquet']);

    const run = (await runSql("SELECT run_id, recorded_at, strategy, data, params->>'$.strategyParams.fast' AS fast, bars, final_value, final_cash, fill_count, sharpe, max_drawdown, trade_count, metric_bars, start_time FROM runs", { dir })).json;
    expect(run).toEqual([{
      run_id: 'r1', recorded_at: '2024-05-05 06:07:08', strategy: 'sma-cross', data: [`csv:${csv}`], fast: '5', bars: report.bars,
      final_value: report.finalValue, final_cash: report.finalCash, fill_count: report.fills.length, sharpe: report.metrics.sharpe,
      max_drawdown: report.metrics.maxDrawdown, trade_count: report.metrics.tradeCount, metric_bars: report.metrics.bars,
      start_time: new Date(report.metrics.startMs!).toISOString().replace('T', ' ').replace('.000Z', ''),
    }]);

    const iso = (t: string): string => t.replace('T', ' ').replace('.000Z', '');
    const trades = (await runSql('SELECT trade_no, symbol, side, entry_time, entry_price, exit_time, exit_price, qty, pnl, commission FROM trades ORDER BY trade_no', { dir })).json;
    expect(trades).toEqual(report.trades.map((t, i) => ({
      trade_no: i + 1, symbol: t.symbol, side: t.side, entry_time: iso(t.entryTime), entry_price: t.entryPrice,
      exit_time: iso(t.exitTime), exit_price: t.exitPrice, qty: t.qty, pnl: t.pnl, commission: t.commission,
    })));
    const fills = (await runSql('SELECT fill_no, "time", symbol, side, price, qty, commission FROM fills ORDER BY fill_no', { dir })).json;
    expect(fills).toEqual(report.fills.map((f, i) => ({ fill_no: i + 1, time: iso(f.time), symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission })));
    const equity = (await runSql('SELECT "time", equity FROM equity WHERE run_id = \'r1\' ORDER BY "time"', { dir })).json;
    expect(equity).toEqual(report.equity.map((e) => ({ time: iso(e.time), equity: e.equity })));
    const json = (await runSql('SELECT params, benchmark, metrics FROM runs', { dir })).json[0]!;
    expect(json).toEqual(JSON.parse(JSON.stringify({ params: report.params, benchmark: report.benchmark, metrics: report.metrics })));
    const pnl = (await runSql('SELECT sum(pnl) AS pnl FROM trades', { dir })).json[0]!.pnl as number;
    expect(pnl).toBeCloseTo(report.trades.reduce((s, t) => s + t.pnl, 0), 9);
  });

  it('keeps runs apart and joins them with their trades', async () => {
    const dir = tempDir();
    const a = await runBacktest({ strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: [`csv:${csv}`] });
    const b = await runBacktest({ strategy: 'buy-and-hold', data: [`csv:${csv}`] });
    await recordBacktest(a, { dir, runId: 'a' });
    const auto = await recordBacktest(b, { dir });
    expect(auto.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}$/);
    const r = await runSql('SELECT r.run_id, r.strategy, count(t.trade_no) AS trades FROM runs r LEFT JOIN trades t USING (run_id) GROUP BY ALL ORDER BY r.strategy', { dir });
    expect(r.json).toEqual([{ run_id: auto.runId, strategy: 'buy-and-hold', trades: b.trades.length }, { run_id: 'a', strategy: 'sma-cross', trades: a.trades.length }]);
  });

  it('refuses a run id that is already stored or unsafe as a file name', async () => {
    const dir = tempDir();
    const report = await runBacktest({ strategy: 'buy-and-hold', data: [`csv:${csv}`] });
    await recordBacktest(report, { dir, runId: 'same' });
    await expect(recordBacktest(report, { dir, runId: 'same' })).rejects.toThrow(/run same is already in the warehouse/);
    await expect(recordBacktest(report, { dir, runId: '../evil' })).rejects.toThrow(ConfigError);
    expect((await runSql('SELECT count(*) AS n FROM runs', { dir })).json).toEqual([{ n: 1 }]);
  });
});

describe('warehouseDir', () => {
  it('uses the dir option, else SEXTANT_WAREHOUSE, else ./.sextant/warehouse', () => {
    expect(warehouseDir({ dir: 'x/y' })).toBe(resolve('x/y'));
    expect(warehouseDir()).toBe(root);
    process.env.SEXTANT_WAREHOUSE = '';
    try {
      expect(warehouseDir()).toBe(resolve(DEFAULT_WAREHOUSE_DIR));
    } finally {
      process.env.SEXTANT_WAREHOUSE = root;
    }
  });
});
