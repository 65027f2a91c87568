// Fitting text into terminal cells: truncation with an ellipsis, padding, and the number formats of the monitor.
// Every string the monitor shows is made of single-width characters (ASCII, box and block elements), so a
// string's length is its width in cells.

/** `s` cut to `width` cells (the last one an ellipsis when cut). */
export function fit(s: string, width: number): string {
  const w = Math.max(0, Math.floor(width));
  if (s.length <= w) return s;
  return w <= 1 ? s.slice(0, w) : `${s.slice(0, w - 1)}…`;
}

/** `s` fitted, then padded with spaces to exactly `width` cells (right-aligned numbers with `right`). */
export function cell(s: string, width: number, right = false): string {
  const f = fit(s, width);
  return right ? f.padStart(width) : f.padEnd(width);
}

/** A row of cells joined by one space: [text, width, right?]. */
export function row(cells: readonly (readonly [string, number, boolean?])[]): string {
  return cells.map(([s, w, r]) => cell(s, w, r ?? false)).join(' ');
}

/** 1,234.56; -12.30; '-' for null. */
export function money(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A signed amount: +12.30, -4.00. */
export function signed(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return `${v >= 0 ? '+' : ''}${money(v, digits)}`;
}

/** A quantity with up to 4 decimals and no trailing zeros. */
export function qty(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toFixed(4))) : '-';
}

/** HH:MM:SS of an ISO time (UTC), or the string as is. */
export function clock(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? m[1]! : iso;
}
