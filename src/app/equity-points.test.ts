// The lazy `equity` of a report is, to every reader, the array an eager build would have made.
import { describe, expect, it } from 'vitest';
import { runBacktest } from './backtest.ts';
import { defineLazyEquity, equityColumns, equityPoints } from './equity-points.ts';

describe('lazy equity', () => {
  it('a real report serializes exactly as with the points built eagerly, and the points are built once', async () => {
    const report = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:7'], commission: 0.001 });
    expect(equityColumns(report)).not.toBeNull();
    const columns = equityColumns(report)!;
    const eager = { ...Object.fromEntries(Object.entries(Object.getOwnPropertyDescriptors(report)).map(([k, d]) => [k, k === 'equity' ? null : d.value])) };
    eager.equity = equityPoints(columns.time, columns.equity);
    expect(Object.keys(report)).toEqual(Object.keys(eager));
    expect(JSON.stringify(report, null, 1)).toBe(JSON.stringify(eager, null, 1));
    expect(equityColumns(report)).toBeNull();
    expect(report.equity).toBe(report.equity);
    expect(report.equity.length).toBe(columns.equity.length);
    expect(report.equity[0]).toEqual({ time: new Date(columns.time[0]!).toISOString(), equity: columns.equity[0] });
  });

  it('spreads, assigns and keeps NaN as JSON.stringify would', () => {
    const target = { a: 1, equity: [] as unknown[], z: 2 };
    defineLazyEquity(target, new Float64Array([0, 86_400_000]), new Float64Array([5, NaN]));
    const copy = { ...target };
    expect(Object.keys(copy)).toEqual(['a', 'equity', 'z']);
    expect(JSON.stringify(copy)).toBe('{"a":1,"equity":[{"time":"1970-01-01T00:00:00.000Z","equity":5},{"time":"1970-01-02T00:00:00.000Z","equity":null}],"z":2}');
    target.equity = ['replaced'];
    expect(target.equity).toEqual(['replaced']);
    expect(equityColumns(target)).toBeNull();
  });
});
