import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import type { Bar, BarSeries } from '../../model/bar.ts';
import { applyStandardizer, buildFeatures } from '../../ml/features/index.ts';
import { LogisticClassifier } from '../../ml/models/logistic.ts';
import type { ModelFile } from '../../ml/models/registry.ts';
import { classifyRegimes } from '../../ml/regime/index.ts';
import { adaptiveThresholdSignals } from '../../ml/thresholds/index.ts';
import { randomWalk } from '../../../test/helpers/bars.ts';
import type { StrategyContext } from '../context.ts';
import { FileParamError } from '../file-params.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import { MlEnsemble, type MlEnsembleParams } from './ml-ensemble.ts';
import { ModelSchedule, modelFromJson, type LoadedModel } from './ml-ensemble-model.ts';
import { handModel } from './ml-ensemble-testing.ts';

const cls = builtinStrategy('ml-ensemble')!;
const config = (params: Record<string, unknown>): MlEnsembleParams => parseStrategyConfig('ml-ensemble', cls, params) as MlEnsembleParams;

/** ml-ensemble that records its score after each bar. */
class Recording extends MlEnsemble {
  readonly scores: number[] = [];
  override onBar(bar: Bar, ctx: StrategyContext): void {
    super.onBar(bar, ctx);
    this.scores.push(this.scoreOf(bar.symbol));
  }
}

