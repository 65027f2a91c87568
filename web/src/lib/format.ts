// How numbers and times read on the pages: money with separators, signed PnL, quantities and prices with
// the decimals they need, times in the viewer's zone.
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function fmtMoney(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : money.format(v);
}

export function fmtSigned(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v > 0 ? '+' : ''}${money.format(v)}`;
}

/** A quantity or price with up to `maxDecimals` decimals and no trailing zeros. */
export function fmtNum(v: number | null | undefined, maxDecimals = 8): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: maxDecimals }).format(v);
}

export function fmtPct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function fmtTime(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Tailwind text colour of a gain or loss. */
export function pnlClass(v: number | null | undefined): string {
  if (v === null || v === undefined || v === 0 || !Number.isFinite(v)) return 'text-slate-600';
  return v > 0 ? 'text-emerald-700' : 'text-rose-700';
}
