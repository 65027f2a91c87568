// A registered indicator as feature columns. Batch: the registry's batch computation (a tight loop
// proven equal to the streaming fold, or the fold itself). Stream: the streaming indicator fed bar by
// bar. Pair indicators (correlation, beta) read y from the aligned benchmark when there is one, and
// start at the benchmark's first aligned row (a NaN fed before it would poison their running sums).
import type { Columns } from '../../indicators/batch.ts';
import type { BarInput, Indicator } from '../../indicators/indicator.ts';
import { createIndicator, getIndicator, parseParams, type IndicatorDef, type Params, type Source } from '../../indicators/registry.ts';
import { computeParsed, sourceValue } from '../../indicators/run.ts';
import type { Block } from './block.ts';
import type { FeatureContext } from './context.ts';
import type { IndicatorFeature } from './spec.ts';

type Scale = IndicatorFeature['scale'];

/** `name(k=v,...)` over the parsed params (defaults filled, schema order): the same spec gives the same name. */
export function indicatorLabel(def: IndicatorDef, params: Params): string {
  const args = Object.entries(params).map(([k, v]) => `${k}=${String(v)}`);
  return `${def.name}(${args.join(',')})`;
}

const SUFFIX: Record<Scale, string> = { raw: '', ratio: '/close', excess: '/close-1' };

/** A bar object re-filled from the context's arrays (streaming indicators never keep their input). */
class BarCursor implements BarInput {
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  open = 0;
  tsEventMs = 0;
  at(c: FeatureContext, i: number): this {
    this.high = c.high[i]!;
    this.low = c.low[i]!;
    this.close = c.close[i]!;
    this.volume = c.volume[i]!;
    this.open = c.open[i]!;
    this.tsEventMs = c.time[i]!;
    return this;
  }
}

export class IndicatorBlock implements Block {
  readonly names: readonly string[];
  readonly def: IndicatorDef;
  readonly params: Params;
  readonly #scale: Scale;
  readonly #single: boolean;
  readonly #pairWithBench: boolean;
  #ind: Indicator<never, unknown> | null = null;
  readonly #cursor = new BarCursor();
  readonly #pair: [number, number] = [0, 0];

  /** `names` overrides the column names (one per output). */
  constructor(spec: IndicatorFeature, hasBenchmark: boolean, names?: readonly string[]) {
    this.def = getIndicator(spec.name);
    this.params = parseParams(this.def, spec.params);
    createIndicator(this.def, this.params); // invalid combinations fail now, as a ConfigError
    this.#scale = spec.scale;
    this.#single = this.def.outputs.length === 1 && this.def.outputs[0] === 'value';
    this.#pairWithBench = this.def.inputs === 'pair' && hasBenchmark;
    const base = (spec.as ?? indicatorLabel(this.def, this.params)) + SUFFIX[spec.scale];
    this.names = names ?? (this.#single ? [base] : this.def.outputs.map((o) => `${base}.${o}`));
  }

  /** First row the indicator is fed (pair indicators wait for the benchmark); -1 when never. */
  #start(ctx: FeatureContext): number {
    return this.#pairWithBench ? ctx.benchFirst : 0;
  }

  fill(ctx: FeatureContext, out: Float64Array, offset: number, stride: number): void {
    const n = ctx.n;
    const start = this.#start(ctx);
    const from = start < 0 ? n : start;
    const k = this.names.length;
    for (let i = 0; i < from; i++) out.fill(NaN, i * stride + offset, i * stride + offset + k);
    if (from >= n) return;
    const other: Columns | undefined = this.#pairWithBench ? ctx.benchColumns(from) : undefined;
    const values = computeParsed(this.def, this.params, ctx.columns(from), other);
    this.def.outputs.forEach((key, c) => {
      const v = values[key]!;
      for (let i = from, p = from * stride + offset + c; i < n; i++, p += stride) out[p] = this.#scaled(v[i - from]!, ctx.close[i]!);
    });
  }

  step(ctx: FeatureContext, i: number, row: Float64Array, offset: number): void {
    const start = this.#start(ctx);
    if (start < 0 || i < start) {
      for (let k = 0; k < this.names.length; k++) row[offset + k] = NaN;
      return;
    }
    const ind = (this.#ind ??= createIndicator(this.def, this.params));
    const v = ind.update(this.#input(ctx, i) as never);
    const close = ctx.close[i]!;
    if (this.#single) {
      row[offset] = this.#scaled(v === null ? NaN : (v as number), close);
      return;
    }
    const rec = v as Readonly<Record<string, number>> | null;
    const outs = this.def.outputs;
    for (let k = 0; k < outs.length; k++) row[offset + k] = this.#scaled(rec === null ? NaN : rec[outs[k]!]!, close);
  }

  #input(ctx: FeatureContext, i: number): unknown {
    switch (this.def.inputs) {
      case 'close':
        return sourceValue(ctx, this.params['source'] as Source, i);
      case 'bar':
        return this.#cursor.at(ctx, i);
      case 'pair': {
        const p = this.#pair;
        p[0] = sourceValue(ctx, this.params['x'] as Source, i);
        p[1] = this.#pairWithBench ? this.#benchValue(ctx, this.params['y'] as Source, i) : sourceValue(ctx, this.params['y'] as Source, i);
        return p;
      }
    }
  }

  /** A field of the aligned benchmark bar (pair indicators take a plain field for y). */
  #benchValue(ctx: FeatureContext, source: Source, i: number): number {
    return sourceValue(ctx.benchCols, source, i);
  }

  #scaled(v: number, close: number): number {
    switch (this.#scale) {
      case 'raw':
        return v;
      case 'ratio':
        return v / close;
      case 'excess':
        return v / close - 1;
    }
  }
}
