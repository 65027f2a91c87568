import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal } from './parse-number.ts';

const parse = (s: string): number => parseDecimal(s, 0, s.length);

describe('parseDecimal', () => {
  it('equals Number() for decimals written with up to 20 digits', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,12}$/), fc.option(fc.stringMatching(/^\d{0,8}$/)))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`);
    fc.assert(fc.property(decimal, (s) => Object.is(parse(s), Number(s))));
  });

  it('equals Number() for shortest round-trip doubles including exponents', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = String(x);
        return Object.is(parse(s), Number(s));
      }),
    );
  });

  it('equals Number() for 15- to 19-digit mantissas around 2^53, with the point anywhere', () => {
    const digits = fc.bigInt({ min: 10n ** 14n, max: 10n ** 19n - 1n });
    fc.assert(
      fc.property(digits, fc.nat(22), (m, point) => {
        const d = m.toString();
        const at = Math.max(0, d.length - point);
        const s = point === 0 ? d : `${d.slice(0, at) || '0'}.${d.slice(at).padStart(point, '0')}`;
        return Object.is(parse(s), Number(s));
      }),
      { numRuns: 20_000 },
    );
    for (const s of ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740995', '900719925474099.3', '9.007199254740993', '18014398509481985', '1.0000000000000001']) {
      expect(parse(s), s).toBe(Number(s));
    }
  });

  it('ignores spaces and quotes around the value', () => {
    expect(parse('  12.5 ')).toBe(12.5);
    expect(parse('"7"')).toBe(7);
    expect(parse('+3')).toBe(3);
    expect(parse('.5')).toBe(0.5);
    expect(parse('1.')).toBe(1);
  });

  it('returns NaN for anything that is not a plain decimal', () => {
    for (const s of ['', ' ', '-', '.', 'NaN', 'nan', 'Infinity', '0x10', '1,5', '1.2.3', '12a', '1e', '1e+', 'e5', '1 2']) {
      expect(parse(s), s).toBeNaN();
    }
  });

  it('parses only the given range of a longer string', () => {
    const text = 'x,42.25,y';
    expect(parseDecimal(text, 2, 7)).toBe(42.25);
  });
});
