// ml-ensemble: trades a trained classifier's P(up). Per bar and symbol: the feature row from a causal
// FeatureStream (bit for bit the row training saw for that bar), standardized by the model's own
// standardizer, scored by the classifier (synchronous), then judged by adaptive thresholds (src/ml/thresholds):
// long above the rolling entry quantile of recent scores, out below the exit quantile; short on the mirror
// side with allowShort. An optional regime filter (src/ml/regime rules) keeps it flat outside the allowed
// regimes. The model comes in as a value (strategies do no I/O): `--param model=model.json` is read by the
// app layer through `fileParams`.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import { FeatureStream, standardizeRow } from '../../ml/features/index.ts';
import { RuleRegimeClassifier, regimeFilter } from '../../ml/regime/index.ts';
import { AdaptiveThreshold } from '../../ml/thresholds/index.ts';
import { SignalStrategy, type SignalModel } from '../signal.ts';
import { LoadedModel, loadModelParam, ModelSchedule } from './ml-ensemble-model.ts';

const schema = z.object({
  model: z
    .union([z.string().min(1), z.instanceof(LoadedModel), z.instanceof(ModelSchedule)])
    .optional()
    .describe('the trained model: a model file written by `sextant ml train` (read by backtest, paper and live)'),
  entryQuantile: z.number().gt(0.5).lt(1).default(0.75).describe('go long when the score tops this quantile of the recent scores (short below 1 - it)'),
  exitQuantile: z.number().min(0.5).lt(1).default(0.5).describe('leave a long when the score falls below this quantile of the recent scores (a short above 1 - it)'),
  window: z.number().int().min(2).max(100_000).default(250).describe('recent scores the quantiles are taken over'),
  minHistory: z.number().int().min(1).max(100_000).default(50).describe('scores needed before the first trade'),
  volWindow: z.number().int().min(2).max(10_000).default(20).describe('bars of the realized volatility that narrows the entry tail'),
  volPower: z.number().min(0).max(10).default(1).describe('how hard high volatility (against its median) narrows the entry tail; 0 turns it off'),
  allowShort: z.boolean().default(false).describe('also trade the short side (needs a margin account)'),
  regimes: z.string().default('').describe('trade only in these rule regimes, comma-separated (bull, bear_quiet, volatile, ...); empty: all'),
}).refine((c) => c.exitQuantile < c.entryQuantile, { message: 'exitQuantile must be below entryQuantile', path: ['exitQuantile'] })
  .refine((c) => c.minHistory <= c.window, { message: 'minHistory must not exceed window', path: ['minHistory'] });
export type MlEnsembleParams = z.infer<typeof schema>;

const DESCRIPTION =
  "Trades a trained model's probability of a rise (`sextant ml train`): long when the score tops the rolling entry quantile of its recent scores, flat again below the exit quantile (short on the mirror side with allowShort); optional regime filter.";

