// A one-line equity chart from unicode block elements (▁ to █): the last `width` points, each scaled between the
// shown window's min and max. A flat series is drawn on the lowest block; non-finite values are skipped.
const BLOCKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width: number): string {
  const w = Math.max(0, Math.floor(width));
  // slice(-0) would keep everything: no cells, no chart.
  const shown = w === 0 ? [] : values.filter((v) => Number.isFinite(v)).slice(-w);
  if (shown.length === 0) return '';
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of shown) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo;
  const top = BLOCKS.length - 1;
  return shown.map((v) => BLOCKS[span === 0 ? 0 : Math.round(((v - lo) / span) * top)]).join('');
}
