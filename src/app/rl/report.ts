// HTML reports of `rl train --report` (the learning curve and the losses per iteration) and `rl evaluate
// --report` (out-of-sample equity against buy-and-hold and the classic strategies, each fold's learning curve,
// the trials behind the deflated Sharpe and PBO, the folds, the seed's targets). One self-contained page each:
// inline CSS and SVG, the result embedded as JSON, no script that runs, a CSP that forbids any request.
import { writeFileSync } from 'node:fs';
import { linearAxis, type Axis } from '../../analytics/report/axis.ts';
import { escapeHtml, type Datum } from '../../analytics/report/format.ts';
import { datumHtml, scriptJson, tableHtml } from '../../analytics/report/html.ts';
import type { Cell } from '../../analytics/report/model.ts';
import { renderLineChart } from '../../analytics/report/svg.ts';
import { ConfigError } from '../../core/errors.ts';
import { c1, datum, legendHtml, REPORT_CSP, reportCss } from '../report-page.ts';
import type { RlEvaluateResult } from './evaluate.ts';
import type { CartPoleSummary, TradingTrainSummary } from './train.ts';
import type { CurvePoint } from './trainer.ts';

const COLORS = ['#2563eb', '#f59e0b', '#9ca3af', '#10b981', '#8b5cf6', '#ef4444', '#14b8a6', '#ec4899', '#64748b', '#a16207'];
const CSS = reportCss(COLORS);
const W = 640;
const H = 240;
const d = datum;

function legend(names: readonly string[]): string {
  return legendHtml(names, COLORS);
}

function figure(id: string, caption: string, body: string): string {
  return `<figure id="${id}"><figcaption>${escapeHtml(caption)}</figcaption>${body}</figure>`;
}

