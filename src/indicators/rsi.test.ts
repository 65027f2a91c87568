import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gainOf, lossOf } from './rsi.ts';

describe('RSI gain and loss of a move', () => {
  it('equal max(d, 0) and max(-d, 0) bit for bit on every double', () => {
    const specials = fc.constantFrom(0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 1023, -(2 ** 1023), Infinity, -Infinity, NaN);
    fc.assert(
      fc.property(fc.oneof(fc.double(), specials), (d) => {
        expect(Object.is(gainOf(d), d > 0 ? d : 0)).toBe(true);
        expect(Object.is(lossOf(d), d < 0 ? -d : 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
