// Rounding helpers used at the boundaries (orders, fills); the hot path uses plain float64.

/** Rounds `x` to the nearest multiple of `step` (step > 0), cleaning binary noise. */
export function roundToStep(x: number, step: number): number {
  if (step <= 0) return x;
  return multiple(Math.round(x / step), step);
}

/** Rounds `x` down (towards zero) to a multiple of `step`. */
export function floorToStep(x: number, step: number): number {
  if (step <= 0) return x;
  return multiple(Math.trunc(x / step + 1e-9 * Math.sign(x)), step);
}

/** Number of decimals of a step such as 0.01 -> 2, 1 -> 0. */
export function decimalsOf(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 0;
  let d = 0;
  while (d < 12 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-9) d++;
  return d;
}

/** n x step without binary noise: divides by 1/step when that is a whole number (0.01 -> /100). */
function multiple(n: number, step: number): number {
  if (step === 1) return n;
  const inv = Math.round(1 / step);
  return Math.abs(inv * step - 1) < 1e-12 ? n / inv : n * step;
}

/** Rounds money to a currency's minor unit (2 decimals unless told). */
export function roundMoney(x: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Relative-or-absolute closeness used by tests and invariant checks. */
export function nearlyEqual(a: number, b: number, rel = 1e-9, abs = 1e-9): boolean {
  return Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
}
