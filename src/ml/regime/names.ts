// The seven rule-based regimes and their codes (the index in REGIME_NAMES; -1 while warming up).

export const REGIME_NAMES = ['bull_quiet', 'bull_volatile', 'bear_quiet', 'bear_volatile', 'sideways_quiet', 'sideways_volatile', 'crisis'] as const;
export type RegimeName = (typeof REGIME_NAMES)[number];

/** Code of a bar whose regime is not defined yet (indicator warm-up). */
export const UNKNOWN_REGIME = -1;

export const REGIME_CODE: Readonly<Record<RegimeName, number>> = Object.fromEntries(REGIME_NAMES.map((n, i) => [n, i])) as Record<RegimeName, number>;

/** Name of a regime code ('unknown' for -1 or anything out of range). */
export function regimeName(code: number): RegimeName | 'unknown' {
  return REGIME_NAMES[code] ?? 'unknown';
}