function run(series: BarSeries, params: Record<string, unknown>): { s: Recording; fills: { t: number; side: string }[] } {
  const s = new Recording(config(params));
  const out = new BacktestNode({ series: [series], strategies: [{ strategy: s }], accountType: params['allowShort'] === true ? 'margin' : 'cash' }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return { s, fills: out.kernel.fills.toArray().map((f) => ({ t: f.tsMs, side: f.side })) };
}

/** The model's P(up) for every bar from the batch features (NaN where a feature is undefined). */
function batchScores(series: BarSeries, model: LoadedModel): number[] {
  const z = applyStandardizer(model.pipeline.standardizer, buildFeatures(series, model.pipeline.featureSpec));
  return Array.from({ length: z.rows }, (_, i) => {
    const x = z.values.slice(i * z.cols, (i + 1) * z.cols);
    return x.some(Number.isNaN) ? NaN : model.classifier.predict(x, 1)[0]!;
  });
}

describe('ml-ensemble', () => {
  const data = randomWalk(300, 7);
  const model = handModel();

  it("scores each bar with the model's features as training computes them (stream equals batch, bit for bit)", () => {
    const { s } = run(data, { model });
    const batch = batchScores(data, model);
    expect(s.scores).toHaveLength(300);
    expect(s.scores.slice(0, 3).every(Number.isNaN)).toBe(true); // ret_3 needs 3 earlier bars
    s.scores.forEach((v, i) => expect(Object.is(v, batch[i]), `bar ${i}`).toBe(true));
  });

  const p = { window: 40, minHistory: 20, entryQuantile: 0.7, exitQuantile: 0.5, volPower: 0 };

  /** Fills of long-only targets: an order at the close of the bar whose target changed, filled at the next open. */
  function expectedFills(target: ArrayLike<number>): { t: number; side: string }[] {
    const out: { t: number; side: string }[] = [];
    for (let i = 1; i + 1 < data.length; i++) {
      if (target[i] !== target[i - 1]) out.push({ t: data.time[i + 1]!, side: target[i] === 1 ? 'buy' : 'sell' });
    }
    return out;
  }

  it('trades the adaptive thresholds: long above the entry quantile of recent scores, flat below the exit quantile', () => {
    const { fills } = run(data, { model, ...p });
    const pos = adaptiveThresholdSignals(batchScores(data, model), undefined, { ...p, allowShort: false }).position;
    const expected = expectedFills(pos);
    expect(expected.length).toBeGreaterThan(10);
    expect(fills).toEqual(expected);
  });

  it('goes short on the mirror side with allowShort (margin account)', () => {
    const { fills } = run(data, { model, window: 40, minHistory: 20, entryQuantile: 0.7, allowShort: true });
    const { fills: longOnly } = run(data, { model, window: 40, minHistory: 20, entryQuantile: 0.7 });
    expect(fills.length).toBeGreaterThan(longOnly.length);
    expect(fills[0]).toBeDefined();
  });

  it('holds its position only in the allowed regimes (flat elsewhere) and refuses an unknown regime name', () => {
    const pos = adaptiveThresholdSignals(batchScores(data, model), undefined, { ...p, allowShort: false }).position;
    const regime = classifyRegimes(data).labels;
    for (const [allowed, codes] of [['bull', [0, 1]], ['quiet', [0, 2, 4]], ['crisis', [6]]] as const) {
      const target = Array.from(pos, (v, i) => ((codes as readonly number[]).includes(regime[i]!) ? v : 0));
      const { fills } = run(data, { model, ...p, regimes: allowed });
      expect(fills, allowed).toEqual(expectedFills(target));
      if (allowed !== 'crisis') expect(fills.length, allowed).toBeGreaterThan(0);
    }
    expect(() => new MlEnsemble(config({ model, regimes: 'bull,sunny' }))).toThrow(expect.objectContaining({ where: { field: 'param regimes' } }));
  });

  it('switches models at their start times (a walk-forward schedule)', () => {
    const up = handModel({ beta: [0, 1, 0], source: 'A' });
    const down = handModel({ beta: [0, -1, 0], source: 'B' });
    const t0 = data.time[100]!;
    const t1 = data.time[200]!;
    const { s } = run(data, { model: new ModelSchedule([{ fromMs: t0, model: up }, { fromMs: t1, model: down }]) });
    const a = batchScores(data, up);
    const b = batchScores(data, down);
    expect(s.scores.slice(0, 100).every(Number.isNaN)).toBe(true);
    for (let i = 100; i < 200; i++) expect(s.scores[i]).toBe(a[i]);
    for (let i = 200; i < 300; i++) expect(s.scores[i]).toBe(b[i]);
  });

  it('needs a model, and a path must have been read by the app layer (ConfigError naming the param)', () => {
    expect(() => new MlEnsemble(config({}))).toThrow(ConfigError);
    expect(() => new MlEnsemble(config({}))).toThrow(expect.objectContaining({ where: { field: 'param model' } }));
    expect(() => new MlEnsemble(config({ model: 'model.json' }))).toThrow(/model\.json" was not read/);
  });

  it('shows the model by its source in JSON (a report echoes the path, not the file)', () => {
    expect(JSON.parse(JSON.stringify(config({ model: handModel({ source: 'models/a.json' }) })))).toMatchObject({ model: 'models/a.json', entryQuantile: 0.75 });
  });
});

describe('model files', () => {
  const lib = { readModelFile: (f: unknown) => f as ModelFile, restoreClassifier: LogisticClassifier.restore };
  const good = (): ModelFile => {
    const m = handModel();
    return {
      format: 'sextant-model/1',
      metadata: { ...m.metadata, params: { pipeline: { ...m.pipeline } } },
      model: m.classifier.save(),
    } as ModelFile;
  };

  it('loads a model file into the same model', () => {
    const loaded = modelFromJson(JSON.parse(JSON.stringify(good())), 'm.json', lib);
    const x = Float64Array.of(0.01, -0.02);
    expect(loaded.classifier.predict(x, 1)).toEqual(handModel().classifier.predict(x, 1));
    expect(loaded.source).toBe('m.json');
  });

  it.each([
    ['no pipeline', (f: ModelFile) => ({ ...f, metadata: { ...f.metadata, params: {} } }), 'metadata.params.pipeline'],
    ['a bad feature spec', (f: ModelFile) => withPipeline(f, { featureSpec: { returns: [0] } }), 'metadata.params.pipeline.featureSpec.returns.0'],
    ['a standardizer of other columns', (f: ModelFile) => withPipeline(f, { standardizer: { ...pipelineOf(f)['standardizer'] as object, names: ['a', 'b'] } }), 'metadata.params.pipeline.standardizer.names'],
    ['a bad label', (f: ModelFile) => withPipeline(f, { label: { kind: 'direction', horizon: 0 } }), 'metadata.params.pipeline.label.horizon'],
    ['features that do not match', (f: ModelFile) => ({ ...f, metadata: { ...f.metadata, features: ['x'] } }), 'metadata.features'],
  ])('names the bad field: %s', (_what, spoil, field) => {
    const bad = spoil(JSON.parse(JSON.stringify(good())) as ModelFile);
    expect(() => modelFromJson(bad, 'm.json', lib)).toThrow(FileParamError);
    expect(() => modelFromJson(bad, 'm.json', lib)).toThrow(expect.objectContaining({ field }));
  });
});

function pipelineOf(f: ModelFile): Record<string, unknown> {
  return (f.metadata.params as { pipeline: Record<string, unknown> }).pipeline;
}

function withPipeline(f: ModelFile, change: Record<string, unknown>): ModelFile {
  return { ...f, metadata: { ...f.metadata, params: { pipeline: { ...pipelineOf(f), ...change } } } };
}
