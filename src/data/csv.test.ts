import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { loadCsv, parseCsv, type CsvOptions } from './csv.ts';

const DAY = 86_400_000;
const parse = (text: string, opts: CsvOptions = {}) => parseCsv(text, { file: 'test.csv', ...opts });

/** The InputError thrown by `fn`, for asserting on where it points. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

const YAHOO = `Date,Open,High,Low,Close,Adj Close,Volume
2014-01-02,37.779999,38.029999,37.549999,37.840000,35.166069,18162100
2014-01-03,37.650002,37.860001,37.560001,37.619999,35.072853,11693900
2014-01-06,37.720001,37.990002,37.020000,37.230000,34.710903,14239800
`;

describe('parseCsv formats', () => {
  it('loads a Yahoo file with raw OHLC and ignores Adj Close', () => {
    const { series, skipped } = parse(YAHOO);
    expect(series.length).toBe(3);
    expect(skipped).toBe(0);
    expect(series.at(0)).toEqual({
      symbol: 'TEST', tsEventMs: Date.UTC(2014, 0, 2), open: 37.779999, high: 38.029999, low: 37.549999, close: 37.84, volume: 18162100,
    });
    expect(series.timeframeMs).toBe(DAY);
  });

  it('loads Date,Open,High,Low,Close,Volume,OpenInterest', () => {
    const { series } = parse('Date,Open,High,Low,Close,Volume,OpenInterest\n2006-01-02,3578.73,3605.95,3578.73,3604.33,0,0\n2006-01-03,3604.08,3638.42,3601.84,3614.34,0,0\n');
    expect(Array.from(series.close)).toEqual([3604.33, 3614.34]);
    expect(Array.from(series.volume)).toEqual([0, 0]);
  });

  it('loads a pandas export whose blank first header holds dates', () => {
    const { series } = parse(',Open,High,Low,Close,Volume\n2004-08-19,100,104.06,95.96,100.34,22351900\n2004-08-20,101.01,109.08,100.5,108.31,11428600\n');
    expect(Array.from(series.time)).toEqual([Date.UTC(2004, 7, 19), Date.UTC(2004, 7, 20)]);
  });

  it('loads a pandas export with datetimes as UTC and infers an hourly timeframe', () => {
    const text = ',Open,High,Low,Close,Volume\n2017-04-19 09:00:00,1.0716,1.0722,1.07083,1.07219,1413\n2017-04-19 10:00:00,1.07214,1.07296,1.07214,1.0726,1241\n2017-04-19 11:00:00,1.0726,1.0727,1.0720,1.0722,900\n2017-04-20 09:00:00,1.0722,1.0730,1.0710,1.0720,800\n';
    const { series } = parse(text);
    expect(series.time[0]).toBe(Date.UTC(2017, 3, 19, 9));
    expect(series.timeframeMs).toBe(3_600_000);
  });

  it('loads a generic file through a column mapping with epoch seconds', () => {
    const text = 'px_o;px_h;px_l;px_c;qty;when\n10;11;9;10.5;100;1500000000\n10.5;12;10;11;200;1500000060\n';
    const { series } = parse(text, { columns: { time: 'WHEN', open: 'px_o', high: 'px_h', low: 'px_l', close: 'px_c', volume: 'qty' }, timeFormat: 'epoch-s' });
    expect(Array.from(series.time)).toEqual([1_500_000_000_000, 1_500_000_060_000]);
    expect(series.timeframeMs).toBe(60_000);
    expect(series.volume[1]).toBe(200);
  });

  it('detects epoch seconds and epoch milliseconds by magnitude', () => {
    const s = parse('timestamp,open,high,low,close\n1500000000,1,1,1,1\n1500000060,1,1,1,1\n').series;
    const ms = parse('timestamp,open,high,low,close\n1500000000000,1,1,1,1\n1500000060000,1,1,1,1\n').series;
    expect(Array.from(s.time)).toEqual(Array.from(ms.time));
  });

  it('matches headers case-insensitively with aliases and reads volume as 0 when absent', () => {
    const a = parse('TIMESTAMP,OPEN,HIGH,LOW,CLOSE,VOL\n2020-01-01T00:00:00Z,1,2,0.5,1.5,7\n').series;
    expect(a.volume[0]).toBe(7);
    const b = parse('datetime,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n').series;
    expect(b.volume[0]).toBe(0);
  });

  it('honours explicit UTC offsets in timestamps', () => {
    const { series } = parse('time,open,high,low,close\n2020-03-02T09:30:00-05:00,1,1,1,1\n');
    expect(series.time[0]).toBe(Date.UTC(2020, 2, 2, 14, 30));
  });

  it('combines separate Date and Time columns', () => {
    const { series } = parse('Date,Time,Open,High,Low,Close,Volume\n2006.01.02,09:30,1,2,0.5,1.5,10\n2006.01.02,09:31,1,2,0.5,1.5,10\n');
    expect(Array.from(series.time)).toEqual([Date.UTC(2006, 0, 2, 9, 30), Date.UTC(2006, 0, 2, 9, 31)]);
  });

  it('accepts CRLF, blank lines, a byte-order mark, quotes and no trailing newline', () => {
    const text = '\uFEFF"Date","Open","High","Low","Close","Volume"\r\n\r\n"2020-01-01","1","2","0.5","1.5","3"\r\n   \r\n2020-01-02,1,2,0.5,1.5,4';
    const { series, skipped } = parse(text);
    expect(series.length).toBe(2);
    expect(skipped).toBe(0);
    expect(series.volume[1]).toBe(4);
  });

  it('does not split at a delimiter inside quotes', () => {
    const { series } = parse('Date,Name,Open,High,Low,Close\n2020-01-01,"Acme, Inc.",1,2,0.5,1.5\n');
    expect(series.close[0]).toBe(1.5);
  });

  it('names the symbol after the file unless told, and takes a given timeframe', () => {
    expect(parseCsv(YAHOO, { file: '/data/orcl-2014.txt' }).series.symbol).toBe('ORCL-2014');
    const { series } = parse(YAHOO, { symbol: 'ORCL', timeframeMs: 123 });
    expect(series.symbol).toBe('ORCL');
    expect(series.timeframeMs).toBe(123);
  });
});

describe('parseCsv validation', () => {
  const HEADER = 'Date,Open,High,Low,Close,Volume\n2020-01-01,10,11,9,10.5,100\n';
  it.each([
    ['an unparsable number', '2020-01-02,10,abc,9,10,100', 'High', 'cannot parse "abc" as a number'],
    ['an empty value', '2020-01-02,10,11,,10,100', 'Low', 'empty value'],
    ['a NaN price', '2020-01-02,10,11,9,NaN,100', 'Close', 'NaN'],
    ['a zero price', '2020-01-02,0,11,9,10,100', 'Open', 'must be positive'],
    ['a negative price', '2020-01-02,10,11,-9,10,100', 'Low', 'must be positive'],
    ['high below low', '2020-01-02,10,9,11,10,100', 'High', 'below low'],
    ['open above high', '2020-01-02,12,11,9,10,100', 'Open', 'outside [low 9, high 11]'],
    ['close below low', '2020-01-02,10,11,9,8,100', 'Close', 'outside'],
    ['a negative volume', '2020-01-02,10,11,9,10,-1', 'Volume', 'must not be negative'],
    ['an unparsable date', '2020-02-30,10,11,9,10,100', 'Date', 'cannot parse "2020-02-30" as a date'],
    ['a duplicate time', '2020-01-01,10,11,9,10,100', 'Date', 'duplicate time 2020-01-01T00:00:00.000Z (same as line 2)'],
    ['a time going backwards', '2019-12-31,10,11,9,10,100', 'Date', 'not after the previous row'],
    ['too few fields', '2020-01-02,10,11,9,10', 'Volume', 'expected 6 fields, found 5'],
    ['too many fields', '2020-01-02,10,11,9,10,100,5', 'column 7', 'expected 6 fields, found 7'],
  ])('throws on %s naming file, line and field', (_what, row, field, message) => {
    const e = inputError(() => parse(`${HEADER}\n${row}\n`));
    expect(e.where).toEqual({ file: 'test.csv', line: 4, field });
    expect(e.message).toContain(message);
    expect(e.message).toContain('test.csv:4');
  });

  it('throws on missing required columns at line 1 naming them', () => {
    const e = inputError(() => parse('Date,Open,Close\n2020-01-01,1,1\n'));
    expect(e.where).toEqual({ file: 'test.csv', line: 1, field: 'high' });
    expect(e.message).toContain('missing required columns "high", "low"');
  });

  it('throws when a mapped column is not in the header', () => {
    const e = inputError(() => parse(YAHOO, { columns: { close: 'Last Price' } }));
    expect(e.where.field).toBe('Last Price');
  });

  it('throws on an empty file and on a header without data rows', () => {
    expect(inputError(() => parse('')).where).toEqual({ file: 'test.csv', line: 1 });
    expect(inputError(() => parse('\r\n \n')).message).toContain('empty');
    const e = inputError(() => parse('Date,Open,High,Low,Close\n\n'));
    expect(e.message).toContain('no data rows');
    expect(e.where.line).toBe(2);
  });

  it('skips and counts bad rows with their line, field and reason when asked', () => {
    const text = `${HEADER}2020-01-02,10,abc,9,10,100\n2020-01-03,10,11,9,10,100\n2020-01-03,10,11,9,10,100\n2020-01-02,10,11,9,10,100\n2020-01-06,10,11,9,10,100\n`;
    const { series, skipped, skippedRows } = parse(text, { skipBadRows: true });
    expect(Array.from(series.time)).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 3), Date.UTC(2020, 0, 6)]);
    expect(skipped).toBe(3);
    expect(skippedRows.map((r) => [r.line, r.field])).toEqual([[3, 'High'], [5, 'Date'], [6, 'Date']]);
    expect(skippedRows[1]!.message).toContain('duplicate');
  });

  it('still throws on missing columns and when every row is bad, even when skipping', () => {
    expect(inputError(() => parse('Date,Open\n2020-01-01,1\n', { skipBadRows: true })).where.line).toBe(1);
    const e = inputError(() => parse('Date,Open,High,Low,Close\n2020-01-01,x,1,1,1\n2020-01-02,y,1,1,1\n', { skipBadRows: true }));
    expect(e.message).toContain('all 2 were skipped');
    expect(e.where.line).toBe(2);
  });

  it('suggests a missing header row when the first line looks like data', () => {
    expect(inputError(() => parse('2020-01-01,1,2,0.5,1.5\n')).message).toContain('header row missing');
  });
});

describe('loadCsv', () => {
  it('reads a file from disk and names an unreadable path in an InputError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-csv-'));
    const path = join(dir, 'spy.csv');
    writeFileSync(path, YAHOO);
    const { series } = loadCsv(path);
    expect(series.symbol).toBe('SPY');
    expect(series.length).toBe(3);
    const e = inputError(() => loadCsv(join(dir, 'absent.csv')));
    expect(e.where.file).toBe(join(dir, 'absent.csv'));
    expect(e.message).toContain('no such file');
  });
});

describe('parseCsv: the one-scan row path', () => {
  // Comma and semicolon files take the one-scan path, tab files the split-then-parse path: the same rows
  // written with each must load the same bars and skip the same rows for the same reasons.
  const price = fc.oneof(
    fc.double({ min: 1, max: 2, noNaN: true }).map(String),
    fc.integer({ min: 1, max: 3 }).map(String),
    fc.constantFrom('1.5', ' 1.5', '1.5 ', '', 'nan', '1e0', '-1', '0', '1.2.3', '"1.5"', 'x'),
  );
  const time = fc.oneof(
    fc.integer({ min: 0, max: 40 }).map((m) => new Date(Date.UTC(2020, 0, 1, 0, m)).toISOString()),
    fc.integer({ min: 0, max: 40 }).map((m) => `2020-01-01 00:${String(m).padStart(2, '0')}`),
    fc.constantFrom('2020-01-01', '', 'junk', '2020-13-01'),
  );
  const row = fc.tuple(time, price, price, price, price, fc.oneof(fc.integer({ min: 0, max: 9 }).map(String), fc.constantFrom('', '-1', '3.5'))).map((r) => [...r]);
  const line = fc.oneof({ weight: 8, arbitrary: row }, { weight: 1, arbitrary: fc.constantFrom(['', '1'], ['x'], ['2020-01-01T00:00:00Z', '1', '1', '1', '1', '1', '9']) });

  it('loads and skips as the split path does', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.constantFrom(',', ';'), fc.boolean(), (rows, delim, volume) => {
        const header = ['Date', 'Open', 'High', 'Low', 'Close', ...(volume ? ['Volume'] : [])];
        const text = (d: string): string => [header, ...rows.map((r) => (volume || r.length !== 6 ? r : r.slice(0, 5)))].map((r) => r.join(d)).join('\n');
        const load = (d: string): unknown => {
          try {
            const r = parseCsv(text(d), { file: 'f.csv', skipBadRows: true });
            const s = r.series;
            return { skipped: r.skipped, rows: r.skippedRows, time: [...s.time.subarray(0, s.length)], ohlcv: [...s.open.subarray(0, s.length), ...s.high.subarray(0, s.length), ...s.low.subarray(0, s.length), ...s.close.subarray(0, s.length), ...s.volume.subarray(0, s.length)] };
          } catch (e) {
            return String(e);
          }
        };
        expect(load(delim)).toEqual(load('\t'));
      }),
      { numRuns: 1500 },
    );
  });
});
