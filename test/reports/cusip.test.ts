// CUSIP check digits: real, published CUSIPs of the shared data's companies and others, and every kind of bad one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cusipCheckDigit, cusipProblem } from '../../src/app/reports/cusip.ts';

describe('CUSIP check digit', () => {
  it.each([
    ['68389X105', 'Oracle'], ['984332106', 'Yahoo'], ['38259P508', 'Google class A'], ['037833100', 'Apple'], ['594918104', 'Microsoft'],
    ['02079K305', 'Alphabet class A'], ['02079K107', 'Alphabet class C'],
  ])('%s (%s) is valid', (cusip) => {
    expect(cusipCheckDigit(cusip.slice(0, 8))).toBe(Number(cusip[8]));
    expect(cusipProblem(cusip)).toBeNull();
  });

  it.each([
    ['68389X104', 'bad check digit in CUSIP "68389X104": the first eight characters give 5, not 4'],
    ['68389X10', 'a CUSIP has 9 characters, "68389X10" has 8'],
    ['68389X1055', 'a CUSIP has 9 characters, "68389X1055" has 10'],
    ['68389x105', 'a CUSIP holds only digits, upper-case letters, *, @ and #: "68389x105"'],
    ['68389-105', 'a CUSIP holds only digits, upper-case letters, *, @ and #: "68389-105"'],
  ])('%s is refused: %s', (cusip, why) => {
    expect(cusipProblem(cusip)).toBe(why);
  });

  it('the special characters * @ # count 36, 37, 38 (a private placement style number)', () => {
    // 36 -> 3+6 = 9 at an odd position; 37 doubled = 74 -> 7+4 = 11; 38 -> 3+8 = 11 ... computed by hand:
    // positions 1..8 of "*@#00000": 36 -> 9; 37*2 = 74 -> 11; 38 -> 11; zeros -> 0: sum 31, check (10 - 1) % 10 = 9.
    expect(cusipCheckDigit('*@#00000')).toBe(9);
    expect(cusipProblem('*@#000009')).toBeNull();
  });

  it('any single changed character of a valid CUSIP is caught (property)', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    fc.assert(fc.property(
      fc.array(fc.constantFrom(...alphabet), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 7 }), fc.constantFrom(...alphabet),
      (chars, pos, repl) => {
        const base = chars.join('');
        const valid = base + String(cusipCheckDigit(base));
        expect(cusipProblem(valid)).toBeNull();
        const changed = base.slice(0, pos) + repl + base.slice(pos + 1);
        // A changed digit always changes the check digit; letters may collide (B = 11 and 2 add the same at an odd position).
        if (changed !== base && /[0-9]/.test(repl) && /[0-9]/.test(base[pos]!)) expect(cusipProblem(changed + valid[8])).not.toBeNull();
      },
    ), { numRuns: 300 });
  });
});
