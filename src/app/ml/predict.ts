// `ml predict`: a model file's P(up) for every bar of the data, from the same features the strategy computes
// bar by bar (buildFeatures equals the FeatureStream row for row), standardized by the model's standardizer.
import { toIso } from '../../core/time.ts';
import { applyStandardizer, buildFeatures } from '../../ml/features/index.ts';
import { loadSeries, type MlDataRequest } from './dataset.ts';
import { readModel } from './model-file.ts';

export interface PredictRequest extends Pick<MlDataRequest, 'data' | 'from' | 'to' | 'skipBadRows' | 'timeframe'> {
  /** The model file. */
  readonly model: string;
}

export interface PredictionRow {
  readonly time: string;
  readonly close: number;
  /** P(up over the label horizon); null while a feature warms up. */
  readonly pUp: number | null;
}

export interface PredictResult {
  readonly model: {
    readonly file: string;
    readonly kind: string;
    readonly features: readonly string[];
    readonly label: { readonly kind: string; readonly horizon: number };
    readonly trainStart: string;
    readonly trainEnd: string;
    readonly dataHash: string;
    readonly createdAt: string;
    readonly libraries: Record<string, string>;
  };
  readonly series: readonly { readonly symbol: string; readonly bars: number; readonly scored: number; readonly rows: readonly PredictionRow[] }[];
  readonly warnings: readonly string[];
}

export function predict(req: PredictRequest): PredictResult {
  const loaded = readModel(req.model);
  const { pipeline, metadata, classifier } = loaded;
  const warnings: string[] = [];
  const series = loadSeries({ data: req.data, from: req.from, to: req.to, skipBadRows: req.skipBadRows, timeframe: req.timeframe }).map((s) => {
    if (pipeline.timeframeMs > 0 && s.timeframeMs > 0 && s.timeframeMs !== pipeline.timeframeMs) {
      warnings.push(`${s.symbol}: ${s.timeframeMs} ms bars, but the model was trained on ${pipeline.timeframeMs} ms bars`);
    }
    const z = applyStandardizer(pipeline.standardizer, buildFeatures(s, pipeline.featureSpec));
    const k = z.cols;
    const ok: number[] = [];
    for (let i = 0; i < z.rows; i++) {
      let all = true;
      for (let c = 0; c < k && all; c++) all = Number.isFinite(z.values[i * k + c]!);
      if (all) ok.push(i);
    }
    const x = new Float64Array(ok.length * k);
    ok.forEach((i, r) => x.set(z.values.subarray(i * k, i * k + k), r * k));
    const p = ok.length > 0 ? classifier.predict(x, ok.length) : new Float64Array(0);
    const score = new Float64Array(s.length).fill(NaN);
    ok.forEach((i, r) => (score[i] = p[r]!));
    const rows = Array.from({ length: s.length }, (_, i) => ({ time: toIso(s.time[i]!), close: s.close[i]!, pUp: Number.isNaN(score[i]!) ? null : score[i]! }));
    return { symbol: s.symbol, bars: s.length, scored: ok.length, rows };
  });
  const model = metadata.params['model'] as { kind?: string } | undefined;
  return {
    model: {
      file: req.model, kind: model?.kind ?? classifier.kind, features: metadata.features, label: { kind: pipeline.label.kind, horizon: pipeline.label.horizon },
      trainStart: toIso(metadata.trainStartMs), trainEnd: toIso(metadata.trainEndMs), dataHash: metadata.dataHash, createdAt: metadata.createdAt, libraries: metadata.libraries,
    },
    series,
    warnings,
  };
}

/** The predictions as CSV: time, symbol, close, p_up (empty while warming up). */
export function predictionsCsv(r: PredictResult): string {
  const lines = ['time,symbol,close,p_up'];
  for (const s of r.series) for (const row of s.rows) lines.push(`${row.time},${s.symbol},${row.close},${row.pUp ?? ''}`);
  return `${lines.join('\n')}\n`;
}
