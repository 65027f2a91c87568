import { describe, expect, it } from 'vitest';
import { escapeHtml, fixedGrouped, formatValue, rawValue, readPath, stepDecimals, valueDecimals } from './format.ts';

describe('formatValue', () => {
  it('shows fractions as percentages with two decimals', () => {
    expect(formatValue(0.123456, 'pct')).toBe('12.35%');
    expect(formatValue(-0.5077, 'pct')).toBe('-50.77%');
    expect(formatValue(12.3456, 'pct')).toBe('1,234.56%');
  });

  it('groups thousands for money and counts and never shows a negative zero', () => {
    expect(formatValue(1234567.891, 'money')).toBe('1,234,567.89');
    expect(formatValue(-1e-12, 'money')).toBe('0.00');
    expect(formatValue(2519, 'int')).toBe('2,519');
    expect(fixedGrouped(-1234.5, 1)).toBe('-1,234.5');
  });

  it('shows numbers with fewer decimals as they grow and integers as they are', () => {
    expect(formatValue(0.26183, 'num')).toBe('0.2618');
    expect(formatValue(7.32812, 'num')).toBe('7.328');
    expect(formatValue(1890, 'num')).toBe('1,890');
    expect(formatValue(123.456, 'num')).toBe('123.46');
    expect(formatValue(0.28841, 'ratio')).toBe('0.29');
  });

  it('shows a midnight UTC time as a date and other times with minutes', () => {
    expect(formatValue('2015-01-02T00:00:00.000Z', 'date')).toBe('2015-01-02');
    expect(formatValue('2015-01-02T14:30:00.000Z', 'date')).toBe('2015-01-02 14:30');
    // Intraday runs show midnight with its minutes too.
    expect(formatValue('2017-06-12T00:00:00.000Z', 'time')).toBe('2017-06-12 00:00');
  });

  it('shows prices with the decimals of their tick', () => {
    expect(formatValue(1.08977, 'price', stepDecimals(0.00001)!)).toBe('1.08977');
    expect(formatValue(1.0897, 'price', stepDecimals(0.00001)!)).toBe('1.08970');
    expect(formatValue(2.37037, 'price', stepDecimals(0.01)!)).toBe('2.37');
    expect(formatValue(4125.25, 'price', stepDecimals(0.25)!)).toBe('4,125.25');
    expect(formatValue(42, 'price')).toBe('42.00');
  });

  it('shows null and non-finite values as a dash', () => {
    expect(formatValue(null, 'pct')).toBe('–');
    expect(formatValue(Number.NaN, 'num')).toBe('–');
    expect(rawValue(null)).toBe('null');
    expect(rawValue(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});

describe('decimals of ticks and prices', () => {
  it('counts the decimals of a tick size', () => {
    expect([0.00001, 0.0001, 0.01, 0.25, 0.5, 1, 5, 1e-8].map((t) => stepDecimals(t))).toEqual([5, 4, 2, 2, 1, 0, 0, 8]);
    expect(stepDecimals(0)).toBeNull();
    expect(stepDecimals(Number.NaN)).toBeNull();
  });

  it('finds the decimals a price from a file was written with, up to 8', () => {
    expect(valueDecimals(1.07219)).toBe(5);
    expect(valueDecimals(44.970001)).toBe(6);
    expect(valueDecimals(38.93)).toBe(2);
    expect(valueDecimals(100)).toBe(0);
    expect(valueDecimals(1 / 3)).toBe(8);
  });
});

describe('readPath and escapeHtml', () => {
  it('reads dotted and indexed paths', () => {
    const doc = { a: { b: [{ c: 1 }, { c: [5, 6] }] }, s: 'x' };
    expect(readPath(doc, 'a.b[1].c[1]')).toBe(6);
    expect(readPath(doc, 's')).toBe('x');
    expect(readPath(doc, 'a.b[7].c')).toBeUndefined();
  });

  it('escapes the characters that matter in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