/** Rolling standard deviation of 1-bar log returns over `n` bars (NaN until n returns). */
class RollingVol {
  readonly #r: Float64Array;
  #i = 0;
  #count = 0;
  #last = NaN;
  constructor(n: number) {
    this.#r = new Float64Array(n);
  }
  update(close: number): number {
    const prev = this.#last;
    this.#last = close;
    if (!(prev > 0)) return NaN;
    const r = this.#r;
    r[this.#i] = Math.log(close / prev);
    this.#i = (this.#i + 1) % r.length;
    if (this.#count < r.length) this.#count++;
    if (this.#count < r.length) return NaN;
    let s = 0;
    for (let k = 0; k < r.length; k++) s += r[k]!;
    const m = s / r.length;
    let ss = 0;
    for (let k = 0; k < r.length; k++) ss += (r[k]! - m) ** 2;
    return Math.sqrt(ss / (r.length - 1));
  }
}

/** One symbol's scoring and thresholds. */
class MlSignal implements SignalModel {
  readonly #schedule: ModelSchedule;
  readonly #stream: FeatureStream;
  readonly #x: Float64Array;
  readonly #threshold: AdaptiveThreshold;
  readonly #vol: RollingVol;
  readonly #regime: RuleRegimeClassifier | null;
  readonly #allowed: ((code: number) => boolean) | null;
  #at = -1;
  /** The latest bar's P(up) (NaN without a model or while features warm up). */
  score = NaN;

  constructor(schedule: ModelSchedule, p: MlEnsembleParams, allowed: ((code: number) => boolean) | null, symbol: string) {
    this.#schedule = schedule;
    const first = schedule.entries[0]!.model.pipeline;
    this.#stream = new FeatureStream(first.featureSpec, { symbol, timeframeMs: first.timeframeMs });
    this.#x = new Float64Array(this.#stream.names.length);
    this.#threshold = new AdaptiveThreshold({
      window: p.window, minHistory: p.minHistory, entryQuantile: p.entryQuantile, exitQuantile: p.exitQuantile,
      allowShort: p.allowShort, volWindow: p.window, volPower: p.volPower,
    });
    this.#vol = new RollingVol(p.volWindow);
    this.#allowed = allowed;
    this.#regime = allowed === null ? null : new RuleRegimeClassifier();
  }

  update(bar: Bar): number | null {
    const row = this.#stream.push(bar);
    const vol = this.#vol.update(bar.close);
    const regime = this.#regime === null ? 0 : this.#regime.update(bar.close);
    this.#at = this.#schedule.indexAt(bar.tsEventMs, this.#at);
    this.score = this.#at < 0 ? NaN : this.#predict(row, this.#schedule.entries[this.#at]!.model);
    if (Number.isNaN(this.score)) return null;
    const target = this.#threshold.update(this.score, vol).position;
    return this.#allowed !== null && !this.#allowed(regime) ? 0 : target;
  }

  #predict(row: Float64Array, model: LoadedModel): number {
    const x = standardizeRow(model.pipeline.standardizer, row, this.#x);
    for (let c = 0; c < x.length; c++) if (Number.isNaN(x[c]!)) return NaN;
    return model.classifier.predict(x, 1)[0]!;
  }
}

export class MlEnsemble extends SignalStrategy<MlEnsembleParams> {
  static readonly schema = schema;
  static readonly description = DESCRIPTION;
  /** `--param model=<file>`: the app layer reads the model file (src/app/strategy-file-params.ts). */
  static readonly fileParams = { model: loadModelParam };
  readonly #schedule: ModelSchedule;
  readonly #allowed: ((code: number) => boolean) | null;
  readonly #signals = new Map<string, MlSignal>();

  constructor(config: MlEnsembleParams) {
    super(config);
    const m = config.model;
    if (m === undefined) throw new ConfigError('ml-ensemble needs a trained model: --param model=model.json (write one with `sextant ml train`)', { field: 'param model' });
    if (typeof m === 'string') {
      throw new ConfigError(`the model file "${m}" was not read: backtest, paper and live read model files; this use of the strategy does not`, { field: 'param model' });
    }
    this.#schedule = m instanceof ModelSchedule ? m : new ModelSchedule([{ fromMs: -Infinity, model: m }], m.source);
    const list = config.regimes.split(',').map((s) => s.trim()).filter((s) => s !== '');
    try {
      this.#allowed = list.length === 0 ? null : regimeFilter(list);
    } catch (e) {
      throw new ConfigError((e as Error).message.replace(/^field "regimes": /, ''), { field: 'param regimes' });
    }
  }

  /** The latest P(up) the model gave `symbol` (NaN before any). */
  scoreOf(symbol: string): number {
    return this.#signals.get(symbol)?.score ?? NaN;
  }

  protected createModel(symbol: string): SignalModel {
    const s = new MlSignal(this.#schedule, this.config, this.#allowed, symbol);
    this.#signals.set(symbol, s);
    return s;
  }
}
