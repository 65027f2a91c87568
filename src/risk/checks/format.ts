// Number formatting for denial and trip reasons: money with 2 decimals, percentages and ratios trimmed.

/** 1234.5 -> "1234.50". */
export function money(x: number): string {
  return x.toFixed(2);
}

/** 5 -> "5%", 6.2049 -> "6.2%" (at most 2 decimals, trailing zeros dropped). */
export function pct(x: number): string {
  return `${trim(x)}%`;
}

/** 3 -> "3x", 3.2049 -> "3.2x". */
export function times(x: number): string {
  return `${trim(x)}x`;
}

/** At most 2 decimals, trailing zeros dropped. */
export function trim(x: number): string {
  return String(Number(x.toFixed(2)));
}
