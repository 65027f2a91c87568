// Honest evaluation, checked both ways (docs/ml.md, "Does it find an edge? Two checks"):
// - a synthetic market whose 1-bar log return follows r[t+1] = ic * r[t] + sqrt(1 - ic^2) * sigma * e[t+1]
//   (e standard normal): the feature ret_1 = r[t], computed from the bars like any feature, predicts the next
//   return with Pearson correlation exactly ic. The walk-forward pipeline must find it out of sample: its
//   IC (Spearman of P(up) against the next return) within 0.075 of the planted rank correlation
//   (6 / pi) * asin(ic / 2) (Gaussian pairs), 0.075 being 3 standard errors (1 / sqrt(n)) at ~1,500 rows.
// - a pure random walk (ic = 0): it must find nothing: |IC| within the same 0.075 of 0, an out-of-sample
//   Sharpe ratio that is not significant (probabilistic Sharpe < 0.95), and a deflated Sharpe ratio reported.
// Both with logistic regression (fast), in process, on 2,000 bars.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateModel, type EvaluateResult } from '../../src/app/ml/evaluate.ts';
import { Rng } from '../../src/core/rng.ts';

const DIR = mkdtempSync(join(tmpdir(), 'sextant-planted-'));
const BARS = 2000;
const SIGMA = 0.01;

/** Weekday daily bars whose returns are AR(1) with coefficient `ic` (0: a random walk); returns the CSV path. */
function plantedCsv(name: string, ic: number, seed: number): string {
  const rng = new Rng(seed);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let close = 100;
  let r = SIGMA * rng.normal();
  const t0 = Date.UTC(2010, 0, 4);
  for (let i = 0, day = 0; i < BARS; day++) {
    const d = new Date(t0 + day * 86_400_000);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    r = ic * r + Math.sqrt(1 - ic * ic) * SIGMA * rng.normal();
    const open = close;
    close = open * Math.exp(r);
    const high = Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * SIGMA * 0.3);
    const low = Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * SIGMA * 0.3);
    rows.push(`${d.toISOString().slice(0, 10)},${open},${high},${low},${close},1000000`);
    i++;
  }
  const path = join(DIR, `${name}.csv`);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

function evaluate(path: string): Promise<EvaluateResult> {
  return evaluateModel({
    data: [`csv:${path}`], model: 'logistic', labels: 'direction', horizon: 1, seed: 1, threads: 0,
    features: { returns: [1, 5], momentum: [10], volatility: { window: 10, parkinson: false, atr: false } },
    trainBars: 500, retrainEvery: 250, gridModels: ['logistic'], gridQuantiles: [0.6, 0.75, 0.9], compare: ['buy-and-hold'],
  });
}

const PLANTED_IC = 0.2;
const TOLERANCE = 0.075;
const rankIc = (ic: number): number => (6 / Math.PI) * Math.asin(ic / 2);

describe('the ML pipeline out of sample', () => {
  it(`recovers a planted edge: OOS IC within ${TOLERANCE} of the planted rank IC ${rankIc(PLANTED_IC).toFixed(3)}`, async () => {
    const r = await evaluate(plantedCsv('planted', PLANTED_IC, 11));
    expect(r.predictions.rows).toBeGreaterThan(1400);
    expect(Math.abs(r.predictions.ic! - rankIc(PLANTED_IC)), `IC ${r.predictions.ic}`).toBeLessThan(TOLERANCE);
    expect(r.importance[0]!.feature).toBe('ret_1');
    // The edge survives trading (no costs here): significant, and well beyond buying and holding.
    expect(r.outOfSample.psr!).toBeGreaterThan(0.99);
    expect(r.outOfSample.metrics.sharpe!).toBeGreaterThan(r.comparison.find((c) => c.strategy === 'buy-and-hold')!.metrics.sharpe! + 1);
    expect(r.outOfSample.deflatedSharpe.numTrials).toBe(3);
  });

  it('finds nothing in a random walk: IC near 0, a Sharpe ratio that is not significant, the deflated Sharpe reported', async () => {
    const r = await evaluate(plantedCsv('random-walk', 0, 12));
    expect(Math.abs(r.predictions.ic!), `IC ${r.predictions.ic}`).toBeLessThan(TOLERANCE);
    expect(r.outOfSample.psr!, `Sharpe ${r.outOfSample.metrics.sharpe}`).toBeLessThan(0.95);
    const dsr = r.outOfSample.deflatedSharpe;
    expect(dsr.dsr).not.toBeNull();
    expect(dsr.dsr!).toBeLessThan(0.95);
    expect(dsr.dsr!).toBeLessThanOrEqual(r.outOfSample.psr!);
    expect(r.targets.allMet).toBe(false);
  });
});
