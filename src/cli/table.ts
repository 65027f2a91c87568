// Plain-text tables for the terminal.

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function fmtPct(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(digits)}%`;
}

export function fmtNum(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '-' : groupedFixed(x, digits);
}

/**
 * `x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })` for a
 * finite x, without Intl (its first use loads ICU's number formatting: ~20 ms of a command's start-up).
 * As ICU does: the shortest decimal of x (String's digits) rounded half away from zero, thousands
 * grouped with commas, and a minus sign on every negative value, -0 and those rounding to 0 included.
 */
export function groupedFixed(x: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  let s = String(Math.abs(x)); // "123.45", "1e+21", "1.5e-7"
  let exp = 0;
  const e = s.indexOf('e');
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  let ds = dot < 0 ? s : s.slice(0, dot) + s.slice(dot + 1);
  // The digits of |x| with the decimal point after `whole` of them.
  let whole = (dot < 0 ? s.length : dot) + exp;
  if (whole < 0) {
    ds = '0'.repeat(-whole) + ds;
    whole = 0;
  }
  const keep = whole + digits;
  if (ds.length < keep) ds += '0'.repeat(keep - ds.length);
  let kept = ds.slice(0, keep);
  if (ds.length > keep && ds.charCodeAt(keep) >= 53) {
    // Half or more of the last kept digit: round up, carrying through 9s.
    let i = keep - 1;
    while (i >= 0 && kept.charCodeAt(i) === 57) i--;
    kept = (i < 0 ? '1' : kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1)) + '0'.repeat(keep - 1 - i);
    if (i < 0) whole++;
  }
  let int = kept.slice(0, whole).replace(/^0+/, '');
  if (int === '') int = '0';
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${x < 0 || Object.is(x, -0) ? '-' : ''}${grouped}${digits > 0 ? `.${kept.slice(whole)}` : ''}`;
}
