import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../core/errors.ts';
import { DEFAULT_SYNTHETIC_SEED, loadDataSource, loadDataSources, parseDataSource } from './source.ts';

const CSV = 'Date,Open,High,Low,Close,Volume\n2020-01-01,10,11,9,10.5,100\n2020-01-02,10,11,9,10.5,100\nbad,1,1,1,1,1\n';

function tmpCsv(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sextant-src-')), name);
  writeFileSync(path, text);
  return path;
}

describe('parseDataSource', () => {
  it('reads synthetic, synthetic:<seed> and csv:<path>', () => {
    expect(parseDataSource('synthetic')).toEqual({ kind: 'synthetic', seed: DEFAULT_SYNTHETIC_SEED });
    expect(parseDataSource('synthetic:123')).toEqual({ kind: 'synthetic', seed: 123 });
    expect(parseDataSource('csv:data/a:b.csv')).toEqual({ kind: 'csv', path: 'data/a:b.csv' });
  });

  it('throws a ConfigError naming --data for unknown kinds, bad seeds and missing paths', () => {
    for (const bad of ['parquet:x', 'yahoo', 'synthetic:abc', 'synthetic:-1', 'synthetic:', 'synthetic:99999999999', 'csv:', '']) {
      expect(() => parseDataSource(bad), bad).toThrow(ConfigError);
    }
    expect(() => parseDataSource('parquet:x')).toThrow(/unknown data source "parquet:x": expected synthetic, synthetic:<seed>, csv:<path> or store:<symbol>/);
  });
});

describe('loadDataSource', () => {
  it('loads a CSV as one equity named after the file, counting skipped rows when asked', () => {
    const path = tmpCsv('acme.csv', CSV);
    const data = loadDataSource(`csv:${path}`, { skipBadRows: true });
    expect(data.instruments.map((i) => [i.symbol, i.assetClass])).toEqual([['ACME', 'equity']]);
    expect(data.series[0]!.length).toBe(2);
    expect(data.skipped).toBe(1);
    expect(data.skippedRows[0]).toMatchObject({ file: path, line: 4, field: 'Date' });
    expect(() => loadDataSource(`csv:${path}`)).toThrow(InputError);
  });

  it('generates the synthetic market with its defaults or the given size', () => {
    expect(loadDataSource('synthetic:1').series.length).toBe(10);
    const small = loadDataSource({ kind: 'synthetic', seed: 1 }, { symbols: 2, bars: 30 });
    expect(small.series.map((s) => [s.symbol, s.length])).toEqual([['SYN000', 30], ['SYN001', 30]]);
  });

  it('combines several sources and rejects a symbol that two sources provide', () => {
    const a = tmpCsv('a.csv', CSV.split('\n').slice(0, 3).join('\n'));
    const b = tmpCsv('b.csv', CSV.split('\n').slice(0, 3).join('\n'));
    const both = loadDataSources([`csv:${a}`, `csv:${b}`, 'synthetic:5'], { symbols: 1, bars: 10 });
    expect(both.series.map((s) => s.symbol)).toEqual(['A', 'B', 'SYN000']);
    expect(() => loadDataSources([`csv:${a}`, `csv:${a}`])).toThrow(/symbol A comes from more than one data source/);
    expect(loadDataSources([]).series.length).toBe(10);
  });
});
