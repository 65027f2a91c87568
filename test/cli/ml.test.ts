// `sextant ml train|evaluate|predict` and `backtest --strategy ml-ensemble --param model=<file>` through main(),
// in process, on a small seeded CSV: the files they write, the JSON they print, exit 2 naming the file and
// field of bad input.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { Rng } from '../../src/core/rng.ts';

const DIR = mkdtempSync(join(tmpdir(), 'sextant-ml-cli-'));
const at = (f: string): string => join(DIR, f);

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function writeCsv(path: string, bars: number, seed: number): void {
  const rng = new Rng(seed);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let p = 50;
  for (let i = 0, day = 0; i < bars; day++) {
    const d = new Date(Date.UTC(2015, 0, 5) + day * 86_400_000);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const o = p;
    p = o * Math.exp(0.015 * rng.normal());
    rows.push(`${d.toISOString().slice(0, 10)},${o.toFixed(4)},${(Math.max(o, p) * 1.005).toFixed(4)},${(Math.min(o, p) * 0.995).toFixed(4)},${p.toFixed(4)},${100_000 + Math.floor(rng.next() * 50_000)}`);
    i++;
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

const FEATURES = ['--features', at('features.json')];

beforeAll(() => {
  writeCsv(at('prices.csv'), 700, 1);
  writeCsv(at('other.csv'), 300, 2);
  writeFileSync(at('features.json'), JSON.stringify({ returns: [1, 5], momentum: [10, 20], volatility: { window: 10 } }));
});

describe('sextant ml', () => {
  it('train writes a model file and its report; predict and backtest use it', async () => {
    const t = await run('ml', 'train', '--data', `csv:${at('prices.csv')}`, ...FEATURES, '--model', 'logistic', '--horizon', '3', '--out', at('model.json'), '--json', at('train.json'), '--threads', '0');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/model\.json: logistic model/);
    const model = JSON.parse(readFileSync(at('model.json'), 'utf8')) as { format: string; metadata: { features: string[]; dataHash: string; libraries: Record<string, string>; params: { pipeline: { label: unknown } } } };
    expect(model.format).toBe('sextant-model/1');
    expect(model.metadata.features).toEqual(['ret_1', 'ret_5', 'mom_10', 'mom_20', 'rvol_10', 'parkinson_10', 'atr_10']);
    expect(model.metadata.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(model.metadata.libraries).toMatchObject({ sextant: expect.any(String), node: process.versions.node });
    expect(model.metadata.params.pipeline.label).toEqual({ kind: 'direction', horizon: 3 });
    const report = JSON.parse(readFileSync(at('train.json'), 'utf8')) as { validation: { auc: number; reliability: unknown[] }; importance: { feature: string }[]; rows: { final: number } };
    expect(report.validation.auc).toBeGreaterThan(0);
    expect(report.validation.reliability).toHaveLength(10);
    expect(report.importance.map((i) => i.feature).sort()).toEqual([...model.metadata.features].sort());
    // mom_20 is the last feature to start, at bar 19; the last 3 bars have no label.
    expect(report.rows.final).toBe(700 - 19 - 3);

    const p = await run('ml', 'predict', '--model', at('model.json'), '--data', `csv:${at('other.csv')}`, '--json', '-');
    expect(p.code, p.err).toBe(0);
    const pred = JSON.parse(p.out) as { series: { bars: number; scored: number; rows: { pUp: number | null }[] }[] };
    expect(pred.series[0]!.bars).toBe(300);
    expect(pred.series[0]!.scored).toBe(300 - 19);
    expect(pred.series[0]!.rows[18]!.pUp).toBeNull();
    expect(pred.series[0]!.rows[19]!.pUp).toBeGreaterThan(0);
    const csv = await run('ml', 'predict', '--model', at('model.json'), '--data', `csv:${at('other.csv')}`, '--csv', '-');
    expect(csv.out.split('\n')).toHaveLength(301);
    expect(csv.out.split('\n')[20]!.split(',')[3]).toBe(String(pred.series[0]!.rows[19]!.pUp));

    const b = await run('backtest', '--strategy', 'ml-ensemble', '--param', `model=${at('model.json')}`, '--param', 'minHistory=20', '--data', `csv:${at('other.csv')}`, '--json', at('bt.json'), '--quiet');
    expect(b.code, b.err).toBe(0);
    const bt = JSON.parse(readFileSync(at('bt.json'), 'utf8')) as { params: { strategyParams: { model: string } }; fills: unknown[] };
    expect(bt.params.strategyParams.model).toBe(at('model.json'));
    expect(bt.fills.length).toBeGreaterThan(0);
  }, 60_000);

  it('evaluate walks forward and writes the JSON and the HTML report', async () => {
    const r = await run('ml', 'evaluate', '--strategy', 'ml-ensemble', '--data', `csv:${at('prices.csv')}`, ...FEATURES, '--model', 'logistic', '--train-bars', '200', '--retrain-every', '100',
      '--grid-models', 'logistic', '--compare', 'buy-and-hold,sma-cross', '--commission', '0.001', '--param', 'minHistory=20', '--threads', '0', '--json', at('eval.json'), '--report', at('eval.html'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Deflated Sharpe/);
    const e = JSON.parse(readFileSync(at('eval.json'), 'utf8')) as {
      walkForward: { folds: number; from: string }; targets: Record<string, boolean>; outOfSample: { deflatedSharpe: { numTrials: number }; pbo: { pbo: number } | null; metrics: { sharpe: number } };
      comparison: { strategy: string }[]; grid: { primary: boolean }[]; folds: unknown[]; predictions: { rows: number }; costs: { commission: number };
    };
    expect(e.walkForward.folds).toBe(Math.ceil((700 - 19 - 200) / 100));
    expect(e.folds).toHaveLength(e.walkForward.folds);
    expect(Object.values(e.targets).every((v) => typeof v === 'boolean')).toBe(true);
    expect(Object.keys(e.targets).sort()).toEqual(['allMet', 'maxDrawdownBelow15Pct', 'sharpeAbove1_5', 'winRateAbove60Pct']);
    expect(e.outOfSample.deflatedSharpe.numTrials).toBe(3);
    expect(e.grid.filter((g) => g.primary)).toHaveLength(1);
    expect(e.outOfSample.pbo?.pbo).toBeGreaterThanOrEqual(0);
    expect(e.comparison.map((c) => c.strategy)).toEqual(['ml-ensemble', 'buy-and-hold', 'sma-cross']);
    expect(e.costs.commission).toBe(0.001);
    expect(e.predictions.rows).toBeGreaterThan(400);
    const html = readFileSync(at('eval.html'), 'utf8');
    for (const id of ['chart-equity', 'chart-folds', 'chart-calibration', 'chart-importance', 'chart-regimes', 'comparison', 'grid']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain("script-src 'none'");
    const embedded = /<script type="application\/json" id="sextant-ml-evaluation">(.*)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(embedded)).toEqual(e);
  }, 60_000);

  it('exits 2 on bad input, naming the file and the field', async () => {
    writeFileSync(at('bad-model.json'), JSON.stringify({ format: 'sextant-model/1', metadata: { features: [], trainStartMs: 0, trainEndMs: 0, dataHash: 'x', params: {} }, model: { kind: 'logistic', format: 1, params: {}, state: {} } }));
    for (const argv of [['backtest', '--strategy', 'ml-ensemble', '--param', `model=${at('bad-model.json')}`], ['ml', 'predict', '--model', at('bad-model.json')]]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain(at('bad-model.json'));
      expect(r.err).toContain('field "metadata.params.pipeline"');
    }
    writeFileSync(at('bad-features.json'), JSON.stringify({ returns: [1], momentum: ['x'] }));
    const f = await run('ml', 'train', '--data', `csv:${at('prices.csv')}`, '--features', at('bad-features.json'), '--out', at('never.json'));
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/bad-features\.json, field "features\.momentum\.0"/);
    const two = await run('ml', 'evaluate', '--data', `csv:${at('prices.csv')}`, '--data', `csv:${at('other.csv')}`);
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/field "--data": evaluate runs on one series at a time/);
    const short = await run('ml', 'evaluate', '--data', `csv:${at('other.csv')}`, ...FEATURES, '--train-bars', '400');
    expect(short.code).toBe(2);
    expect(short.err).toMatch(/field "--train-bars"/);
  }, 60_000);
});
