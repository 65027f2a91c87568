// The indicator contract (docs/indicators.md), run on every registered indicator with its default params:
// warm-up length, streaming = batch, `replace` consistency and `reset`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { BarSeries } from '../model/bar.ts';
import type { BarInput, Indicator } from './indicator.ts';
import { createIndicator, listIndicators, parseParams, type IndicatorDef, type Params } from './registry.ts';
import { batchInput, computeIndicator, selectSource } from './run.ts';
import type { Source } from './registry.ts';

/** Hourly random-walk bars over several UTC days, with a flat bar, tied highs and a zero-volume bar. */
function syntheticBars(n: number, seed: number): BarSeries {
  const rng = new Rng(seed);
  const s = new BarSeries('SYN', n, 3_600_000);
  let c = 100;
  for (let i = 0; i < n; i++) {
    const o = c * (1 + rng.normal() * 0.002);
    c = c * Math.exp(rng.normal() * 0.01);
    let h = Math.max(o, c) * (1 + Math.abs(rng.normal()) * 0.004);
    let l = Math.min(o, c) * (1 - Math.abs(rng.normal()) * 0.004);
    let oo = o;
    if (i === 150) oo = h = l = c = s.close[i - 1]!;
    if (i === 180) h = s.high[179]!;
    s.time[i] = Date.UTC(2024, 0, 2, 13) + i * 3_600_000;
    s.open[i] = oo;
    s.high[i] = Math.max(h, oo, c);
    s.low[i] = Math.min(l, oo, c);
    s.close[i] = c;
    s.volume[i] = i === 200 ? 0 : Math.round(1e5 * Math.exp(rng.normal() * 0.5));
  }
  return s;
}

const N = 320;
const bars = syntheticBars(N, 7);

type Value = Record<string, number | null>;

/** Inputs of the def's kind, one per bar, and a perturbed variant used for the replaced-away input. */
function inputsFor(def: IndicatorDef, params: Params): { real: unknown[]; junk: unknown[] } {
  const real: unknown[] = [];
  const junk: unknown[] = [];
  if (def.inputs === 'close') {
    const xs = selectSource(bars, params['source'] as Source);
    for (let i = 0; i < N; i++) {
      real.push(xs[i]!);
      junk.push(xs[i]! * 1.013 + 0.5);
    }
  } else if (def.inputs === 'pair') {
    const x = selectSource(bars, params['x'] as Source);
    const y = selectSource(bars, params['y'] as Source);
    for (let i = 0; i < N; i++) {
      real.push([x[i]!, y[i]!] as const);
      junk.push([x[i]! * 1.02, y[i]! * 0.97] as const);
    }
  } else {
    for (let i = 0; i < N; i++) {
      const b = bars.at(i);
      real.push(b);
      const j: BarInput = { high: b.high * 1.01, low: b.low * 0.985, close: b.close * 1.004, volume: b.volume * 2 + 7, open: b.open, tsEventMs: b.tsEventMs };
      junk.push(j);
    }
  }
  return { real, junk };
}

function normalize(def: IndicatorDef, v: unknown): Value {
  const out: Value = {};
  if (def.outputs.length === 1 && def.outputs[0] === 'value') out['value'] = v as number | null;
  else for (const k of def.outputs) out[k] = v === null ? null : (v as Record<string, number>)[k]!;
  return out;
}

function stream(def: IndicatorDef, ind: Indicator<unknown, unknown>, xs: unknown[]): Value[] {
  return xs.map((x) => normalize(def, ind.update(x)));
}

/** Pair params: x = close, y = open, so pair indicators see two different series. */
function contractParams(def: IndicatorDef): Params {
  return parseParams(def, def.inputs === 'pair' ? { x: 'close', y: 'open' } : {});
}

function same(a: number | null, b: number | null): boolean {
  return a === null ? b === null : b !== null && Object.is(a, b);
}

