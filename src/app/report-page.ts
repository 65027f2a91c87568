// The page chrome shared by the self-contained HTML reports of `ml evaluate` and `rl train|evaluate`: the
// CSP that forbids any request, the stylesheet (cards, figures, SVG charts, tables), and small builders.
import { escapeHtml, type Datum, type Fmt } from '../analytics/report/format.ts';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'";

/** The stylesheet; series colour i is class `s<i>` (stroke) and `f<i>` (fill). */
export function reportCss(colors: readonly string[]): string {
  return `
body{margin:0;padding:24px 32px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111827}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid #e5e7eb}h3{font-size:14px;margin:16px 0 6px}
.sub,.note{color:#6b7280}.note{font-size:12px;margin:0 0 6px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:12px 0}
.card{background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}.card .label{color:#6b7280;font-size:12px}.card .big{font-size:20px;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px 24px}
figure{margin:0;background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}figcaption{font-weight:600;margin-bottom:6px}
svg.chart{width:100%;height:auto;display:block;font-size:11px}
svg .plot{fill:#fff;stroke:#e5e7eb}svg .base{stroke:#9ca3af;stroke-dasharray:3 3}svg .tick{stroke:#9ca3af}svg .grid{stroke:#eef0f3}svg .axis{fill:#6b7280}svg text{fill:#374151}
svg .series{fill:none;stroke-width:1.3}svg .series.s0{stroke-width:2}
${colors.map((c, i) => `svg .s${i}{stroke:${c}}svg .f${i}{fill:${c}}`).join('')}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:#6b7280;font-size:12px;margin-top:4px}.legend i{display:inline-block;width:14px;height:8px;vertical-align:middle;margin-right:5px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:right;white-space:nowrap}th:first-child,td:first-child{text-align:left}th{color:#6b7280;background:#f9fafb}
.scroll{overflow-x:auto}.tall{max-height:420px;overflow:auto}.neg{color:#dc2626}td.none{color:#6b7280;text-align:left}
.yes{color:#16a34a;font-weight:600}.no{color:#dc2626;font-weight:600}footer{margin-top:32px;color:#6b7280;font-size:12px}
`;
}

/** An SVG coordinate to one decimal. */
export const c1 = (v: number): string => String(Math.round(v * 10) / 10);

/** A datum for a card or cell. */
export const datum = (path: string, value: number | string | null | undefined, fmt: Fmt): Datum => ({ path, value: value ?? null, fmt });

/** Coloured keys for `names`, colour i for name i. */
export function legendHtml(names: readonly string[], colors: readonly string[]): string {
  return `<div class="legend">${names.map((n, i) => `<span><i style="background:${colors[i % colors.length]}"></i>${escapeHtml(n)}</span>`).join('')}</div>`;
}
