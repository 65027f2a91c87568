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
 * and the division is correctly rounded, so it equals `Number()`. Mantissas of up to 19 digits go
 * through `longQuotient`, also exact; longer ones and exponents fall back to `Number()` after the
 * syntax has been checked here.
 */
export function parseDecimal(text: string, start: number, end: number): number {
  return parseDecimalTo(text, start, end, -1);
}

/**
 * Where the last `parseDecimalField` stopped: the index of the delimiter after the field or the range's
 * end; -1 when the field held anything but the plain form (blanks after it, an exponent, junk).
 */
export const fieldEnd = new Int32Array(1);

/**
 * The number at the start of `text[start, end)` up to the first `delimiter` (a char code) or the end:
 * `parseDecimal` of that field, its end in `fieldEnd[0]`, found in the one scan of the digits (the
 * CSV row loop's fields without a separate split). When the field is not plain digits, a sign and a dot
 * (followed directly by the delimiter or the end), `fieldEnd[0]` is -1 and the result is meaningless:
 * the caller falls back to splitting the line and `parseDecimal`.
 */
export function parseDecimalField(text: string, start: number, end: number, delimiter: number): number {
  return parseDecimalTo(text, start, end, delimiter);
}

/** parseDecimal, or with a delimiter (>= 0) parseDecimalField. */
function parseDecimalTo(text: string, start: number, end: number, delimiter: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  while (i < end && (c === 32 || c === 9 || c === 34)) c = text.charCodeAt(++i);
  const s = i;
  const negative = c === 45;
  if (negative || c === 43) i++;
  // The digits as a·10^k + b: a takes the first 11 (so it stays below 2^53), b the k after them.
  let a = 0;
  let b = 0;
  let digits = 0;
  let dotAt = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      if (digits < 11) a = a * 10 + d;
      else b = b * 10 + d;
      digits++;
    } else if (c === 46 && dotAt < 0) {
      dotAt = i;
    } else break;
  }
  if (delimiter >= 0) {
    // The field ends here: the value is parseDecimal's of text[start, i).
    if (i < end && c !== delimiter) {
      fieldEnd[0] = -1;
      return NaN;
    }
    fieldEnd[0] = i;
    end = i;
  }
  if (digits === 0) return NaN;
  const fraction = dotAt < 0 ? 0 : i - dotAt - 1;
  if (i < end) return parseTail(text, s, i, end);
  if (fraction > 22 || digits > 19) return Number(text.slice(s, end));
  const scale = digits > 11 ? POW10[digits - 11]! : 1;
  // Below 2^53 the mantissa is exact (a larger true mantissa rounds to 2^53 or more), and so is the
  // one division: it equals Number().
  const mantissa = a * scale + b;
  let value = mantissa < TWO_POW_53 ? mantissa / POW10[fraction]! : longQuotient(a, scale, b, POW10[fraction]!);
  if (value !== value) return Number(text.slice(s, end));
  if (negative) value = -value;
  return value;
}

// ---- 16 to 19 digits: M / 10^f rounded exactly, or NaN when it cannot tell (then Number() decides) ----
//
// M = a·10^k + b is held exactly as s + u (Dekker's product and Knuth's sum make no error). With
// q = fl(s / P), the remainder M − q·P is computed exactly up to two roundings, so x + y = q + R/P
// (Knuth's sum again) is within 2^-48 ulp of the true quotient. x is then the correctly rounded value
// unless the true quotient lies within 2^-40 ulp of a point halfway to a neighbour of x: there the
// answer is left to Number() (exact ties, e.g. 9007199254740993, land there).

/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLIT = 134_217_729;
/** 2^(e − 1075) by biased exponent e: the ulp of a normal double with that exponent (a table: Math.pow is slow). */
const POW2 = Float64Array.from({ length: 2048 }, (_, e) => 2 ** (e - 1075));
const TIE_MARGIN = 2 ** -40;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the word holding the sign, exponent and top of the mantissa. */
const HI = (() => {
  bits[0] = 1;
  return words[1] === 0x3ff00000 ? 1 : 0;
})();

/** (a·scale + b) / pw rounded to nearest, or NaN when too close to a tie to tell (a < 10^11, scale = 10^k with k ≤ 8, pw = 10^f with f ≤ 22). */
function longQuotient(a: number, scale: number, b: number, pw: number): number {
  // p + e = a · scale exactly (Dekker; scale, at most 10^8, is its own high half).
  const p = a * scale;
  const ah = a * SPLIT - (a * SPLIT - a);
  const al = a - ah;
  const e = ah * scale - p + al * scale;
  // sum + t = p + b exactly (Knuth); t + e is exact: both are integers of at most 2^12.
  const sum = p + b;
  const bv = sum - p;
  const t = p - (sum - bv) + (b - bv);
  const u = t + e;
  const q = sum / pw;
  // h + l = q · pw exactly (Dekker); sum − h is exact (Sterbenz: h is within a factor 2 of sum).
  const h = q * pw;
  const qh = q * SPLIT - (q * SPLIT - q);
  const ql = q - qh;
  const ph = pw * SPLIT - (pw * SPLIT - pw);
  const pl = pw - ph;
  const l = qh * ph - h + qh * pl + ql * ph + ql * pl;
  const c = (sum - h - l + u) / pw;
  // x + y = q + c exactly (Knuth).
  const x = q + c;
  const z = x - q;
  const y = q - (x - z) + (c - z);
  bits[0] = x;
  const hi = words[HI]!;
  const ulp = POW2[(hi >>> 20) & 0x7ff]!;
  const powerOfTwo = (hi & 0xfffff) === 0 && words[1 - HI] === 0;
  const half = y < 0 && powerOfTwo ? ulp / 4 : ulp / 2;
  return Math.abs(y) < half - ulp * TIE_MARGIN ? x : NaN;
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