describe.each(listIndicators().map((d) => [d.name, d] as const))('indicator contract: %s', (_name, def) => {
  const params = contractParams(def);
  const make = () => createIndicator(def, params) as Indicator<unknown, unknown>;
  const { real, junk } = inputsFor(def, params);

  it('gives its first value at index warmupPeriod − 1 and a value at every later bar', () => {
    const ind = make();
    expect(ind.warmupPeriod).toBeGreaterThanOrEqual(1);
    expect(ind.warmupPeriod).toBeLessThan(N);
    const values: Value[] = [];
    for (const x of real) {
      const v = normalize(def, ind.update(x));
      values.push(v);
      expect(ind.isReady).toBe(v[def.outputs[0]!] !== null);
      expect(normalize(def, ind.value)).toEqual(v);
    }
    const first = values.findIndex((v) => v[def.outputs[0]!] !== null);
    expect(first).toBe(ind.warmupPeriod - 1);
    for (let i = 0; i < N; i++) {
      for (const k of def.outputs) {
        const v = values[i]![k]!;
        if (i < first) expect(v).toBeNull();
        else expect(Number.isFinite(v), `bar ${i} output ${k}`).toBe(true);
      }
    }
  });

  it('streaming equals batch, bit for bit', () => {
    const streamed = stream(def, make(), real);
    const { columns } = computeIndicator(def.name, params, bars);
    const input = batchInput(def, params, bars);
    expect(input.x.length).toBe(N);
    for (const k of def.outputs) {
      const col = columns[k]!;
      expect(col.length).toBe(N);
      for (let i = 0; i < N; i++) {
        const b = Number.isNaN(col[i]!) ? null : col[i]!;
        expect(same(streamed[i]![k]!, b), `bar ${i} output ${k}: ${streamed[i]![k]} vs ${b}`).toBe(true);
      }
    }
  });

  it('update(a) then replace(b) equals update(b), at every bar and for all later bars', () => {
    const viaReplace = make();
    const direct = make();
    for (let i = 0; i < N; i++) {
      viaReplace.update(junk[i]);
      if (i % 3 === 0) viaReplace.replace(junk[(i + 1) % N]); // several replaces in a row
      const r = normalize(def, viaReplace.replace(real[i]));
      const d = normalize(def, direct.update(real[i]));
      for (const k of def.outputs) expect(same(r[k]!, d[k]!), `bar ${i} output ${k}: ${r[k]} vs ${d[k]}`).toBe(true);
      expect(viaReplace.isReady).toBe(direct.isReady);
    }
  });

  it('replace on a fresh indicator acts as update', () => {
    const a = make();
    const b = make();
    expect(normalize(def, a.replace(real[0]))).toEqual(normalize(def, b.update(real[0])));
    for (let i = 1; i < N; i++) expect(normalize(def, a.update(real[i]))).toEqual(normalize(def, b.update(real[i])));
  });

  it('a reset indicator reproduces the same values', () => {
    const ind = make();
    const first = stream(def, ind, real);
    ind.reset();
    expect(ind.isReady).toBe(false);
    expect(ind.value).toBeNull();
    const second = stream(def, ind, real);
    expect(second).toEqual(first);
  });
});

describe('registry', () => {
  it('resolves aliases case-insensitively and names are unique', () => {
    const names = new Set<string>();
    for (const d of listIndicators()) {
      for (const n of [d.name, ...d.aliases]) {
        expect(names.has(n), n).toBe(false);
        names.add(n);
      }
    }
    expect(computeIndicator('BBANDS', {}, bars).def.name).toBe('bollinger');
    expect(computeIndicator('rma', {}, bars).def.name).toBe('smma');
  });

  it('docs/indicators.md lists every registered indicator with its aliases', () => {
    const doc = readFileSync(new URL('../../docs/indicators.md', import.meta.url), 'utf8');
    for (const d of listIndicators()) {
      const aliases = d.aliases.length ? ` (${d.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
      expect(doc, d.name).toContain(`| \`${d.name}\`${aliases} |`);
    }
  });
});
