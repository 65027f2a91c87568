// Message formatting that reads well on a phone: Telegram HTML (only &, < and > escaped), numbers with
// thousands separators and a sign where it is a gain or loss, and monospace blocks (tables, label/value
// lists) at most 32 characters wide, which a phone shows without wrapping.
export const WIDTH = 32;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const fixed = new Map<number, Intl.NumberFormat>();
function fmt(n: number, dp: number): string {
  let f = fixed.get(dp);
  if (f === undefined) fixed.set(dp, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: dp, maximumFractionDigits: dp })));
  return f.format(n);
}

/** An amount of money: 1,234.50 (— for unknown). */
export function money(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : fmt(n, 2).replace('-0.00', '0.00');
}

/** A gain or loss: +1,234.50 / -12.00 (— for unknown). */
export function signed(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const s = money(n);
  return n > 0 && s !== '0.00' ? `+${s}` : s;
}

/** A quantity: up to 6 decimals, trailing zeros dropped (0.5, 12, 0.000123). */
export function qty(n: number): string {
  const s = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 }).format(n);
  return s === '-0' ? '0' : s;
}

/** A price: two decimals from 1 up, more significant digits below (0.0001234). */
export function price(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1 || a === 0) return fmt(n, a >= 1000 ? 2 : a >= 10 ? 2 : 4).replace(/(\.\d\d\d*?)0+$/, '$1');
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 }).format(n);
}

/** A fraction as a percentage with one decimal: 0.1234 → 12.3%. */
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${fmt(x * 100, 1)}%`;
}

/** A number in at most `width` characters: 1,234.50, then 12.3k, 1.2M. */
export function compact(n: number | null | undefined, width = 8, sign = false): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const plus = sign && n > 0 ? '+' : '';
  for (const dp of [2, 0]) {
    const s = plus + fmt(n, dp);
    if (s.length <= width) return s;
  }
  const a = Math.abs(n);
  const [div, unit] = a >= 1e9 ? [1e9, 'B'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  return `${plus}${fmt(n / div, 1)}${unit}`;
}

/** Cuts `s` to `n` characters with an ellipsis. */
export function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

/** A monospace block (escaped). */
export function pre(lines: readonly string[]): string {
  return `<pre>${esc(lines.join('\n'))}</pre>`;
}

/** `label  value` lines, labels padded to one width, each at most WIDTH characters. */
export function pairs(rows: readonly (readonly [string, string])[]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return pre(rows.map(([k, v]) => cut(`${k.padEnd(w)}  ${v}`, WIDTH)));
}

/**
 * A table: a header and rows, numbers right-aligned, one space between columns. When it is wider than
 * WIDTH, the first column (a symbol or name) is cut to fit.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const total = widths.reduce((s, w) => s + w, 0) + widths.length - 1;
  if (total > WIDTH) widths[0] = Math.max(4, widths[0]! - (total - WIDTH));
  const line = (r: readonly string[]): string => r.map((c, i) => (align[i] === 'r' ? cut(c, widths[i]!).padStart(widths[i]!) : cut(c, widths[i]!).padEnd(widths[i]!))).join(' ').trimEnd();
  return pre(all.map(line));
}

/** HH:MM:SS (UTC) of a time. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** YYYY-MM-DD HH:MM UTC of a time. */
export function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
