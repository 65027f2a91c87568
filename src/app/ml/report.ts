// The HTML report of `ml evaluate --report`: one self-contained page (inline CSS and SVG, the result embedded
// as JSON, no script that runs, a CSP that forbids any request), built on the tearsheet's chart and table
// helpers: out-of-sample equity against buy-and-hold and the classic strategies, the validation curve per fold
// (in-sample vs out-of-sample AUC), neural-net learning curves, feature importance, calibration, the regime
// timeline, the overfitting grid and the seed's targets.
import { writeFileSync } from 'node:fs';
import { linearAxis, type Axis } from '../../analytics/report/axis.ts';
import { escapeHtml, type Datum } from '../../analytics/report/format.ts';
import { datumHtml, scriptJson, tableHtml } from '../../analytics/report/html.ts';
import type { Cell, TableModel } from '../../analytics/report/model.ts';
import { renderLineChart } from '../../analytics/report/svg.ts';
import { ConfigError } from '../../core/errors.ts';
import { c1, datum, legendHtml, REPORT_CSP, reportCss } from '../report-page.ts';
import type { EvaluateResult } from './evaluate.ts';

const COLORS = ['#2563eb', '#9ca3af', '#f59e0b', '#10b981', '#8b5cf6', '#ef4444', '#14b8a6', '#ec4899', '#64748b'];
const REGIME_COLORS: Record<string, string> = {
  bull_quiet: '#bbf7d0', bull_volatile: '#4ade80', bear_quiet: '#fecaca', bear_volatile: '#f87171', sideways_quiet: '#e5e7eb', sideways_volatile: '#9ca3af', crisis: '#7f1d1d',
};

const CSS = reportCss(COLORS);

const W = 640;
const H = 240;
const d = datum;

function figure(id: string, caption: string, body: string, extra = ''): string {
  return `<figure id="${id}"><figcaption>${caption}</figcaption>${body}${extra}</figure>`;
}

function legend(names: readonly string[]): string {
  return legendHtml(names, COLORS);
}

