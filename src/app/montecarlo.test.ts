// Reading a saved backtest run for Monte Carlo through the RunReport schema: what is read, and errors that name
// the file and the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { runBacktest } from './backtest.ts';
import { writeBacktestJson } from './backtest-json.ts';
import { JsonFile } from './dto/index.ts';
import { parseBacktestRun, readBacktestRun, runMonteCarlo } from './montecarlo.ts';

describe('parseBacktestRun', () => {
  const good = {
    params: { cash: 1000 },
    finalValue: 1010,
    trades: [{ exitTime: '2020-01-03T00:00:00.000Z', pnl: 10 }],
    equity: [
      { time: '2020-01-01T00:00:00.000Z', equity: 1000 },
      { time: '2020-01-02T00:00:00.000Z', equity: 1005 },
      { time: '2020-01-03T00:00:00.000Z', equity: 1010 },
    ],
  };

  it('reads equity, trades and the starting cash', () => {
    const r = parseBacktestRun(JsonFile.ofValue('run.json', good));
    expect([...r.equity]).toEqual([1000, 1005, 1010]);
    expect(r.timeMs[1]).toBe(Date.UTC(2020, 0, 2));
    expect(r.trades).toEqual([{ exitTimeMs: Date.UTC(2020, 0, 3), pnl: 10 }]);
    expect(r.startEquity).toBe(1000);
    expect(r.finalValue).toBe(1010);
  });

  it('names the file and the field of a bad value', () => {
    const bad = (patch: object) => () => parseBacktestRun(JsonFile.ofValue('run.json', { ...good, ...patch }));
    expect(bad({ equity: undefined })).toThrow('run.json, field "equity"');
    expect(bad({ equity: [] })).toThrow(/field "equity": is empty/);
    expect(bad({ equity: [{ time: 'x', equity: 1 }] })).toThrow('field "equity[0].time"');
    expect(bad({ equity: [good.equity[0], { time: '2020-01-02', equity: -5 }] })).toThrow('field "equity[1].equity"');
    expect(bad({ equity: [good.equity[1], good.equity[0]] })).toThrow(/equity\[1\]\.time.*ascending/);
    expect(bad({ trades: [{ exitTime: '2020-01-03', pnl: 'x' }] })).toThrow('field "trades[0].pnl"');
    expect(bad({ trades: {} })).toThrow('field "trades"');
    expect(bad({ params: { cash: 0 } })).toThrow('field "params.cash"');
    expect(() => parseBacktestRun(JsonFile.ofValue('run.json', []))).toThrow(InputError);
  });
});

describe('readBacktestRun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-mc-'));

  it('reads a real `backtest --json` file', async () => {
    const report = await runBacktest({ strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: ['synthetic:3'], cash: 50_000 });
    const path = join(dir, 'run.json');
    writeBacktestJson(report, path);
    const run = readBacktestRun(path);
    expect(run.file).toBe(path);
    expect(run.startEquity).toBe(50_000);
    expect(run.equity.length).toBe(report.equity.length);
    expect(run.equity.at(-1)).toBe(report.equity.at(-1)!.equity);
    expect(run.trades.map((t) => t.pnl)).toEqual(report.trades.map((t) => t.pnl));
    expect(run.finalValue).toBe(report.finalValue);
    expect(runMonteCarlo(path, { method: 'returns', paths: 50, seed: 1 }).paths).toBe(50);
  });

  it('names the file and the line of a bad value in a file, and the `run` field of a file that is not there', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{\n "trades": [],\n "equity": [\n  { "time": "2020-01-01", "equity": 1 },\n  { "time": "2020-01-02", "equity": null }\n ]\n}\n');
    expect(() => readBacktestRun(path)).toThrow(`${path}:5, field "equity[1].equity": expected number, got null`);
    expect(() => readBacktestRun(join(dir, 'nope.json'))).toThrow(/nope\.json, field "run": cannot read the file/);
    writeFileSync(path, '[1, 2');
    expect(() => readBacktestRun(path)).toThrow(InputError);
  });
});
