// Chart axes of the tearsheet: nice-number value axes (Heckbert, "Nice numbers for graph labels",
// Graphics Gems 1990: steps of 1, 2 or 5 × 10^k), logarithmic axes, and calendar time axes (years,
// months, weeks, days, hours, minutes in UTC). Tick labels are round values of the scale, not data.
import { fixedGrouped, MONTHS } from './format.ts';

export interface Tick {
  readonly value: number;
  readonly label: string;
}

export interface Axis {
  readonly kind: 'linear' | 'log' | 'time';
  /** The domain drawn between the plot's edges. */
  readonly lo: number;
  readonly hi: number;
  readonly ticks: readonly Tick[];
}

/** How value tick labels read: compact money (500k, 2.5M), a percentage of a fraction, a plain number, a count. */
export type TickFormat = 'compact' | 'pct' | 'num' | 'int';

export const MIN_TICKS = 4;
export const MAX_TICKS = 8;
/** Time axes show at most this many labels. */
export const MAX_TIME_TICKS = 10;

/** Heckbert's nice number: 1, 2, 5 or 10 × 10^k nearest to x (`round`) or the least one at or above x. */
export function niceNumber(x: number, round: boolean): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`niceNumber needs a positive finite number, got ${x}`);
  const exp = Math.floor(Math.log10(x));
  const f = x / 10 ** exp;
  const nf = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** exp;
}

/** k × step without the binary noise of the product (0.1 × 3 → 0.3). */
function multiple(k: number, step: number): number {
  const v = k * step;
  return v === 0 ? 0 : Number(v.toPrecision(12));
}

/** Decimals that write every multiple of `step` (a 1/2/5 × 10^k step): 0.05 → 2, 500 → 0. */
export function stepDigits(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** The domain a flat or empty range is drawn over. */
function widen(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi > lo) return [lo, hi];
  const d = Math.abs(lo) * 0.05 || 1;
  return [lo - d, hi + d];
}

interface StepChoice {
  readonly step: number;
  readonly first: number;
  readonly last: number;
}

/**
 * The 1/2/5 × 10^k step with MIN_TICKS..MAX_TICKS ticks over [lo, hi] (Heckbert's step for six ticks
 * and its neighbours), preferring six ticks and little empty range. `loose` counts the ticks of the
 * domain widened to whole steps; otherwise only the ticks inside [lo, hi].
 */
function chooseStep(lo: number, hi: number, loose: boolean, minStep: number): StepChoice {
  const span = hi - lo;
  const guess = niceNumber(niceNumber(span, false) / (6 - 1), true);
  const e = Math.floor(Math.log10(guess));
  let best: (StepChoice & { score: number }) | null = null;
  for (let k = e - 2; k <= e + 2; k++) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** k;
      if (step < minStep) continue;
      const first = loose ? Math.floor(lo / step + 1e-9) : Math.ceil(lo / step - 1e-9);
      const last = loose ? Math.ceil(hi / step - 1e-9) : Math.floor(hi / step + 1e-9);
      const count = last - first + 1;
      const inRange = count >= MIN_TICKS && count <= MAX_TICKS;
      const waste = loose ? ((last - first) * step - span) / span : 0;
      // Out-of-range counts only win when no step gives 4..8 ticks (a range narrower than minStep).
      const score = (inRange ? 0 : 100 + Math.abs(count - 6)) + Math.abs(count - 6) * 0.1 + waste;
      if (best === null || score < best.score) best = { step, first, last, score };
    }
  }
  return best!;
}

/**
 * A linear axis of nice numbers over the data range [lo, hi]. `loose` widens the domain to the outer
 * ticks (the value charts); otherwise the domain stays [lo, hi] and the ticks fall inside it.
 * `int` ticks step by at least 1.
 */
export function linearAxis(lo: number, hi: number, format: TickFormat, loose = true): Axis {
  [lo, hi] = widen(lo, hi);
  const s = chooseStep(lo, hi, loose, format === 'int' ? 1 : 0);
  const ticks: Tick[] = [];
  for (let k = s.first; k <= s.last; k++) {
    const v = multiple(k, s.step);
    ticks.push({ value: v, label: formatTick(v, s.step, format) });
  }
  return loose ? { kind: 'linear', lo: multiple(s.first, s.step), hi: multiple(s.last, s.step), ticks } : { kind: 'linear', lo, hi, ticks };
}

