// RFC 8785 (JSON Canonicalization Scheme): the RFC's own examples (§3.2.2 sorting, §3.2.4 the sample
// object) and number vectors from its Appendix B, plus what JSON cannot hold.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.ts';

const fromBits = (hex: string): number => new DataView(new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16))).buffer).getFloat64(0);

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const v = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Read the keys off the text: a parsed object would list the integer-like key "1" first.
    const keys = [...canonicalJson(v).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]!}"`) as string);
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('writes the RFC 8785 §3.2.4 sample exactly', () => {
    const input = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}') as unknown;
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it.each([
    ['0000000000000000', '0'], ['8000000000000000', '0'], ['0000000000000001', '5e-324'], ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'], ['ffefffffffffffff', '-1.7976931348623157e+308'], ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'], ['4430000000000000', '295147905179352830000'], ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'], ['44b52d02c7e14af7', '1.0000000000000001e+23'], ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef50', '1e+21'], ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'], ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'], ['41b3de4355555555', '333333333.3333333'],
  ])('number with bits %s is written %s (RFC 8785 Appendix B)', (bits, text) => {
    expect(canonicalJson(fromBits(bits))).toBe(text);
  });

  it('has no whitespace, drops undefined members like JSON.stringify, keeps array order', () => {
    expect(canonicalJson({ b: [3, { y: 1, x: [true, null] }], a: 'x', skip: undefined })).toBe('{"a":"x","b":[3,{"x":[true,null],"y":1}]}');
  });

  it.each([
    [{ a: Number.NaN }, '$.a'], [{ a: [1, Number.POSITIVE_INFINITY] }, '$.a[1]'], [{ f: () => 1 }, '$.f'], [{ n: 10n }, '$.n'],
  ])('refuses what JSON cannot hold, naming where (%#)', (v, where) => {
    expect(() => canonicalJson(v)).toThrow(where);
  });

  it('is a function of the value: any key order gives the same text, and it parses back to an equal value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const text = canonicalJson(v);
      const reordered = JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x))) as unknown;
      expect(canonicalJson(reordered)).toBe(text);
      expect(canonicalJson(JSON.parse(text))).toBe(text);
    }), { numRuns: 300 });
  });
});
