// Running a registered indicator over a whole series: the library side of `sextant indicator <name>`.
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import { foldBars, foldBarsMulti, foldMulti, foldPair, foldScalar, foldScalarMulti, type Columns } from './batch.ts';
import type { BarInput, Indicator } from './indicator.ts';
import { createIndicator, getIndicator, parseParams, type BatchInput, type IndicatorDef, type Params, type Source } from './registry.ts';

/** One bar of a `close`-kind indicator's source: a column's value, or hl2/hlc3/ohlc4 derived from them. */
export function sourceValue(cols: Columns, source: Source, i: number): number {
  switch (source) {
    case 'high':
    case 'low':
    case 'close':
    case 'volume':
      return cols[source][i]!;
    case 'open':
      return cols.open![i]!;
    case 'hl2':
      return (cols.high[i]! + cols.low[i]!) / 2;
    case 'hlc3':
      return (cols.high[i]! + cols.low[i]! + cols.close[i]!) / 3;
    case 'ohlc4':
      return (cols.open![i]! + cols.high[i]! + cols.low[i]! + cols.close[i]!) / 4;
  }
}

/** The series an indicator of kind `close` reads: a column, or hl2/hlc3/ohlc4 derived from them. */
export function selectSource(cols: Columns, source: Source): Float64Array {
  if ((source === 'open' || source === 'ohlc4') && cols.open === undefined) {
    throw new ConfigError(`source "${source}" needs an open column`, { field: 'source' });
  }
  switch (source) {
    case 'high':
    case 'low':
    case 'close':
    case 'volume':
      return cols[source];
    case 'open':
      return cols.open!;
    case 'hl2':
    case 'hlc3':
    case 'ohlc4':
      return cols.close.map((_, i) => sourceValue(cols, source, i));
  }
}

/** The batch input for parsed params: `x`/`y` per the def's kind (y from `other` when given). */
export function batchInput(def: IndicatorDef, params: Params, cols: Columns, other?: Columns): BatchInput {
  if (def.inputs === 'close') {
    const x = selectSource(cols, params['source'] as Source);
    return { cols, x, y: x };
  }
  if (def.inputs === 'pair') {
    const x = selectSource(cols, params['x'] as Source);
    const y = selectSource(other ?? cols, params['y'] as Source);
    if (y.length !== x.length) {
      throw new ConfigError(`${def.name}: the two series differ in length (${x.length} vs ${y.length})`, { field: 'y' });
    }
    return { cols, x, y };
  }
  return { cols, x: cols.close, y: cols.close };
}

function isSingle(def: IndicatorDef): boolean {
  return def.outputs.length === 1 && def.outputs[0] === 'value';
}

/** Folds a fresh streaming indicator over the input: one column per output, NaN while warming up. */
export function foldIndicator(def: IndicatorDef, params: Params, input: BatchInput): Record<string, Float64Array> {
  const ind = createIndicator(def, params);
  const keys = def.outputs;
  const single = isSingle(def);
  switch (def.inputs) {
    case 'close': {
      const i = ind as Indicator<number, never>;
      return single ? { value: foldScalar(i, input.x) } : foldScalarMulti(i, input.x, keys);
    }
    case 'bar': {
      const i = ind as Indicator<BarInput, never>;
      return single ? { value: foldBars(i, input.cols) } : foldBarsMulti(i, input.cols, keys);
    }
    case 'pair': {
      const i = ind as Indicator<readonly [number, number], never>;
      if (single) return { value: foldPair(i, input.x, input.y) };
      return foldMulti(i, input.x.length, (k) => [input.x[k]!, input.y[k]!] as const, keys);
    }
  }
}

/** Batch values of a registered indicator (the fast loop when there is one): NaN while warming up. */
export function computeIndicator(
  name: string,
  rawParams: Params,
  cols: Columns,
  other?: Columns,
): { def: IndicatorDef; params: Params; columns: Record<string, Float64Array> } {
  const def = getIndicator(name);
  const params = parseParams(def, rawParams);
  return { def, params, columns: computeParsed(def, params, cols, other) };
}

/** computeIndicator for a definition and params already parsed. */
export function computeParsed(def: IndicatorDef, params: Params, cols: Columns, other?: Columns): Record<string, Float64Array> {
  createIndicator(def, params); // validates combinations (e.g. fast < slow) before any fast loop runs
  const input = batchInput(def, params, cols, other);
  return def.fastBatch ? def.fastBatch(params, input) : foldIndicator(def, params, input);
}

export type IndicatorValues = (number | null)[];

export interface IndicatorRun {
  /** The canonical name (aliases resolved). */
  readonly name: string;
  /** The params used, defaults filled in. */
  readonly params: Params;
  /** One entry per bar, null while warming up; an object of such arrays for multi-output indicators. */
  readonly values: IndicatorValues | Record<string, IndicatorValues>;
}

function toNullable(xs: Float64Array): IndicatorValues {
  const out: IndicatorValues = new Array<number | null>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = Number.isNaN(xs[i]!) ? null : xs[i]!;
  return out;
}

/**
 * Runs indicator `name` over a bar series. `params` may hold numbers or strings (as from
 * `--param k=v`); unknown names/params and invalid values throw ConfigError. Pair indicators read
 * `x` from `series` and `y` from `options.other` (e.g. a benchmark) or, without it, from `series`.
 */
export function runIndicator(name: string, params: Params, series: BarSeries, options: { other?: BarSeries } = {}): IndicatorRun {
  const { def, params: parsed, columns } = computeIndicator(name, params, series, options.other);
  if (isSingle(def)) return { name: def.name, params: parsed, values: toNullable(columns['value']!) };
  const values: Record<string, IndicatorValues> = {};
  for (const k of def.outputs) values[k] = toNullable(columns[k]!);
  return { name: def.name, params: parsed, values };
}
