// CUSIP numbers (CUSIP Global Services' nine-character identifier of North American securities): six characters
// of issuer, two of issue, one check digit computed by the "modulus 10 double add double" rule.

const CHARS = /^[0-9A-Z*@#]{9}$/;

/** The value of one CUSIP character: 0-9 as is, A-Z 10-35, * 36, @ 37, # 38. */
function charValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return c === '*' ? 36 : c === '@' ? 37 : 38;
}

/** The check digit of the first eight characters: every second character doubled, the digits of each value summed. */
export function cusipCheckDigit(first8: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    let v = charValue(first8[i]!);
    if (i % 2 === 1) v *= 2;
    sum += Math.floor(v / 10) + (v % 10);
  }
  return (10 - (sum % 10)) % 10;
}

/** Why `cusip` is not a valid CUSIP, or null when it is. */
export function cusipProblem(cusip: string): string | null {
  if (cusip.length !== 9) return `a CUSIP has 9 characters, "${cusip}" has ${cusip.length}`;
  if (!CHARS.test(cusip)) return `a CUSIP holds only digits, upper-case letters, *, @ and #: "${cusip}"`;
  const want = cusipCheckDigit(cusip);
  if (cusip[8] !== String(want)) return `bad check digit in CUSIP "${cusip}": the first eight characters give ${want}, not ${cusip[8]}`;
  return null;
}
