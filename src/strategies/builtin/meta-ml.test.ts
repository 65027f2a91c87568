import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { BarSeries } from '../../model/bar.ts';
import { runBacktest } from '../../app/backtest.ts';
import { randomWalk } from '../../../test/helpers/bars.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import type { Strategy } from '../strategy.ts';
import { MetaStrategy, type MetaParams } from './meta.ts';
import { handModel } from './ml-ensemble-testing.ts';

const params = (p: Record<string, unknown>): MetaParams => parseStrategyConfig('meta', builtinStrategy('meta')!, p) as MetaParams;
const ML = { window: 40, minHistory: 20, entryQuantile: 0.6 };

function fills(strategy: Strategy, series: BarSeries): string[] {
  const out = new BacktestNode({ series: [series], strategies: [{ strategy }] }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return out.kernel.fills.map((f) => `${f.tsMs} ${f.side}`);
}

describe('meta with a trained model', () => {
  const data = randomWalk(400, 18);

  it('adds an ml-ensemble agent when a model is given and the agents list none', () => {
    expect(new MetaStrategy(params({ agents: 'rsi', model: handModel() })).book('X').names).toEqual(['rsi', 'ml-ensemble', 'cash']);
    const listed = params({ agents: JSON.stringify([{ model: 'ml-ensemble', params: ML, name: 'gbdt' }, { model: 'rsi' }]), model: handModel() });
    expect(new MetaStrategy(listed).book('X').names).toEqual(['gbdt', 'rsi', 'cash']);
  });

  it("trades exactly when ml-ensemble does when its agent is the only one (its targets are ml-ensemble's)", () => {
    const model = handModel();
    const alone = new MetaStrategy(params({ agents: JSON.stringify([{ model: 'ml-ensemble', params: ML }]), cashAgent: false, model }));
    const ml = new (builtinStrategy('ml-ensemble')!)(parseStrategyConfig('ml-ensemble', builtinStrategy('ml-ensemble')!, { ...ML, model }));
    const expected = fills(ml, data);
    expect(expected.length).toBeGreaterThanOrEqual(10);
    expect(fills(alone, data)).toEqual(expected);
  });

  it("refuses a model that was not read, and bad ml-ensemble params, naming the param", () => {
    expect(() => new MetaStrategy(params({ model: 'model.json' }))).toThrow(ConfigError);
    expect(() => new MetaStrategy(params({ model: 'model.json' }))).toThrow(/was not read/);
    const bad = params({ agents: JSON.stringify([{ model: 'ml-ensemble', params: { entryQuantile: 2 } }]), model: handModel() });
    expect(() => new MetaStrategy(bad)).toThrow(expect.objectContaining({ where: { field: 'param agents.ml-ensemble.params.entryQuantile' } }));
  });

  it('reads --param model=<file> in a backtest like ml-ensemble (the same file param)', async () => {
    const m = handModel();
    const file = join(mkdtempSync(join(tmpdir(), 'sextant-meta-')), 'model.json');
    writeFileSync(file, JSON.stringify({ format: 'sextant-model/1', metadata: { ...m.metadata, params: { pipeline: { ...m.pipeline } } }, model: m.classifier.save() }));
    const report = await runBacktest({ strategy: 'meta', params: { model: file, agents: 'sma-cross' }, data: ['synthetic:2'], to: '2016-06-30', analysis: false, benchmark: false });
    expect(report.strategyErrors).toEqual([]);
    expect(report.fills.length).toBeGreaterThan(0);
    // The report echoes the file, not its content.
    expect(JSON.parse(JSON.stringify(report.params.strategyParams))).toMatchObject({ model: file });
  });
});
