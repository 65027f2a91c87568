import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { checkRunId, normalizeSymbol, sqlFileList, sqlString, symbolDir } from './layout.ts';
import { metricColumn } from './runs.ts';

describe('warehouse names', () => {
  it('upper-cases and trims symbols and refuses path and glob characters', () => {
    expect(normalizeSymbol(' brk-b ')).toBe('BRK-B');
    expect(normalizeSymbol('eurusd=x')).toBe('EURUSD=X');
    for (const bad of ['', ' ', '../x', 'a*', 'a?b', 'a b', '-x', '.x', 'a\\b']) expect(() => normalizeSymbol(bad), bad).toThrow(ConfigError);
  });

  it('percent-encodes the symbol in its Hive folder name', () => {
    expect(symbolDir('/w', 'BRK/B')).toBe('/w/bars/symbol=BRK%2FB');
    expect(symbolDir('/w', 'ES=F')).toBe('/w/bars/symbol=ES%3DF');
  });

  it('accepts run ids that are plain file names only', () => {
    expect(checkRunId('20240101-120000-abcd.1_x')).toBe('20240101-120000-abcd.1_x');
    for (const bad of ['', '../a', 'a/b', '.a', 'a b', 'x'.repeat(129)]) expect(() => checkRunId(bad), bad).toThrow(/bad run id/);
  });

  it('names metric columns in snake_case, ...Ms times as ..._time, and moves names taken by fixed columns aside', () => {
    expect(metricColumn('maxDrawdownDurationDays')).toEqual({ name: 'max_drawdown_duration_days', time: false });
    expect(metricColumn('sharpe')).toEqual({ name: 'sharpe', time: false });
    expect(metricColumn('startMs')).toEqual({ name: 'start_time', time: true });
    expect(metricColumn('bars')).toEqual({ name: 'metric_bars', time: false });
  });

  it('quotes SQL strings and file lists', () => {
    expect(sqlString("it's")).toBe("'it''s'");
    expect(sqlFileList(['/a/b.parquet', "/c'd.parquet"])).toBe("['/a/b.parquet', '/c''d.parquet']");
  });
});
