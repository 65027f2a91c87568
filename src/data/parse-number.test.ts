import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldEnd, parseDecimal, parseDecimalField } from './parse-number.ts';

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

  it('equals Number() for 16- to 19-digit decimals next to the midpoints between doubles (the hardest to round)', () => {
    const f64 = new Float64Array(1);
    const u64 = new BigUint64Array(f64.buffer);
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e19, noNaN: true }), fc.integer({ min: 16, max: 19 }), fc.integer({ min: -1, max: 1 }), (x, keep, delta) => {
        f64[0] = x;
        const exp = Number((u64[0]! >> 52n) & 0x7ffn) - 1075;
        const m = (u64[0]! & ((1n << 52n) - 1n)) | (1n << 52n);
        // The midpoint to the next double, (2m + 1)·2^(exp − 1), as digits × 10^-point.
        const digits = exp >= 1 ? ((2n * m + 1n) << BigInt(exp - 1)).toString() : ((2n * m + 1n) * 5n ** BigInt(1 - exp)).toString();
        const point = exp >= 1 ? 0 : 1 - exp;
        if (digits.length <= keep) return true;
        const p = point - (digits.length - keep);
        if (p > 22) return true;
        const d = (BigInt(digits.slice(0, keep)) + BigInt(delta)).toString();
        const at = d.length - p;
        const s = p <= 0 ? d + '0'.repeat(-p) : at > 0 ? `${d.slice(0, at)}.${d.slice(at)}` : `0.${'0'.repeat(-at)}${d}`;
        return Object.is(parse(s), Number(s)) && Object.is(parse(`-${s}`), Number(`-${s}`));
      }),
      { numRuns: 20_000 },
    );
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

describe('parseDecimalField', () => {
  const field = fc.oneof(
    fc.double({ noNaN: true }).map(String),
    fc.double({ min: 1e-3, max: 1e6, noNaN: true }).map(String),
    fc.integer({ min: -1e9, max: 1e9 }).map(String),
    fc.constantFrom('', ' ', '-', '+', '.', '-.5', '+4.', '1.2.3', ' 12.5', '12.5 ', '"7"', '1e3', '0x10', 'nan', 'Infinity', '12345678901234567890123', '0.00000000000000000000001234'),
    fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', ' ', 'x', ';') }),
  );

  it('is parseDecimal of the field up to the first delimiter, or gives way (-1) on anything but plain digits', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 4 }), fc.constantFrom(',', ';'), fc.nat(3), (fields, delim, pick) => {
        const text = fields.join(delim);
        const k = pick % fields.length;
        const start = fields.slice(0, k).reduce((at, f) => at + f.length + 1, 0);
        const value = parseDecimalField(text, start, text.length, delim.charCodeAt(0));
        const fe = fieldEnd[0]!;
        if (fe < 0) return;
        const next = text.indexOf(delim, start);
        expect(fe).toBe(next < 0 ? text.length : next);
        expect(Object.is(value, parseDecimal(text, start, fe))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('parses plain fields in one scan (they do not give way)', () => {
    const text = '100.03583740909099,-12,7.,.5,42';
    const ends: number[] = [];
    const values: number[] = [];
    for (let p = 0; p < text.length; p = fieldEnd[0]! + 1) {
      values.push(parseDecimalField(text, p, text.length, 44));
      ends.push(fieldEnd[0]!);
    }
    expect(values).toEqual([100.03583740909099, -12, 7, 0.5, 42]);
    expect(ends).toEqual([18, 22, 25, 28, 31]);
  });
});