/** A small x-y chart over numbers (epochs, probabilities): lines, or points; optional diagonal. */
function xyChart(id: string, title: string, series: readonly { name: string; x: readonly number[]; y: readonly number[]; points?: boolean }[], opts: { diagonal?: boolean; xFmt?: 'num' | 'int' | 'pct'; yFmt?: 'num' | 'pct' } = {}): string {
  const xs = series.flatMap((s) => s.x.filter(Number.isFinite));
  const ys = series.flatMap((s) => s.y.filter(Number.isFinite));
  if (xs.length === 0 || ys.length === 0) return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">No data</text></svg>`;
  let [xl, xh, yl, yh] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (opts.diagonal) {
    xl = yl = Math.min(xl, yl);
    xh = yh = Math.max(xh, yh);
  }
  const ax: Axis = linearAxis(xl, xh, opts.xFmt ?? 'num');
  const ay: Axis = linearAxis(yl, yh, opts.yFmt ?? 'num');
  const [x0, x1, y0, y1] = [56, W - 14, H - 26, 12];
  const sx = (v: number): number => x0 + ((v - ax.lo) / (ax.hi - ax.lo || 1)) * (x1 - x0);
  const sy = (v: number): number => y0 - ((v - ay.lo) / (ay.hi - ay.lo || 1)) * (y0 - y1);
  let body = `<rect class="plot" x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/>`;
  for (const t of ay.ticks) body += `<line class="grid" x1="${x0}" x2="${x1}" y1="${c1(sy(t.value))}" y2="${c1(sy(t.value))}"/><text class="axis" x="${x0 - 6}" y="${c1(sy(t.value) + 3.5)}" text-anchor="end">${escapeHtml(t.label)}</text>`;
  for (const t of ax.ticks) body += `<line class="grid" x1="${c1(sx(t.value))}" x2="${c1(sx(t.value))}" y1="${y1}" y2="${y0}"/><text class="axis" x="${c1(sx(t.value))}" y="${H - 8}" text-anchor="middle">${escapeHtml(t.label)}</text>`;
  if (opts.diagonal) body += `<line class="base" x1="${c1(sx(ax.lo))}" y1="${c1(sy(ax.lo))}" x2="${c1(sx(ax.hi))}" y2="${c1(sy(ax.hi))}"/>`;
  series.forEach((s, k) => {
    const pts = s.x.map((x, i) => [x, s.y[i]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (s.points) for (const [x, y] of pts) body += `<circle class="f${k % COLORS.length}" cx="${c1(sx(x))}" cy="${c1(sy(y))}" r="3.5"><title>${escapeHtml(`${s.name}: ${x.toFixed(3)}, ${y.toFixed(3)}`)}</title></circle>`;
    else if (pts.length > 0) body += `<path class="series s${k % COLORS.length}" d="${pts.map(([x, y], i) => `${i ? 'L' : 'M'}${c1(sx(x))} ${c1(sy(y))}`).join('')}"><title>${escapeHtml(s.name)}</title></path>`;
  });
  return `<svg id="${escapeHtml(id)}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`;
}

/** Horizontal bars (feature importance), one row per label. */
function barChart(id: string, rows: readonly { label: string; datum: Datum }[]): string {
  const h = 18 * rows.length + 30;
  const vals = rows.map((r) => (typeof r.datum.value === 'number' ? r.datum.value : 0));
  const lo = Math.min(0, ...vals);
  const hi = Math.max(0, ...vals);
  const [x0, x1] = [190, W - 20];
  const sx = (v: number): number => x0 + ((v - lo) / (hi - lo || 1)) * (x1 - x0);
  let body = `<line class="base" x1="${c1(sx(0))}" x2="${c1(sx(0))}" y1="8" y2="${h - 20}"/>`;
  rows.forEach((r, i) => {
    const v = vals[i]!;
    const y = 10 + 18 * i;
    body += `<text x="${x0 - 6}" y="${y + 11}" text-anchor="end">${escapeHtml(r.label)}</text>`;
    body += `<rect class="f${v >= 0 ? 0 : 5}" x="${c1(Math.min(sx(0), sx(v)))}" y="${y + 2}" width="${c1(Math.max(0.5, Math.abs(sx(v) - sx(0))))}" height="12" data-path="${escapeHtml(r.datum.path)}" data-value="${v}"><title>${escapeHtml(`${r.label}: ${v.toFixed(5)}`)}</title></rect>`;
  });
  // The scale's ends and zero, under the bars.
  for (const v of [...new Set([lo, 0, hi])]) body += `<text class="axis" x="${c1(sx(v))}" y="${h - 6}" text-anchor="middle">${escapeHtml(v.toFixed(4))}</text>`;
  return `<svg id="${escapeHtml(id)}" class="chart" viewBox="0 0 ${W} ${h}" role="img" aria-label="feature importance">${body}</svg>`;
}

/** The regime of each stretch of out-of-sample bars as coloured bands along time. */
function regimeBand(r: EvaluateResult): string {
  const t = r.regimes.timeline;
  if (t.length === 0) return '<p class="note">No regime was defined (too few bars).</p>';
  const lo = Date.parse(t[0]!.from);
  const hi = Date.parse(t[t.length - 1]!.to);
  const [x0, x1] = [10, W - 10];
  const sx = (ms: number): number => x0 + ((ms - lo) / (hi - lo || 1)) * (x1 - x0);
  let body = '';
  for (const s of t) {
    const a = sx(Date.parse(s.from));
    const b = sx(Date.parse(s.to));
    body += `<rect x="${c1(a)}" y="10" width="${c1(Math.max(0.3, b - a))}" height="40" fill="${REGIME_COLORS[s.regime] ?? '#fff'}"><title>${escapeHtml(`${s.regime}: ${s.from.slice(0, 10)}..${s.to.slice(0, 10)} (${s.bars} bars)`)}</title></rect>`;
  }
  body += `<text class="axis" x="${x0}" y="66">${escapeHtml(t[0]!.from.slice(0, 10))}</text><text class="axis" x="${x1}" y="66" text-anchor="end">${escapeHtml(t[t.length - 1]!.to.slice(0, 10))}</text>`;
  const names = Object.keys(REGIME_COLORS);
  const key = `<div class="legend">${names.map((n) => `<span><i style="background:${REGIME_COLORS[n]}"></i>${n}</span>`).join('')}</div>`;
  return `<svg id="chart-regimes" class="chart" viewBox="0 0 ${W} 72" role="img" aria-label="regime timeline">${body}</svg>${key}`;
}

function table(id: string, title: string, columns: readonly string[], rows: readonly (readonly Cell[])[], note?: string): string {
  const t: TableModel = { id, title, columns, rows, ...(note === undefined ? {} : { note: [note] }) };
  return tableHtml(t, rows.length > 20);
}

const yesNo = (b: boolean): string => `<span class="${b ? 'yes' : 'no'}">${b ? 'met' : 'not met'}</span>`;

export function renderEvaluationReport(r: EvaluateResult): string {
  const o = r.outOfSample;
  const m = o.metrics;
  const w = r.walkForward;
  const time = Float64Array.from(r.curves.time, (s) => Date.parse(s));
  const names = Object.keys(r.curves.equity);
  const parts: string[] = [];
  parts.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>ml-ensemble on ${escapeHtml(r.symbol)}: out-of-sample evaluation</title><style>${CSS}</style></head><body>`,
    `<header><h1>ml-ensemble on ${escapeHtml(r.symbol)}: out-of-sample evaluation</h1><p class="sub">${escapeHtml(`${r.model} model, seed ${r.seed}; ${w.folds} ${w.mode} walk-forward folds, ` +
      `train ${w.trainBars} rows, retrain every ${w.retrainEvery} bars; ${r.labels.kind} labels over ${r.labels.horizon} bars; out of sample ${w.from.slice(0, 10)}..${w.to.slice(0, 10)} ` +
      `(${w.bars} bars); commission ${r.costs.commission}, slippage ${r.costs.slippageBps} bps, ${r.costs.size}`)}</p></header>`,
  );
  const cards: [string, Datum][] = [
    ['Sharpe (OOS)', d('outOfSample.metrics.sharpe', m.sharpe, 'num')],
    ['Deflated Sharpe', d('outOfSample.deflatedSharpe.dsr', o.deflatedSharpe.dsr, 'num')],
    ['PBO', d('outOfSample.pbo.pbo', o.pbo?.pbo, 'pct')],
    ['IC', d('predictions.ic', r.predictions.ic, 'num')],
    ['Hit rate', d('predictions.hitRate', r.predictions.hitRate, 'pct')],
    ['Total return', d('outOfSample.metrics.totalReturn', m.totalReturn, 'pct')],
    ['Max drawdown', d('outOfSample.metrics.maxDrawdown', m.maxDrawdown, 'pct')],
    ['Win rate', d('outOfSample.metrics.winRate', m.winRate, 'pct')],
    ['Trades', d('outOfSample.metrics.tradeCount', m.tradeCount, 'int')],
  ];
  parts.push(`<section class="cards" id="cards">${cards.map(([label, datum]) => `<div class="card"><div class="label">${label}</div>${datumHtml(datum, 'div', 'big')}</div>`).join('')}</section>`);
  parts.push(
    '<h2>The seed\'s targets, out of sample</h2>',
    `<p id="targets">Sharpe &gt; 1.5: ${yesNo(r.targets.sharpeAbove1_5)}; max drawdown &lt; 15%: ${yesNo(r.targets.maxDrawdownBelow15Pct)}; win rate &gt; 60%: ${yesNo(r.targets.winRateAbove60Pct)}.</p>`,
  );

  parts.push('<h2>Charts</h2><section class="grid" id="charts">');
  parts.push(figure('fig-equity', 'Out-of-sample equity', renderLineChart({
    id: 'chart-equity', title: 'Out-of-sample equity', x: time, yFormat: 'compact', logScale: false,
    series: names.map((n, i) => ({ name: n, cls: `s${i % COLORS.length}`, y: Float64Array.from(r.curves.equity[n]!) })),
  }), legend(names)));
  const score = Float64Array.from(r.curves.score, (v) => v ?? NaN);
  parts.push(figure('fig-score', 'The model\'s P(up), bar by bar', renderLineChart({ id: 'chart-score', title: 'P(up)', x: time, yFormat: 'num', base: 0.5, series: [{ name: 'P(up)', cls: 's0', y: score }] })));
  const foldX = Float64Array.from(r.folds, (f) => Date.parse(f.test.from));
  parts.push(figure('fig-folds', 'Validation curve: AUC per fold, in sample vs out of sample', renderLineChart({
    id: 'chart-folds', title: 'AUC per fold', x: foldX, yFormat: 'num', base: 0.5,
    series: [
      { name: 'in sample', cls: 's1', y: Float64Array.from(r.folds, (f) => f.inSample.auc ?? NaN) },
      { name: 'out of sample', cls: 's0', y: Float64Array.from(r.folds, (f) => f.outOfSample.auc ?? NaN) },
    ],
  }), legend(['out of sample (test block)', 'in sample (training rows)'])));
  const curves = r.folds.filter((f) => f.learningCurve !== null);
  if (curves.length > 0) {
    const series = curves.slice(0, COLORS.length).map((f) => ({ name: `fold ${f.fold}`, x: f.learningCurve!.validationLoss.map((_, i) => i + 1), y: f.learningCurve!.validationLoss }));
    parts.push(figure('fig-learning', `Neural-net learning curves: validation log loss per epoch${curves.length > series.length ? ` (first ${series.length} folds)` : ''}`, xyChart('chart-learning', 'learning curves', series, { xFmt: 'int' }), legend(series.map((s) => s.name))));
  }
  const rel = r.reliability.filter((b) => b.count > 0);
  parts.push(figure('fig-calibration', 'Calibration: observed frequency of a rise by predicted probability (out of sample)', xyChart('chart-calibration', 'calibration', [
    { name: 'bins', x: rel.map((b) => b.meanPredicted), y: rel.map((b) => b.observed), points: true },
  ], { diagonal: true, xFmt: 'pct', yFmt: 'pct' })));
  const imp = r.importance.slice(0, 25);
  parts.push(figure('fig-importance', 'Feature importance: AUC lost out of sample when the feature is shuffled (mean over folds)',
    barChart('chart-importance', imp.map((x, i) => ({ label: x.feature, datum: d(`importance[${i}].permutation`, x.permutation, 'num') })))));
  parts.push(figure('fig-regimes', 'Regime timeline (rule-based regimes of the out-of-sample bars)', regimeBand(r)));
  parts.push('</section>');

  parts.push('<h2>Against buy-and-hold and the classic strategies</h2>', table('comparison', 'Same out-of-sample bars, same costs', ['Strategy', 'Return', 'CAGR', 'Sharpe', 'PSR', 'Max DD', 'Trades', 'Win rate', 'Exposure'],
    r.comparison.map((c, i) => [c.strategy, d(`comparison[${i}].metrics.totalReturn`, c.metrics.totalReturn, 'pct'), d(`comparison[${i}].metrics.cagr`, c.metrics.cagr, 'pct'),
      d(`comparison[${i}].metrics.sharpe`, c.metrics.sharpe, 'num'), d(`comparison[${i}].psr`, c.psr, 'num'), d(`comparison[${i}].metrics.maxDrawdown`, c.metrics.maxDrawdown, 'pct'),
      d(`comparison[${i}].metrics.tradeCount`, c.metrics.tradeCount, 'int'), d(`comparison[${i}].metrics.winRate`, c.metrics.winRate, 'pct'), d(`comparison[${i}].metrics.exposure`, c.metrics.exposure, 'pct')])));
  parts.push('<h2>Overfitting</h2>', table('grid', 'The configurations tried (model kind x entry quantile): their Sharpe ratios give the deflated Sharpe\'s trial count and spread, their returns the PBO',
    ['Model', 'Entry quantile', 'Requested', 'Sharpe', 'Return', 'Max DD', 'Trades'],
    r.grid.map((g, i) => [g.model, d(`grid[${i}].entryQuantile`, g.entryQuantile, 'num'), g.primary ? 'yes' : '', d(`grid[${i}].sharpe`, g.sharpe, 'num'),
      d(`grid[${i}].totalReturn`, g.totalReturn, 'pct'), d(`grid[${i}].maxDrawdown`, g.maxDrawdown, 'pct'), d(`grid[${i}].trades`, g.trades, 'int')]),
    `Deflated Sharpe ${o.deflatedSharpe.dsr === null ? 'n/a' : o.deflatedSharpe.dsr.toFixed(3)}: the probability that the true Sharpe ratio beats the best of ${o.deflatedSharpe.numTrials} unskilled configurations (expected best ${o.deflatedSharpe.expectedMaxSharpe.toFixed(3)}). PBO ${o.pbo === null ? 'n/a' : `${(o.pbo.pbo * 100).toFixed(1)}%`}: how often the in-sample best configuration is below the median out of sample.`));
  parts.push('<h2>Folds</h2>', table('folds', 'One model per fold', ['Fold', 'Train from', 'Train to', 'Rows', 'Test from', 'Test to', 'AUC in', 'AUC out', 'IC out', 'Seconds'],
    r.folds.map((f, i) => [String(f.fold), f.train.from.slice(0, 10), f.train.to.slice(0, 10), d(`folds[${i}].train.rows`, f.train.rows, 'int'), f.test.from.slice(0, 10), f.test.to.slice(0, 10),
      d(`folds[${i}].inSample.auc`, f.inSample.auc, 'num'), d(`folds[${i}].outOfSample.auc`, f.outOfSample.auc, 'num'), d(`folds[${i}].outOfSample.ic`, f.outOfSample.ic, 'num'), d(`folds[${i}].seconds`, f.seconds, 'num')])));
  parts.push(table('regimes', 'By regime: mean bar return out of sample', ['Regime', 'Bars', 'ml-ensemble', 'buy-and-hold'],
    r.regimes.byRegime.map((g, i) => [g.regime, d(`regimes.byRegime[${i}].bars`, g.bars, 'int'), d(`regimes.byRegime[${i}].strategyMeanReturn`, g.strategyMeanReturn, 'pct'), d(`regimes.byRegime[${i}].buyHoldMeanReturn`, g.buyHoldMeanReturn, 'pct')])));
  parts.push(table('reliability', 'Reliability (out of sample)', ['Predicted', 'Mean predicted', 'Observed', 'Rows'],
    r.reliability.map((b, i) => [`${(b.lo * 100).toFixed(0)}–${(b.hi * 100).toFixed(0)}%`, d(`reliability[${i}].meanPredicted`, Number.isNaN(b.meanPredicted) ? null : b.meanPredicted, 'pct'),
      d(`reliability[${i}].observed`, Number.isNaN(b.observed) ? null : b.observed, 'pct'), d(`reliability[${i}].count`, b.count, 'int')])));
  parts.push(
    '<footer>Made by Sextant (`sextant ml evaluate`, docs/ml.md). Every number is in the embedded JSON (element <code>sextant-ml-evaluation</code>) at the path in its <code>data-path</code> attribute.</footer>',
    `<script type="application/json" id="sextant-ml-evaluation">${scriptJson(r)}</script></body></html>`,
  );
  return parts.join('\n');
}

export function writeEvaluationReport(r: EvaluateResult, path: string): void {
  try {
    writeFileSync(path, renderEvaluationReport(r));
  } catch (e) {
    throw new ConfigError(`cannot write the report: ${e instanceof Error ? e.message : String(e)}`, { file: path, field: 'path' });
  }
}
