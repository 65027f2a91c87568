// What `ml train`, `ml evaluate` and `ml predict` share: the request's data and feature/label settings, the
// default feature spec, the feature matrix and labels of a series, and the traceability of a model (a hash of
// the training bars, the installed library versions).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError } from '../../core/errors.ts';
import type { BarSeries } from '../../model/bar.ts';
import { buildFeatures, parseFeatureSpec, type FeatureSpec, type FeatureSpecInput } from '../../ml/features/index.ts';
import { directionLabels, forwardReturns, tripleBarrier } from '../../ml/labels/index.ts';
import type { FeatureMatrix, LabelSet } from '../../ml/types.ts';
import type { LabelInfo } from '../../strategies/builtin/ml-ensemble-model.ts';
import { loadMarketData } from '../market-data.ts';
import { parseTimeframe, type Timeframe } from '../../data/resample.ts';
import { readJsonFile } from '../strategy-file-params.ts';
import { packageVersion } from '../version.ts';

export const MODEL_KINDS = ['logistic', 'gbdt', 'nn', 'ensemble'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const LABEL_KINDS = ['direction', 'triple-barrier'] as const;

/** The data and learning settings every ML command takes. */
export interface MlDataRequest {
  /** `--data` sources (csv:<path>, synthetic[:seed], store:<symbol>). */
  readonly data?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly skipBadRows?: boolean;
  /** Resample on load (1d, 1h, W, ...). */
  readonly timeframe?: string;
  /** A feature spec, or the path of a JSON file holding one; default: DEFAULT_FEATURES (no volume block on volume-less data). */
  readonly features?: FeatureSpecInput | string;
  readonly labels?: (typeof LABEL_KINDS)[number];
  /** Bars the label looks ahead (default 5). */
  readonly horizon?: number;
  /** Triple-barrier profit-take and stop as multiples of the 20-bar volatility (default 2 and 2). */
  readonly profitTake?: number;
  readonly stopLoss?: number;
  readonly model?: ModelKind;
  readonly seed?: number;
}

/** Returns, momentum, three volatility estimators, volume z-score and RSI: a small, daily-bar default. */
export const DEFAULT_FEATURES: FeatureSpecInput = {
  returns: [1, 2, 5, 10, 20],
  momentum: [5, 10, 20, 50],
  volatility: { window: [10, 20] },
  volume: { window: [20], turnover: false, amihud: false },
  indicators: [{ name: 'rsi', params: { period: 14 } }],
};

export function loadSeries(req: MlDataRequest): BarSeries[] {
  let timeframe: Timeframe | undefined;
  try {
    timeframe = req.timeframe === undefined ? undefined : parseTimeframe(req.timeframe);
  } catch (e) {
    throw new ConfigError((e as Error).message.replace(/^field "[^"]*": /, ''), { field: '--timeframe' });
  }
  return loadMarketData(req.data ?? [], { skipBadRows: req.skipBadRows ?? false, from: req.from, to: req.to, timeframe }).series;
}

/** The request's feature spec: given, read from its file, or the default (without volume features when a series has no volume). */
export function featureSpecOf(req: MlDataRequest, series: readonly BarSeries[]): FeatureSpec {
  const f = req.features;
  if (f !== undefined) {
    const file = typeof f === 'string' ? f : undefined;
    let spec: FeatureSpec;
    try {
      spec = parseFeatureSpec(file === undefined ? f : readJsonFile(file, '--features'));
    } catch (e) {
      if (file === undefined || !(e instanceof ConfigError) || e.where.file !== undefined) throw e;
      throw new ConfigError(e.message.replace(/^field "[^"]*": /, ''), { file, field: e.where.field });
    }
    if (spec.benchmark !== undefined) {
      throw new ConfigError('benchmark features need a benchmark series, which the ml commands and ml-ensemble do not take yet', { file, field: 'features.benchmark' });
    }
    return spec;
  }
  const noVolume = series.some((s) => {
    for (let i = 0; i < s.length; i++) if (s.volume[i]! > 0) return false;
    return true;
  });
  const { volume: _v, ...rest } = DEFAULT_FEATURES;
  return parseFeatureSpec(noVolume ? rest : DEFAULT_FEATURES);
}

export function labelInfoOf(req: MlDataRequest): LabelInfo {
  const horizon = req.horizon ?? 5;
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new ConfigError(`horizon must be a positive integer, got ${horizon}`, { field: '--horizon' });
  const kind = req.labels ?? 'direction';
  if (!LABEL_KINDS.includes(kind)) throw new ConfigError(`labels must be ${LABEL_KINDS.join(' or ')}, got "${String(kind)}"`, { field: '--labels' });
  if (kind === 'direction') return { kind, horizon };
  const profitTake = req.profitTake ?? 2;
  const stopLoss = req.stopLoss ?? 2;
  if (!(profitTake >= 0 && stopLoss >= 0)) throw new ConfigError('profit-take and stop must be >= 0', { field: '--profit-take' });
  return { kind, horizon, profitTake, stopLoss };
}

export function modelKindOf(req: MlDataRequest): ModelKind {
  const kind = req.model ?? 'ensemble';
  if (!MODEL_KINDS.includes(kind)) throw new ConfigError(`model must be one of ${MODEL_KINDS.join(', ')}, got "${String(kind)}"`, { field: '--model' });
  return kind;
}

/** A series' features, labels and forward log returns over the label horizon (for the IC). */
export interface Dataset {
  readonly series: BarSeries;
  readonly matrix: FeatureMatrix;
  readonly labels: LabelSet;
  readonly forward: Float64Array;
  /** First row whose features are all defined (-1 when none is). */
  readonly firstFull: number;
}

export function buildDataset(series: BarSeries, spec: FeatureSpec, label: LabelInfo): Dataset {
  const matrix = buildFeatures(series, spec);
  const labels = label.kind === 'direction'
    ? directionLabels(series, label.horizon)
    : tripleBarrier(series, { horizon: label.horizon, profitTake: label.profitTake ?? 2, stopLoss: label.stopLoss ?? 2 });
  const forward = forwardReturns(series, label.horizon, { weights: 'none' }).y;
  let firstFull = -1;
  for (let i = 0; i < matrix.rows && firstFull < 0; i++) {
    let ok = true;
    for (let c = 0; c < matrix.cols && ok; c++) ok = Number.isFinite(matrix.values[i * matrix.cols + c]!);
    if (ok) firstFull = i;
  }
  if (firstFull < 0) {
    const dead = matrix.names.filter((_, c) => {
      for (let i = 0; i < matrix.rows; i++) if (Number.isFinite(matrix.values[i * matrix.cols + c]!)) return false;
      return true;
    });
    throw new ConfigError(`${series.symbol}: no bar has every feature defined (${series.length} bars${dead.length ? `; never defined: ${dead.join(', ')}` : ''}): more data, or fewer/shorter features with --features`, { field: '--features' });
  }
  return { series, matrix, labels, forward, firstFull };
}

/**
 * SHA-256 (hex) of bars: for each series its symbol, then per bar time, open, high, low, close and volume as
 * float64 little-endian. The same bars give the same hash whatever file format they came from.
 */
export function barsHash(parts: readonly { readonly series: BarSeries; readonly from: number; readonly to: number }[]): string {
  const h = createHash('sha256');
  const row = new Float64Array(6);
  const bytes = new Uint8Array(row.buffer);
  for (const { series: s, from, to } of parts) {
    h.update(`${s.symbol}\n`);
    for (let i = from; i < to; i++) {
      row[0] = s.time[i]!;
      row[1] = s.open[i]!;
      row[2] = s.high[i]!;
      row[3] = s.low[i]!;
      row[4] = s.close[i]!;
      row[5] = s.volume[i]!;
      h.update(bytes);
    }
  }
  return h.digest('hex');
}

const require = createRequire(import.meta.url);

/** Installed version of a package: its package.json, found from its entry when `exports` hides it. */
function installed(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    // A package whose `exports` does not list package.json: walk up from its entry point.
  }
  try {
    let dir = dirname(require.resolve(pkg));
    for (;;) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const p = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (p.name === pkg && p.version !== undefined) return p.version;
      }
      const up = dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  } catch {
    return 'not installed';
  }
}

/** The libraries a model's training may involve, with their installed versions (the classifier adds what it used). */
export function libraryVersions(kind: ModelKind): Record<string, string> {
  const out: Record<string, string> = { sextant: packageVersion(), node: process.versions.node };
  if (kind === 'nn' || kind === 'ensemble') {
    out['@tensorflow/tfjs'] = installed('@tensorflow/tfjs');
    out['@tensorflow/tfjs-backend-wasm'] = installed('@tensorflow/tfjs-backend-wasm');
  }
  if (kind === 'gbdt' || kind === 'ensemble') {
    out['ml-xgboost'] = installed('ml-xgboost');
    out.koffi = installed('koffi');
  }
  return out;
}
