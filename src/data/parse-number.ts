// Decimal parsing straight from a string range: no substring, no regex on the common path.

/** Exact powers of ten: every 10^k with k <= 22 is representable as a double. */
const POW10 = new Float64Array([
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
]);

const TWO_POW_53 = 2 ** 53;

/** Space, tab, and the double quote around a quoted field: ignored around values. */
export function isBlankChar(c: number): boolean {
  return c === 32 || c === 9 || c === 34;
}

/**
 * Parses a plain decimal (`-12.5`, `1e3`, ` 7 `) in `text[start, end)`; NaN when the range is anything
 * else (empty, `NaN`, `1,5`, `0x10`, `Infinity`). While the digits make an integer below 2^53 (every
 * 15-digit value, most 16-digit ones) the result is `mantissa / 10^k`: both operands are exact doubles
 * and the division is correctly rounded, so it equals `Number()`. Larger mantissas and exponents fall
 * back to `Number()` after the syntax has been checked here.
 */
export function parseDecimal(text: string, start: number, end: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  while (i < end && (c === 32 || c === 9 || c === 34)) c = text.charCodeAt(++i);
  const s = i;
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let dotAt = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
    } else if (c === 46 && dotAt < 0) {
      dotAt = i;
    } else break;
  }
  if (digits === 0) return NaN;
  const fraction = dotAt < 0 ? 0 : i - dotAt - 1;
  if (i < end) return parseTail(text, s, i, end);
  // Below 2^53 every step of `mantissa * 10 + d` was exact (a larger true mantissa rounds to 2^53 or more).
  if (!(mantissa < TWO_POW_53) || fraction > 22) return Number(text.slice(s, end));
  const value = mantissa / POW10[fraction]!;
  return negative ? -value : value;
}

/** The rare cases after the digits: trailing blanks, an exponent, or junk. */
function parseTail(text: string, s: number, i: number, end: number): number {
  let e = end;
  while (e > i && isBlankChar(text.charCodeAt(e - 1))) e--;
  if (e === i) return parseDecimal(text, s, i);
  const c = text.charCodeAt(i);
  return (c === 101 || c === 69) && isExponent(text, i + 1, e) ? Number(text.slice(s, e)) : NaN;
}

/** `[+-]digits` up to the end of the range. */
function isExponent(text: string, start: number, end: number): boolean {
  let i = start;
  const c = text.charCodeAt(i);
  if (c === 43 || c === 45) i++;
  if (i >= end) return false;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}
