// Numbers and tables for a phone: separators, signs, compact forms within a width, and tables cut to 32
// characters by their first column.
import { describe, expect, it } from 'vitest';
import { compact, cut, esc, money, pairs, pct, price, qty, signed, table } from './format.ts';

describe('telegram formatting', () => {
  it('formats numbers', () => {
    const cases: [string, string][] = [
      [money(1234.5), '1,234.50'], [money(-0.001), '0.00'], [money(null), '—'], [money(Number.NaN), '—'],
      [signed(12.3), '+12.30'], [signed(-12.3), '-12.30'], [signed(0), '0.00'], [signed(0.001), '0.00'],
      [qty(0.5), '0.5'], [qty(12), '12'], [qty(0.000123), '0.000123'], [qty(1234.5678901), '1,234.56789'],
      [price(67123.4), '67,123.40'], [price(212.5), '212.50'], [price(1.23456), '1.2346'], [price(1.2), '1.20'], [price(0.000123456), '0.0001235'],
      [pct(0.1234), '12.3%'], [pct(-0.001), '-0.1%'],
      [compact(1234.5), '1,234.50'], [compact(100012.34), '100,012'], [compact(100012.34, 6), '100.0k'], [compact(-2_500_000, 6), '-2.5M'], [compact(5, 8, true), '+5.00'],
      [cut('abcdef', 4), 'abc…'], [esc('a<b>&c'), 'a&lt;b&gt;&amp;c'],
    ];
    for (const [got, want] of cases) expect(got).toBe(want);
  });

  it('aligns tables and label lists and keeps them within 32 characters', () => {
    expect(table(['SYM', 'QTY'], [['BTC-USD', '1.5'], ['ETH', '12']], ['l', 'r'])).toBe('<pre>SYM     QTY\nBTC-USD 1.5\nETH      12</pre>');
    const wide = table(['NAME', 'A', 'B'], [['a-very-long-strategy-name', '123,456.78', '-99,999.99']], ['l', 'r', 'r']);
    expect(wide).toBe('<pre>NAME                A          B\na-very-lo… 123,456.78 -99,999.99</pre>');
    for (const line of wide.slice(5, -6).split('\n')) expect(line.length).toBeLessThanOrEqual(32);
    expect(pairs([['Equity', '1.00'], ['Cash', '<2>']])).toBe('<pre>Equity  1.00\nCash    &lt;2&gt;</pre>');
  });
});