/**
 * A logarithmic axis over [lo, hi] (both > 0), padded by 3 % of the decades either side. Ticks are the
 * 1, 2, 5 × 10^k inside, or only the powers of ten when those are too many, or 1..9 × 10^k when they
 * are too few; a range too narrow for any of these gets linear nice ticks at their log positions.
 */
export function logAxis(lo: number, hi: number, format: TickFormat): Axis {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) throw new RangeError(`a log axis needs 0 < lo <= hi, got ${lo} and ${hi}`);
  if (hi === lo) [lo, hi] = [lo / 1.1, hi * 1.1];
  const pad = (Math.log10(hi) - Math.log10(lo)) * 0.03;
  const dlo = lo / 10 ** pad;
  const dhi = hi * 10 ** pad;
  const inside = (mantissas: readonly number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(dlo)); e <= Math.ceil(Math.log10(dhi)); e++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= dlo && v <= dhi) out.push(v);
      }
    }
    return out;
  };
  let values = inside([1, 2, 5]);
  if (values.length > MAX_TICKS) values = inside([1]);
  if (values.length > MAX_TICKS) values = inside([1]).filter((v) => Math.round(Math.log10(v)) % 2 === 0);
  if (values.length < 3) values = inside([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (values.length < 3 || values.length > MAX_TICKS) {
    const lin = linearAxis(dlo, dhi, format, false);
    return { kind: 'log', lo: dlo, hi: dhi, ticks: lin.ticks.filter((t) => t.value > 0) };
  }
  // Each label with the decimals its own value needs (0.5, 1, 2, 5, 10), as these steps are not uniform.
  return { kind: 'log', lo: dlo, hi: dhi, ticks: values.map((v) => ({ value: v, label: formatTick(v, 10 ** Math.floor(Math.log10(v) + 1e-9), format) })) };
}

const UNITS: readonly [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];

/** Decimals of `v` written to the precision of `step`, with trailing zeros dropped. */
function trimmed(v: number, decimals: number): string {
  const text = fixedGrouped(v, decimals);
  return decimals > 0 ? text.replace(/\.?0+$/, '') : text;
}

/**
 * A tick label of `v` on an axis stepping by `step`: `compact` writes values of 10,000 and more with
 * k, M, B, T (500k, 1.5M, 2M); `pct` a fraction as a percentage (−20%); `num` and `int` plain
 * numbers with thousands separators and the decimals the step needs.
 */
export function formatTick(v: number, step: number, format: TickFormat): string {
  if (v === 0) return format === 'pct' ? '0%' : '0';
  if (format === 'pct') return `${fixedGrouped(v * 100, stepDigits(step * 100))}%`;
  if (format === 'compact' && Math.abs(v) >= 1e4) {
    const [unit, name] = UNITS.find(([u]) => Math.abs(v) >= u)!;
    return `${trimmed(v / unit, stepDigits(step / unit))}${name}`;
  }
  if (format === 'compact') return trimmed(v, stepDigits(step));
  return fixedGrouped(v, format === 'int' ? 0 : stepDigits(step));
}

// ---- Time axes -------------------------------------------------------------------------------

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type TimeUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** Calendar intervals, finest first. */
const INTERVALS: readonly (readonly [TimeUnit, number])[] = [
  ['minute', 1], ['minute', 2], ['minute', 5], ['minute', 10], ['minute', 15], ['minute', 30],
  ['hour', 1], ['hour', 2], ['hour', 3], ['hour', 6], ['hour', 12],
  ['day', 1], ['day', 2], ['week', 1], ['week', 2],
  ['month', 1], ['month', 2], ['month', 3], ['month', 6],
  ['year', 1], ['year', 2], ['year', 5], ['year', 10], ['year', 20], ['year', 50], ['year', 100],
];

/** The UTC instants of a calendar interval in [t0, t1]; null when there would be more than `max`. */
function calendarTicks(t0: number, t1: number, unit: TimeUnit, n: number, max: number): number[] | null {
  const out: number[] = [];
  const push = (t: number): boolean => {
    if (t >= t0 && t <= t1) out.push(t);
    return out.length <= max;
  };
  const d0 = new Date(t0);
  if (unit === 'year' || unit === 'month') {
    const months = unit === 'year' ? 12 * n : n;
    let m = d0.getUTCFullYear() * 12 + d0.getUTCMonth();
    m = Math.ceil(m / months) * months;
    for (;; m += months) {
      const t = Date.UTC(Math.floor(m / 12), m % 12, 1);
      if (t > t1) break;
      if (!push(t)) return null;
    }
    return out;
  }
  // Fixed lengths: minutes, hours and days counted from the epoch (UTC midnight), weeks from a Monday.
  const len = unit === 'minute' ? n * MIN_MS : unit === 'hour' ? n * HOUR_MS : unit === 'day' ? n * DAY_MS : 7 * n * DAY_MS;
  const offset = unit === 'week' ? 4 * DAY_MS : 0; // 1970-01-05 was a Monday
  if ((t1 - t0) / len > max + 1) return null;
  for (let t = Math.ceil((t0 - offset) / len) * len + offset; t <= t1; t += len) if (!push(t)) return null;
  return out;
}

const pad2 = (v: number): string => String(v).padStart(2, '0');

/** Labels of calendar ticks: the year; a month (with its year at January and first); a day; a time (with its day at a new day). */
function timeLabels(ticks: readonly number[], unit: TimeUnit): string[] {
  return ticks.map((t, k) => {
    const d = new Date(t);
    const prev = k > 0 ? new Date(ticks[k - 1]!) : null;
    const y = d.getUTCFullYear();
    const mon = MONTHS[d.getUTCMonth()]!;
    const day = `${mon} ${d.getUTCDate()}`;
    const newYear = prev === null || prev.getUTCFullYear() !== y;
    switch (unit) {
      case 'year':
        return String(y);
      case 'month':
        return newYear ? `${mon} ${y}` : mon;
      case 'week':
      case 'day':
        return newYear ? `${day}, ${y}` : day;
      case 'hour':
      case 'minute': {
        const hm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
        const newDay = prev === null || Math.floor(prev.getTime() / DAY_MS) !== Math.floor(t / DAY_MS);
        if (!newDay) return hm;
        const date = newYear ? `${day}, ${y}` : day;
        return hm === '00:00' ? date : `${date} ${hm}`;
      }
    }
  });
}

/**
 * A time axis over [t0, t1] (epoch ms, UTC): the finest calendar interval (minutes up to centuries)
 * whose labels number at most MAX_TIME_TICKS and fit side by side in `widthPx` at `fontPx`.
 */
export function timeAxis(t0: number, t1: number, widthPx: number, fontPx = 11): Axis {
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) return { kind: 'time', lo: 0, hi: 1, ticks: [] };
  if (t1 <= t0) return { kind: 'time', lo: t0 - DAY_MS / 2, hi: t0 + DAY_MS / 2, ticks: [{ value: t0, label: timeLabels([t0], 'hour')[0]! }] };
  let fallback: Tick[] = [];
  for (const [unit, n] of INTERVALS) {
    const ticks = calendarTicks(t0, t1, unit, n, MAX_TIME_TICKS);
    if (ticks === null || ticks.length === 0) continue;
    const labels = timeLabels(ticks, unit);
    const made = ticks.map((value, k) => ({ value, label: labels[k]! }));
    if (fallback.length === 0) fallback = made;
    // Adjacent labels, centred on their ticks, keep a gap of at least 10 px.
    const px = (t: number): number => ((t - t0) / (t1 - t0)) * widthPx;
    let fits = true;
    for (let k = 1; k < ticks.length && fits; k++) {
      const need = (textWidth(labels[k - 1]!, fontPx) + textWidth(labels[k]!, fontPx)) / 2 + 10;
      fits = px(ticks[k]!) - px(ticks[k - 1]!) >= need;
    }
    if (fits) return { kind: 'time', lo: t0, hi: t1, ticks: made };
  }
  return { kind: 'time', lo: t0, hi: t1, ticks: fallback.slice(0, 1) };
}

/**
 * A generous estimate of the width of `text` in a sans-serif font of `fontPx` (em fractions per
 * character class, rounded up), so a margin sized by it holds the label.
 */
export function textWidth(text: string, fontPx = 11): number {
  let em = 0;
  for (const ch of text) {
    if (/[0-9]/.test(ch)) em += 0.6;
    else if (ch === '.' || ch === ',' || ch === ':' || ch === ' ') em += 0.32;
    else if (ch === '-' || ch === '−') em += 0.4;
    else if (ch === '%' || ch === 'M' || ch === 'W' || ch === 'm' || ch === 'w') em += 0.92;
    else if (/[A-Z]/.test(ch)) em += 0.72;
    else em += 0.6;
  }
  return Math.ceil(em * fontPx);
}
