import { describe, expect, it } from 'vitest';
import { escapeHtml, fixedGrouped, formatValue, rawValue, readPath } from './format.ts';

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
  });

  it('shows null and non-finite values as a dash', () => {
    expect(formatValue(null, 'pct')).toBe('–');
    expect(formatValue(Number.NaN, 'num')).toBe('–');
    expect(rawValue(null)).toBe('null');
    expect(rawValue(0.1 + 0.2)).toBe('0.30000000000000004');
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
