// Formatting of displayed data for the tearsheet. Locale-independent (no toLocaleString), so the
// same report renders the same bytes everywhere.

/**
 * How a datum is shown: a fraction as a percentage, a number (3 significant decimals or so), a
 * two-decimal ratio (correlations), money, a price (the decimals of its instrument's tick), a count,
 * a date (the day alone at midnight UTC), a time (always with its minutes, for intraday runs), or text.
 */
export type Fmt = 'pct' | 'num' | 'ratio' | 'money' | 'price' | 'int' | 'date' | 'time' | 'text';

/** A value shown in the report, with its JSON path in the backtest report (`metrics.sharpe`, `trades[3].pnl`). */
export interface Datum {
  readonly path: string;
  readonly value: number | string | null;
  readonly fmt: Fmt;
  /** Decimals of a 'price' (default 2). */
  readonly decimals?: number;
}

/** Most decimals a price is shown with. */
export const MAX_PRICE_DECIMALS = 8;

/** Decimals of a step such as a tick size: 0.01 → 2, 0.00001 → 5, 0.25 → 2, 5 → 0 (null unless a positive finite number). */
export function stepDecimals(step: number, cap = MAX_PRICE_DECIMALS): number | null {
  if (!(step > 0) || !Number.isFinite(step)) return null;
  return valueDecimals(step, cap);
}

/** The fewest decimals (up to `cap`) that write `v` exactly as the double it is: 2.37037 → 5, 44.970001 → 6, 10 → 0. */
export function valueDecimals(v: number, cap = MAX_PRICE_DECIMALS): number {
  if (!Number.isFinite(v)) return 0;
  for (let d = 0; d < cap; d++) if (Number(v.toFixed(d)) === v) return d;
  return cap;
}

export const NULL_TEXT = '–';

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function group(intText: string): string {
  let out = '';
  for (let i = 0; i < intText.length; i++) {
    if (i > 0 && (intText.length - i) % 3 === 0) out += ',';
    out += intText[i];
  }
  return out;
}

/** Fixed decimals with thousands separators: 1234567.891 → "1,234,567.89". */
export function fixedGrouped(v: number, decimals: number): string {
  const text = Math.abs(v).toFixed(decimals);
  const dot = text.indexOf('.');
  const intPart = dot < 0 ? text : text.slice(0, dot);
  const frac = dot < 0 ? '' : text.slice(dot);
  const neg = v < 0 && Number(text) !== 0;
  return `${neg ? '-' : ''}${group(intPart)}${frac}`;
}

/** The text shown for a value. */
export function formatValue(value: number | string | null, fmt: Fmt, decimals?: number): string {
  if (value === null) return NULL_TEXT;
  if (typeof value === 'string') {
    if (fmt !== 'date' && fmt !== 'time') return value;
    // ISO 8601: the date alone at midnight UTC (unless a time is asked for), else date and minutes.
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?Z?$/.exec(value);
    if (m === null) return value;
    return fmt === 'date' && isMidnight(value) ? m[1]! : `${m[1]} ${m[2]}`;
  }
  if (!Number.isFinite(value)) return NULL_TEXT;
  switch (fmt) {
    case 'pct':
      return `${fixedGrouped(value * 100, 2)}%`;
    case 'money':
    case 'ratio':
      return fixedGrouped(value, 2);
    case 'price':
      return fixedGrouped(value, decimals ?? 2);
    case 'int':
      return fixedGrouped(Math.round(value), 0);
    case 'num':
      return Number.isInteger(value) ? fixedGrouped(value, 0) : fixedGrouped(value, Math.abs(value) >= 100 ? 2 : Math.abs(value) >= 1 ? 3 : 4);
    case 'date':
    case 'time':
    case 'text':
      return String(value);
  }
}

/** An ISO time at 00:00 UTC (or a bare date). */
export function isMidnight(iso: string): boolean {
  return /^\d{4}-\d{2}-\d{2}(T00:00(:00(\.0+)?)?Z?)?$/.test(iso);
}

/** The text shown for a datum. */
export function formatDatum(d: Datum): string {
  return formatValue(d.value, d.fmt, d.decimals);
}

/** The data-value attribute: the JSON value as text (numbers round-trip exactly). */
export function rawValue(value: number | string | null): string {
  return value === null ? 'null' : String(value);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** `name[3].field` path segments. */
export function joinPath(base: string, key: string | number): string {
  return typeof key === 'number' ? `${base}[${key}]` : base === '' ? key : `${base}.${key}`;
}

/** Reads a path such as `analysis.attribution.bySymbol[2].pnl` from a JSON value (undefined when absent). */
export function readPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = m[1] !== undefined ? (cur as Record<string, unknown>)[m[1]] : (cur as unknown[])[Number(m[2])];
  }
  return cur;
}