/** Lines over numbers (environment steps on x). */
export function xyChart(id: string, title: string, series: readonly { name: string; x: readonly number[]; y: readonly (number | null)[] }[], base?: number): string {
  const pts = series.map((s) => s.x.map((x, i) => [x, s.y[i] ?? NaN] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs = pts.flatMap((p) => p.map(([x]) => x));
  const ys = pts.flatMap((p) => p.map(([, y]) => y));
  if (base !== undefined && ys.length > 0) ys.push(base);
  if (xs.length === 0) return `<svg id="${escapeHtml(id)}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">No data</text></svg>`;
  const ax: Axis = linearAxis(Math.min(...xs), Math.max(...xs), 'num');
  const ay: Axis = linearAxis(Math.min(...ys), Math.max(...ys), 'num');
  const [x0, x1, y0, y1] = [64, W - 28, H - 26, 12];
  const sx = (v: number): number => x0 + ((v - ax.lo) / (ax.hi - ax.lo || 1)) * (x1 - x0);
  const sy = (v: number): number => y0 - ((v - ay.lo) / (ay.hi - ay.lo || 1)) * (y0 - y1);
  let body = `<rect class="plot" x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/>`;
  for (const t of ay.ticks) body += `<line class="grid" x1="${x0}" x2="${x1}" y1="${c1(sy(t.value))}" y2="${c1(sy(t.value))}"/><text class="axis" x="${x0 - 6}" y="${c1(sy(t.value) + 3.5)}" text-anchor="end">${escapeHtml(t.label)}</text>`;
  for (const t of ax.ticks) body += `<line class="grid" x1="${c1(sx(t.value))}" x2="${c1(sx(t.value))}" y1="${y1}" y2="${y0}"/><text class="axis" x="${c1(sx(t.value))}" y="${H - 8}" text-anchor="middle">${escapeHtml(t.label)}</text>`;
  if (base !== undefined) body += `<line class="base" x1="${x0}" x2="${x1}" y1="${c1(sy(base))}" y2="${c1(sy(base))}"/>`;
  pts.forEach((p, k) => {
    if (p.length > 0) body += `<path class="series s${k % COLORS.length}" d="${p.map(([x, y], i) => `${i ? 'L' : 'M'}${c1(sx(x))} ${c1(sy(y))}`).join('')}"><title>${escapeHtml(series[k]!.name)}</title></path>`;
  });
  return `<svg id="${escapeHtml(id)}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">${body}</svg>`;
}

function page(title: string, sub: string, body: readonly string[], jsonId: string, value: unknown): string {
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(sub)}</p></header>`,
    ...body,
    `<footer>Made by Sextant (docs/ml.md, "Reinforcement learning"). Every number is in the embedded JSON (element <code>${jsonId}</code>) at the path in its <code>data-path</code> attribute.</footer>`,
    `<script type="application/json" id="${jsonId}">${scriptJson(value)}</script></body></html>`,
  ].join('\n');
}

function cards(items: readonly [string, Datum][]): string {
  return `<section class="cards" id="cards">${items.map(([label, datum]) => `<div class="card"><div class="label">${escapeHtml(label)}</div>${datumHtml(datum, 'div', 'big')}</div>`).join('')}</section>`;
}

function curveFigures(curve: readonly CurvePoint[]): string[] {
  const x = curve.map((p) => p.steps);
  return [
    figure('fig-learning', 'Learning curve: mean return of the last 100 training episodes', xyChart('chart-learning', 'learning curve', [{ name: 'mean episode return', x, y: curve.map((p) => p.meanEpisodeReturn) }], 0)),
    figure('fig-losses', 'Losses per iteration', xyChart('chart-losses', 'losses', [
      { name: 'policy loss', x, y: curve.map((p) => p.policyLoss) },
      { name: 'value loss', x, y: curve.map((p) => p.valueLoss) },
    ]) + legend(['policy loss', 'value loss'])),
    figure('fig-entropy', 'Policy entropy and approximate KL per iteration', xyChart('chart-entropy', 'entropy', [
      { name: 'entropy', x, y: curve.map((p) => p.entropy) },
      { name: 'approx KL', x, y: curve.map((p) => p.approxKl) },
    ]) + legend(['entropy', 'approx KL'])),
  ];
}

export function renderTrainReport(s: TradingTrainSummary | CartPoleSummary): string {
  const curve = s.learningCurve;
  const last = curve.at(-1);
  if (s.env === 'cartpole') {
    const body = [
      cards([
        ['Solved', d('solved', s.solved ? 'yes' : 'no', 'text')], ['Steps to solve', d('stepsToSolve', s.stepsToSolve, 'int')], ['Steps trained', d('trainedSteps', s.trainedSteps, 'int')],
        ['Seconds', d('seconds', s.seconds, 'num')], ['Greedy mean return (20 episodes)', d('evaluation.meanReturn', s.evaluation.meanReturn, 'num')],
      ]),
      '<h2>Training</h2><section class="grid" id="charts">', ...curveFigures(curve), '</section>',
    ];
    return page('PPO on CartPole-v1', `${s.criterion}; ${s.envs} envs, seed ${s.seed}, budget ${s.steps} steps`, body, 'sextant-rl-train', s);
  }
  const body = [
    cards([
      ['Steps trained', d('trainedSteps', s.trainedSteps, 'int')], ['Seconds', d('seconds', s.seconds, 'num')], ['Steps/s', d('stepsPerSecond', s.stepsPerSecond, 'int')],
      ['Final mean episode return', d('finalMeanEpisodeReturn', last?.meanEpisodeReturn ?? null, 'num')], ['Episodes', d(`learningCurve[${curve.length - 1}].episodes`, last?.episodes ?? null, 'int')],
    ]),
    '<h2>Training</h2><p class="note">In sample: these are the training episodes\' returns (reward units), not a test. `sextant rl evaluate` measures out of sample.</p>',
    '<section class="grid" id="charts">', ...curveFigures(curve), '</section>',
  ];
  const sub = `${s.symbol} ${s.from.slice(0, 10)}..${s.to.slice(0, 10)} (${s.bars} bars); ${s.reward.name} reward, ${s.actions} actions, ${s.observation.logReturns} log returns + position, ` +
    `${s.episodeBars}-bar episodes; commission ${s.costs.commission}, slippage ${s.costs.slippageBps} bps, leverage ${s.costs.leverage}; ${s.envs} envs, seed ${s.seed}`;
  return page(`PPO policy on ${s.symbol}: training`, sub, body, 'sextant-rl-train', s);
}

const yesNo = (b: boolean): string => `<span class="${b ? 'yes' : 'no'}">${b ? 'met' : 'not met'}</span>`;

export function renderRlEvaluationReport(r: RlEvaluateResult): string {
  const o = r.outOfSample;
  const m = o.metrics;
  const w = r.walkForward;
  const time = Float64Array.from(r.curves.time, (t) => Date.parse(t));
  const names = Object.keys(r.curves.equity);
  const row = (c: RlEvaluateResult['comparison'][number], path: string): Cell[] => [
    c.strategy, d(`${path}.metrics.totalReturn`, c.metrics.totalReturn, 'pct'), d(`${path}.metrics.cagr`, c.metrics.cagr, 'pct'), d(`${path}.metrics.sharpe`, c.metrics.sharpe, 'num'),
    d(`${path}.psr`, c.psr, 'num'), d(`${path}.metrics.maxDrawdown`, c.metrics.maxDrawdown, 'pct'), d(`${path}.metrics.tradeCount`, c.metrics.tradeCount, 'int'),
    d(`${path}.metrics.winRate`, c.metrics.winRate, 'pct'), d(`${path}.metrics.exposure`, c.metrics.exposure, 'pct'),
  ];
  const body = [
    cards([
      ['Sharpe (OOS)', d('outOfSample.metrics.sharpe', m.sharpe, 'num')], ['Deflated Sharpe', d('outOfSample.deflatedSharpe.dsr', o.deflatedSharpe.dsr, 'num')],
      ['PBO', d('outOfSample.pbo.pbo', o.pbo?.pbo, 'pct')], ['Total return', d('outOfSample.metrics.totalReturn', m.totalReturn, 'pct')],
      ['Max drawdown', d('outOfSample.metrics.maxDrawdown', m.maxDrawdown, 'pct')], ['Win rate', d('outOfSample.metrics.winRate', m.winRate, 'pct')],
      ['Trades', d('outOfSample.metrics.tradeCount', m.tradeCount, 'int')],
    ]),
    '<h2>The seed\'s targets, out of sample</h2>',
    `<p id="targets">Sharpe &gt; 1.5: ${yesNo(r.targets.sharpeAbove1_5)}; max drawdown &lt; 15%: ${yesNo(r.targets.maxDrawdownBelow15Pct)}; win rate &gt; 60%: ${yesNo(r.targets.winRateAbove60Pct)}.</p>`,
    '<h2>Charts</h2><section class="grid" id="charts">',
    figure('fig-equity', 'Out-of-sample equity', renderLineChart({
      id: 'chart-equity', title: 'Out-of-sample equity', x: time, yFormat: 'compact', logScale: false,
      series: names.map((n, i) => ({ name: n, cls: `s${i % COLORS.length}`, y: Float64Array.from(r.curves.equity[n]!) })),
    }) + legend(names)),
    figure('fig-learning', 'Learning curves per fold (training episodes, in sample)', xyChart('chart-learning', 'learning curves',
      r.learningCurves.slice(0, COLORS.length).map((f) => ({ name: `fold ${f.fold}`, x: f.points.map((p) => p.steps), y: f.points.map((p) => p.meanEpisodeReturn) })), 0) +
      legend(r.learningCurves.slice(0, COLORS.length).map((f) => `fold ${f.fold}`))),
    '</section>',
    '<h2>Against buy-and-hold and the classic strategies</h2>',
    tableHtml({ id: 'comparison', title: 'Same out-of-sample bars, same costs', columns: ['Strategy', 'Return', 'CAGR', 'Sharpe', 'PSR', 'Max DD', 'Trades', 'Win rate', 'Exposure'],
      rows: [...r.comparison.map((c, i) => row(c, `comparison[${i}]`)), row(r.policyFile, 'policyFile')],
      note: [`The last row is the policy file as it is (not retrained)${r.policyFile.overlapsTraining === true ? ': its training window overlaps these bars, so it is in sample' : ''}.`] }),
    '<h2>Overfitting</h2>',
    tableHtml({ id: 'trials', title: 'Trials (seed x reward), each a whole walk-forward: their Sharpe ratios give the deflated Sharpe\'s trial count and spread, their returns the PBO',
      columns: ['Seed', 'Reward', 'Primary', 'Sharpe', 'Return', 'Max DD', 'Trades', 'Training s'],
      rows: r.trials.map((t, i) => [String(t.seed), t.reward, t.primary ? 'yes' : '', d(`trials[${i}].sharpe`, t.sharpe, 'num'), d(`trials[${i}].totalReturn`, t.totalReturn, 'pct'),
        d(`trials[${i}].maxDrawdown`, t.maxDrawdown, 'pct'), d(`trials[${i}].trades`, t.trades, 'int'), d(`trials[${i}].trainingSeconds`, t.trainingSeconds, 'num')]),
      note: [`Deflated Sharpe ${o.deflatedSharpe.dsr === null ? 'n/a' : o.deflatedSharpe.dsr.toFixed(3)} against an expected best of ${o.deflatedSharpe.expectedMaxSharpe.toFixed(3)} from ${o.deflatedSharpe.numTrials} trials; PBO ${o.pbo === null ? 'n/a (one trial)' : `${(o.pbo.pbo * 100).toFixed(1)}%`}.`] }),
    '<h2>Folds</h2>',
    tableHtml({ id: 'folds', title: 'One policy per fold (primary trial)', columns: ['Fold', 'Train from', 'Train to', 'Test from', 'Test to', 'Bars', 'Final train return', 'Test return', 'Buy & hold', 'Training s'],
      rows: r.folds.map((f, i) => [String(f.fold), f.train.from.slice(0, 10), f.train.to.slice(0, 10), f.test.from.slice(0, 10), f.test.to.slice(0, 10), d(`folds[${i}].test.bars`, f.test.bars, 'int'),
        d(`folds[${i}].finalMeanEpisodeReturn`, f.finalMeanEpisodeReturn, 'num'), d(`folds[${i}].testReturn`, f.testReturn, 'pct'), d(`folds[${i}].buyHoldReturn`, f.buyHoldReturn, 'pct'),
        d(`folds[${i}].trainingSeconds`, f.trainingSeconds, 'num')]) }, r.folds.length > 20),
  ];
  const sub = `${r.policy.reward} reward, ${r.policy.actions} actions, ${r.policy.window} log returns + position; ${w.folds} ${w.mode} walk-forward folds (train ${w.trainBars} bars, ` +
    `test ${w.testBars}); ${r.training.stepsPerTraining} PPO steps per training; out of sample ${w.from.slice(0, 10)}..${w.to.slice(0, 10)} (${w.bars} bars); ` +
    `commission ${r.costs.commission}, slippage ${r.costs.slippageBps} bps, margin account, leverage ${r.costs.leverage}`;
  return page(`rl-agent on ${r.symbol}: out-of-sample evaluation`, sub, body, 'sextant-rl-evaluation', r);
}

export function writeReport(html: string, path: string): void {
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new ConfigError(`cannot write the report: ${e instanceof Error ? e.message : String(e)}`, { file: path, field: 'path' });
  }
}
