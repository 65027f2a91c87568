// The tearsheet as one self-contained HTML page: inline CSS, inline SVG charts, the report embedded
// as JSON, no script that runs, and a Content-Security-Policy that forbids any network request.
import { escapeHtml, formatDatum, rawValue, type Datum } from './format.ts';
import { buildTearsheetModel, type Cell, type PriceChartModel, type TableModel, type TearsheetModel, type TearsheetOptions, type TearsheetSource } from './model.ts';
import { REGIME_CSS, regimeLegendHtml, renderRegimeBand } from './regime-timeline.ts';
import { lineChartLayout, MARKERS_EXACT, renderHeatmap, renderHistogram, renderLineChart, renderMatrix } from './svg.ts';

export interface RenderOptions extends TearsheetOptions {
  /**
   * Most entries of `fills[]` and of `trades[]` embedded in the page's JSON (the latest ones);
   * default 20 000. When cut, the embedded object says so in `tearsheetEmbedding`.
   */
  readonly embedLimit?: number;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'";

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#ffffff;--panel:#f9fafb;--strategy:#2563eb;--benchmark:#9ca3af;--price:#475569;--loss:#dc2626;--gain:#16a34a;--buy:#059669;--sell:#dc2626}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:14px;margin:16px 0 6px}
.sub{color:var(--muted);margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:12px 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .label{color:var(--muted);font-size:12px}.card .big{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px 24px}
.stack{display:grid;gap:16px}.tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(400px,1fr));gap:8px 24px;align-items:start}
figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
figcaption{font-weight:600;margin-bottom:6px}figcaption .hint{font-weight:400;color:var(--muted)}
svg.chart{width:100%;height:auto;display:block;font-size:11px}
svg .plot{fill:#fff;stroke:var(--line)}svg .base{stroke:#9ca3af;stroke-dasharray:3 3}svg .tick{stroke:#9ca3af}svg .grid{stroke:#eef0f3}svg .axis{fill:var(--muted)}
svg .series{fill:none;stroke-width:1.4;stroke-linejoin:round}svg .series.strategy{stroke:var(--strategy)}svg .series.benchmark{stroke:var(--benchmark)}svg .series.price{stroke:var(--price);stroke-width:1.1}
svg .mk{stroke:#fff;stroke-width:.7}svg .mk.buy{fill:var(--buy)}svg .mk.sell{fill:var(--sell)}
svg .area.drawdown{fill:rgba(220,38,38,.35);stroke:var(--loss);stroke-width:1}
svg .bar{fill:var(--strategy);opacity:.8}svg .marker{stroke:var(--loss);stroke-dasharray:4 3}svg .markerlabel{fill:var(--loss)}
svg text{fill:#374151}svg .celltext{font-size:10px}svg .strong{font-weight:600}svg .colhead,svg .rowhead{fill:var(--muted)}
svg .corr.none{fill:#f3f4f6}svg .empty{fill:var(--muted);font-size:13px}svg.matrix{width:auto;max-width:100%}
.legend{display:flex;gap:14px;color:var(--muted);font-size:12px;margin-top:4px}.legend i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:5px}
.legend b{font-weight:400;margin-right:4px}.legend .buy{color:var(--buy)}.legend .sell{color:var(--sell)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{color:var(--muted);font-weight:600;background:var(--panel)}
.scroll{overflow-x:auto}.tall{max-height:520px;overflow:auto}
.neg{color:var(--loss)}td.none{color:var(--muted);text-align:left}.note{color:var(--muted);font-size:12px;margin:0 0 6px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
.regime-title{margin:10px 0 2px;font-weight:600}.regime-title .hint{font-weight:400;color:var(--muted)}
${REGIME_CSS}
`;

function isDatum(c: Cell): c is Datum {
  return typeof c !== 'string';
}

/** A datum as an element: its text, its JSON path and its raw value. */
export function datumHtml(d: Datum, tag = 'span', cls = ''): string {
  const text = formatDatum(d);
  const neg = typeof d.value === 'number' && text.startsWith('-');
  const classes = [cls, neg ? 'neg' : ''].filter((s) => s !== '').join(' ');
  return `<${tag}${classes ? ` class="${classes}"` : ''} data-path="${escapeHtml(d.path)}" data-value="${escapeHtml(rawValue(d.value))}">${escapeHtml(text)}</${tag}>`;
}

function cellsHtml(cells: readonly Cell[]): string {
  return cells.map((c) => (isDatum(c) ? datumHtml(c) : escapeHtml(c))).join('');
}

export function tableHtml(t: TableModel, scroll = false): string {
  let s = `<section class="table" id="${escapeHtml(t.id)}"><h3>${escapeHtml(t.title)}</h3>`;
  if (t.note !== undefined) s += `<p class="note">${cellsHtml(t.note)}</p>`;
  s += `<div class="scroll${scroll ? ' tall' : ''}"><table><thead><tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>`;
  for (const row of t.rows) s += `<tr>${row.map((c) => (isDatum(c) ? datumHtml(c, 'td') : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`;
  if (t.rows.length === 0) s += `<tr><td class="none" colspan="${t.columns.length}">None</td></tr>`;
  return `${s}</tbody></table></div></section>`;
}

function figure(id: string, caption: string, svg: string, extra = ''): string {
  return `<figure id="${id}"><figcaption>${caption}</figcaption>${svg}${extra}</figure>`;
}

const LOG_HINT = ' <span class="hint">(log scale)</span>';

/** A price chart with its legend: the close, buys (up-triangles) and sells (down-triangles). */
function priceFigure(p: PriceChartModel, k: number): string {
  const shared = p.fills > MARKERS_EXACT ? '<p class="note">Fills of one side that lie within a few pixels of each other share a marker; hover a marker for its fill.</p>' : '';
  const legend = '<div class="legend"><span><i style="background:var(--price)"></i>Close</span><span><b class="buy">▲</b>Buy</span><span><b class="sell">▼</b>Sell</span></div>';
  return figure(`fig-price-${k}`, `${datumHtml(p.symbol)} close with its fills${p.logScale === true ? LOG_HINT : ''}`, renderLineChart(p), legend + shared);
}

/** The market-regime band under the equity chart, on the chart's own time scale, with its legend ('' without regimes). */
function regimeBand(model: TearsheetModel): string {
  const t = model.regimes;
  if (t === null) return '';
  const layout = lineChartLayout(model.equity);
  const symbol = datumHtml({ path: 'analysis.regimes.symbol', value: t.symbol, fmt: 'text' });
  return (
    `<div class="regime-title" id="regimes">Market regime of ${symbol} <span class="hint">(rule-based, each bar from the closes up to it)</span></div>` +
    renderRegimeBand(t, layout.xs, layout.w) +
    regimeLegendHtml(t)
  );
}

/** JSON that is safe inside a <script> element (no `</script>`, no HTML comment openers). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The embedded copy of the report: the whole report, or the latest `limit` fills and trades of a large one. */
export function embeddedReport(src: TearsheetSource, limit: number): unknown {
  const cutFills = src.fills.length > limit;
  const cutTrades = src.trades.length > limit;
  if (!cutFills && !cutTrades) return src;
  const fillsOffset = cutFills ? src.fills.length - limit : 0;
  const tradesOffset = cutTrades ? src.trades.length - limit : 0;
  return {
    ...src,
    fills: cutFills ? src.fills.slice(fillsOffset) : src.fills,
    trades: cutTrades ? src.trades.slice(tradesOffset) : src.trades,
    tearsheetEmbedding: { fillsOffset, fillsTotal: src.fills.length, tradesOffset, tradesTotal: src.trades.length },
  };
}

/** Renders a tearsheet model to HTML; `json` is the embedded report text (already script-safe). */
export function renderModel(model: TearsheetModel, json: string): string {
  const parts: string[] = [];
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(model.title)}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${escapeHtml(model.title)}</h1><p class="sub">${cellsHtml(model.subtitle)}</p></header>`,
    `<section class="cards" id="cards">${model.cards.map((c) => `<div class="card"><div class="label">${escapeHtml(c.label)}</div>${datumHtml(c.datum, 'div', 'big')}</div>`).join('')}</section>`,
  );

  const legend = model.equity.series.map((s) => `<span><i style="background:var(--${s.cls})"></i>${escapeHtml(s.name)}</span>`).join('');
  parts.push(
    '<h2>Charts</h2><section class="grid" id="charts">',
    figure('fig-equity', `${escapeHtml(model.equity.title)}${model.equity.logScale === true ? LOG_HINT : ''}`, renderLineChart(model.equity), `<div class="legend">${legend}</div>${regimeBand(model)}`),
    figure('fig-underwater', escapeHtml(model.underwater.title), renderLineChart(model.underwater)),
    figure('fig-monthly', 'Monthly returns', renderHeatmap('chart-monthly', 'Monthly returns', model.monthly.columns, model.monthly.rows)),
    figure(
      'fig-rolling-sharpe',
      `${escapeHtml(model.rollingSharpe.title)} <span class="hint">(window of ${datumHtml(model.rollingSharpe.window)} bars)</span>`,
      renderLineChart(model.rollingSharpe),
    ),
    figure('fig-histogram', escapeHtml(model.histogram.title), renderHistogram(model.histogram)),
    '</section>',
  );

  if (model.positions !== null) {
    parts.push('<h2>Open positions</h2>', model.positions.rows.length > 0 ? tableHtml(model.positions) : '<p class="note" id="positions">No position was open at the end.</p>');
  }
  const pr = model.prices;
  parts.push('<h2>Prices and fills</h2>');
  if (pr.note !== undefined) parts.push(`<p class="note">${cellsHtml(pr.note)}</p>`);
  if (pr.charts.length > 0) parts.push('<section class="stack" id="price-charts">', ...pr.charts.map((p, k) => priceFigure(p, k)), '</section>');
  else if (pr.note === undefined) parts.push('<p class="note">No symbol was traded.</p>');

  parts.push('<h2>Metrics</h2><section class="tables" id="metric-tables">', ...model.metricTables.map((t) => tableHtml(t)), '</section>');
  parts.push('<h2>Drawdowns</h2>', tableHtml(model.drawdowns));

  const at = model.attribution;
  if (at !== null) {
    parts.push('<h2>Attribution</h2><section class="tables" id="attribution">', tableHtml(at.decomposition), tableHtml(at.risk), '</section>');
    parts.push(...at.tables.map((t) => tableHtml(t, true)));
    if (at.correlation !== null) {
      parts.push(
        figure(
          'fig-correlation',
          `Correlation of strategy and asset returns <span class="hint">(over ${datumHtml(at.correlation.observations)} bars)</span>`,
          renderMatrix('chart-correlation', 'Correlation matrix', at.correlation.labels, at.correlation.cells),
        ),
      );
    }
  }

  parts.push('<h2>Trades</h2>', tableHtml(model.trades, true));
  parts.push(
    '<footer>Made by Sextant. Every number on this page is in the embedded JSON below (element <code>sextant-report</code>) and in the <code>--json</code> output, at the path in its <code>data-path</code> attribute.</footer>',
    `<script type="application/json" id="sextant-report">${json}</script></body></html>`,
  );
  return parts.join('\n');
}

/** The tearsheet of a backtest report, as one self-contained HTML page. */
export function renderTearsheet(src: TearsheetSource, opts: RenderOptions = {}): string {
  const model = buildTearsheetModel(src, opts);
  return renderModel(model, scriptJson(embeddedReport(src, opts.embedLimit ?? 20_000)));
}
