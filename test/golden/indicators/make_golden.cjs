#!/usr/bin/env node
// Generates test/golden/indicators/talib.json: TA-Lib reference values over a deterministic OHLCV series.
// Run ONCE (needs the `talib` npm package, a native build of TA-Lib C): node test/golden/indicators/make_golden.cjs
// The tests never run this script or load talib; they read the committed JSON.
/* global require, __dirname, console, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: talib is a native CJS addon */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
let talib;
try {
  talib = require('talib');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  console.error('make_golden: the talib package is not installed (not a dependency: its native build is slow).\nRun `npm run bench:setup` first (see bench/README.md), then this script again.');
  process.exit(1);
}

const N = 600;

// ---- deterministic inputs: mulberry32 + Box-Muller ------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20240611);
function normal() {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const time = [];
const open = [];
const high = [];
const low = [];
const close = [];
const volume = [];
const bench = [];
let c = 100;
let b = 50;
const t0 = Date.UTC(2024, 0, 2); // hourly bars from 2024-01-02T00:00Z
for (let i = 0; i < N; i++) {
  const m = normal() * 0.01;
  const o = c * (1 + normal() * 0.002);
  c = c * Math.exp(m + normal() * 0.006);
  b = b * Math.exp(0.6 * m + normal() * 0.004);
  let h = Math.max(o, c) * (1 + Math.abs(normal()) * 0.004);
  let l = Math.min(o, c) * (1 - Math.abs(normal()) * 0.004);
  let v = Math.round(100000 * Math.exp(normal() * 0.5));
  let oo = o;
  // A few hand-made edge cases: a flat bar (h = l = o = c, close unchanged), equal highs/lows (ties),
  // a zero-volume bar.
  if (i === 100) {
    oo = h = l = c = close[i - 1];
  }
  if (i === 200 || i === 201) h = high[199];
  if (i === 300 || i === 301) l = low[299];
  if (i === 400) v = 0;
  time.push(t0 + i * 3600000);
  open.push(oo);
  high.push(Math.max(h, oo, c));
  low.push(Math.min(l, oo, c));
  close.push(c);
  volume.push(v);
  bench.push(b);
}

// ---- TA-Lib calls ---------------------------------------------------------------------------------
const inputs = { time, open, high, low, close, volume, bench };

function run(fn, ins, opts) {
  const info = talib.explain(fn);
  for (const o of info.optInputs) {
    if (!(o.name in opts)) throw new Error(`${fn}: missing ${o.name}`);
  }
  const args = { name: fn, startIdx: 0, endIdx: N - 1, ...opts };
  for (const [k, v] of Object.entries(ins)) args[k] = typeof v === 'string' ? inputs[v] : v;
  const r = talib.execute(args);
  if (r.error) throw new Error(`${fn}: ${r.error}`);
  const outputs = {};
  for (const [name, arr] of Object.entries(r.result)) {
    const full = new Array(N).fill(null);
    for (let i = 0; i < r.nbElement; i++) full[r.begIndex + i] = arr[i];
    outputs[name] = full;
  }
  return { begIndex: r.begIndex, outputs };
}

const HLC = { high: 'high', low: 'low', close: 'close' };
const HL = { high: 'high', low: 'low' };
const HLCV = { high: 'high', low: 'low', close: 'close', volume: 'volume' };
const cases = [];
function add(id, fn, ins, opts = {}) {
  const r = run(fn, ins, opts);
  cases.push({ id, fn, inputs: ins, opts, begIndex: r.begIndex, outputs: r.outputs });
  return r.outputs;
}

for (const p of [5, 20]) add(`SMA_${p}`, 'SMA', { inReal: 'close' }, { optInTimePeriod: p });
for (const p of [9, 20]) add(`EMA_${p}`, 'EMA', { inReal: 'close' }, { optInTimePeriod: p });
add('WMA_20', 'WMA', { inReal: 'close' }, { optInTimePeriod: 20 });
add('DEMA_20', 'DEMA', { inReal: 'close' }, { optInTimePeriod: 20 });
add('TEMA_20', 'TEMA', { inReal: 'close' }, { optInTimePeriod: 20 });
for (const p of [10, 30]) add(`KAMA_${p}`, 'KAMA', { inReal: 'close' }, { optInTimePeriod: p });
for (const p of [5, 14]) add(`RSI_${p}`, 'RSI', { inReal: 'close' }, { optInTimePeriod: p });
for (const [k, s, d] of [[14, 3, 3], [5, 3, 4]]) {
  add(`STOCH_${k}_${s}_${d}`, 'STOCH', HLC, {
    optInFastK_Period: k, optInSlowK_Period: s, optInSlowK_MAType: 0, optInSlowD_Period: d, optInSlowD_MAType: 0,
  });
}
add('STOCHRSI_14_14_3', 'STOCHRSI', { inReal: 'close' }, { optInTimePeriod: 14, optInFastK_Period: 14, optInFastD_Period: 3, optInFastD_MAType: 0 });
add('WILLR_14', 'WILLR', HLC, { optInTimePeriod: 14 });
for (const p of [14, 20]) add(`CCI_${p}`, 'CCI', HLC, { optInTimePeriod: p });
add('MFI_14', 'MFI', HLCV, { optInTimePeriod: 14 });
add('ROC_10', 'ROC', { inReal: 'close' }, { optInTimePeriod: 10 });
add('MOM_10', 'MOM', { inReal: 'close' }, { optInTimePeriod: 10 });
for (const [f, s, g] of [[12, 26, 9], [5, 13, 4]]) {
  add(`MACD_${f}_${s}_${g}`, 'MACD', { inReal: 'close' }, { optInFastPeriod: f, optInSlowPeriod: s, optInSignalPeriod: g });
}
add('PPO_12_26_EMA', 'PPO', { inReal: 'close' }, { optInFastPeriod: 12, optInSlowPeriod: 26, optInMAType: 1 });
add('PPO_12_26_SMA', 'PPO', { inReal: 'close' }, { optInFastPeriod: 12, optInSlowPeriod: 26, optInMAType: 0 });
add('TRIX_15', 'TRIX', { inReal: 'close' }, { optInTimePeriod: 15 });
for (const p of [7, 14]) {
  add(`ADX_${p}`, 'ADX', HLC, { optInTimePeriod: p });
  add(`PLUS_DI_${p}`, 'PLUS_DI', HLC, { optInTimePeriod: p });
  add(`MINUS_DI_${p}`, 'MINUS_DI', HLC, { optInTimePeriod: p });
}
add('AROON_14', 'AROON', HL, { optInTimePeriod: 14 });
add('AROONOSC_14', 'AROONOSC', HL, { optInTimePeriod: 14 });
add('ATR_14', 'ATR', HLC, { optInTimePeriod: 14 });
add('NATR_14', 'NATR', HLC, { optInTimePeriod: 14 });
add('TRANGE', 'TRANGE', HLC, {});
add('BBANDS_20_2', 'BBANDS', { inReal: 'close' }, { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 });
add('STDDEV_20', 'STDDEV', { inReal: 'close' }, { optInTimePeriod: 20, optInNbDev: 1 });
add('VAR_20', 'VAR', { inReal: 'close' }, { optInTimePeriod: 20, optInNbDev: 1 });
add('OBV', 'OBV', { inReal: 'close', volume: 'volume' }, {});
add('AD', 'AD', HLCV, {});
add('ADOSC_3_10', 'ADOSC', HLCV, { optInFastPeriod: 3, optInSlowPeriod: 10 });
add('SAR_0.02_0.2', 'SAR', HL, { optInAcceleration: 0.02, optInMaximum: 0.2 });
add('SAR_0.05_0.3', 'SAR', HL, { optInAcceleration: 0.05, optInMaximum: 0.3 });
add('LINEARREG_SLOPE_14', 'LINEARREG_SLOPE', { inReal: 'close' }, { optInTimePeriod: 14 });
add('CORREL_HIGH_LOW_20', 'CORREL', { inReal0: 'high', inReal1: 'low' }, { optInTimePeriod: 20 });
add('CORREL_CLOSE_BENCH_20', 'CORREL', { inReal0: 'close', inReal1: 'bench' }, { optInTimePeriod: 20 });
{
  // R² reference: CORREL of (0..13, the window's closes), one fresh call per window. (One call over a
  // global index would carry TA-Lib's running-sum drift, ~4e-11 in r with indices up to 600.)
  const p = 14;
  const local = Array.from({ length: p }, (_, i) => i);
  const outReal = new Array(N).fill(null);
  for (let i = p - 1; i < N; i++) {
    const r = talib.execute({ name: 'CORREL', startIdx: 0, endIdx: p - 1, inReal0: local, inReal1: close.slice(i - p + 1, i + 1), optInTimePeriod: p });
    outReal[i] = r.result.outReal[0];
  }
  cases.push({ id: 'CORREL_INDEX_CLOSE_14', fn: 'CORREL', inputs: { inReal0: 'window index 0..13', inReal1: 'close' }, opts: { optInTimePeriod: p, perWindow: true }, begIndex: p - 1, outputs: { outReal } });
}
add('BETA_BENCH_CLOSE_20', 'BETA', { inReal0: 'bench', inReal1: 'close' }, { optInTimePeriod: 20 });

// ---- references composed from TA-Lib primitives (for indicators TA-Lib lacks) ----------------------
const composed = [];
const nulls = () => new Array(N).fill(null);
const lift = (f, ...xs) => xs[0].map((_, i) => (xs.some((x) => x[i] === null) ? null : f(...xs.map((x) => x[i]))));
function shift(xs, d) {
  const out = nulls();
  for (let i = d; i < N; i++) out[i] = xs[i - d];
  return out;
}
function compose(id, recipe, outputs) {
  composed.push({ id, recipe, outputs });
}
function defined(xs) {
  // TA-Lib rejects nulls: run on the defined tail and re-align.
  const from = xs.findIndex((x) => x !== null);
  return { from, xs: xs.slice(from) };
}
function runTail(fn, xs, opts) {
  const { from, xs: tail } = defined(xs);
  const r = talib.execute({ name: fn, startIdx: 0, endIdx: tail.length - 1, inReal: tail, ...opts });
  const out = nulls();
  for (let i = 0; i < r.nbElement; i++) out[from + r.begIndex + i] = r.result.outReal[i];
  return out;
}
{
  // HMA(20) = WMA(2·WMA(close, 10) − WMA(close, 20), 4)
  const half = run('WMA', { inReal: 'close' }, { optInTimePeriod: 10 }).outputs.outReal;
  const full = run('WMA', { inReal: 'close' }, { optInTimePeriod: 20 }).outputs.outReal;
  const raw = lift((a, b2) => 2 * a - b2, half, full);
  compose('HMA_20', 'WMA(2*WMA(close,10) - WMA(close,20), 4)', { value: runTail('WMA', raw, { optInTimePeriod: 4 }) });
}
{
  const pv = close.map((x, i) => x * volume[i]);
  const spv = run('SUM', { inReal: pv }, { optInTimePeriod: 20 }).outputs.outReal;
  const sv = run('SUM', { inReal: 'volume' }, { optInTimePeriod: 20 }).outputs.outReal;
  compose('VWMA_20', 'SUM(close*volume,20) / SUM(volume,20)', { value: lift((a, v) => a / v, spv, sv) });
  const mfv = close.map((x, i) => (high[i] > low[i] ? ((x - low[i] - (high[i] - x)) / (high[i] - low[i])) * volume[i] : 0));
  const smfv = run('SUM', { inReal: mfv }, { optInTimePeriod: 20 }).outputs.outReal;
  compose('CMF_20', 'SUM(mfv,20) / SUM(volume,20), mfv = ((c-l)-(h-c))/(h-l)*v', { value: lift((a, v) => a / v, smfv, sv) });
}
{
  const ema = run('EMA', { inReal: 'close' }, { optInTimePeriod: 20 }).outputs.outReal;
  const atr = run('ATR', HLC, { optInTimePeriod: 10 }).outputs.outReal;
  compose('KELTNER_20_10_2', 'EMA(close,20) +- 2*ATR(10)', {
    upper: lift((m, a) => m + 2 * a, ema, atr),
    middle: lift((m) => m, ema, atr),
    lower: lift((m, a) => m - 2 * a, ema, atr),
  });
}
{
  const up = run('MAX', { inReal: 'high' }, { optInTimePeriod: 20 }).outputs.outReal;
  const lo = run('MIN', { inReal: 'low' }, { optInTimePeriod: 20 }).outputs.outReal;
  const mid = run('MIDPRICE', HL, { optInTimePeriod: 20 }).outputs.outReal;
  compose('DONCHIAN_20', 'MAX(high,20), MIDPRICE(20), MIN(low,20)', { upper: up, middle: mid, lower: lo });
}
{
  const mp = (p) => run('MIDPRICE', HL, { optInTimePeriod: p }).outputs.outReal;
  const tenkan = mp(9);
  const kijun = mp(26);
  const spanA = lift((a, b2) => (a + b2) / 2, tenkan, kijun);
  const o = {
    tenkan: shift(tenkan, 0),
    kijun: shift(kijun, 0),
    senkouA: shift(spanA, 26),
    senkouB: shift(mp(52), 26),
  };
  // Ichimoku reports all four lines once all are defined.
  const first = Math.max(...Object.values(o).map((xs) => xs.findIndex((x) => x !== null)));
  for (const xs of Object.values(o)) xs.fill(null, 0, first);
  compose('ICHIMOKU_9_26_52_26', 'MIDPRICE(9), MIDPRICE(26), (MIDPRICE(9)+MIDPRICE(26))/2 and MIDPRICE(52) shifted 26', o);
}
{
  const sma = run('SMA', { inReal: 'close' }, { optInTimePeriod: 20 }).outputs.outReal;
  const sd = run('STDDEV', { inReal: 'close' }, { optInTimePeriod: 20, optInNbDev: 1 }).outputs.outReal;
  compose('ZSCORE_20', '(close - SMA(close,20)) / STDDEV(close,20)', { value: lift((x, m, s) => (x - m) / s, close, sma, sd) });
}

function taLibCVersion() {
  const src = fs.readFileSync(require.resolve('talib/src/lib/src/ta_common/ta_version.c'), 'utf8');
  const part = (k) => (src.match(new RegExp(`#define ${k} "([^"]*)"`)) || [])[1];
  return `${part('MAJOR')}.${part('MINOR')}.${part('BUILD')}${part('EXTRA') ? '-' + part('EXTRA') : ''}`;
}

const out = {
  origin: {
    generator: 'test/golden/indicators/make_golden.cjs',
    library: `talib (npm) ${require('talib/package.json').version}, TA-Lib C ${taLibCVersion()} built from the package's bundled source`,
    generatedAt: new Date().toISOString().slice(0, 10),
    bars: N,
    note: 'cases: direct TA-Lib calls; composed: references built from TA-Lib primitives by the recipe given',
  },
  inputs,
  cases,
  composed,
};
const file = path.join(__dirname, 'talib.json');
fs.writeFileSync(file, JSON.stringify(out) + '\n');
console.log(`wrote ${file}: ${cases.length} cases, ${composed.length} composed, ${fs.statSync(file).size} bytes`);
