// Indicator speed: streaming update cost (ns/op) and batch loops over 1M points next to TA-Lib C.
// TA-Lib is timed in the same run two ways: (1) through the `talib` npm binding, whose time is mostly
// marshalling 1M JS numbers in and out (estimated with trivial TA-Lib functions of the same shape and
// reported separately), and (2) when a C compiler is present, by a small C program linked against the
// TA-Lib static libraries that the `talib` package built: TA-Lib C's own time on the same data.
// The C harness writes into output arrays allocated once; SMA, RSI and BBANDS are timed the same way (their
// batch forms take output arrays), and also allocating their outputs on every call (`secondsAllocating`).
// Every figure is the best of 15 runs after a warm-up: the JIT needs a few calls to settle, and on a
// shared VM the same loop runs up to ~1.8x slower in some runs than in others.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { atrBatch, bollingerBatch, emaBatch, macdBatch, rsiBatch, smaBatch } from '../src/indicators/batch.ts';
import { EMA } from '../src/indicators/ema.ts';
import { RSI } from '../src/indicators/rsi.ts';
import { SMA } from '../src/indicators/sma.ts';
import { randomWalk } from './random-walk.ts';
import { bestOf, peakRssMb, type BenchResult } from './types.ts';

const N = 1_000_000;
const require = createRequire(import.meta.url);

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
interface Talib {
  execute(args: Record<string, unknown>): TalibResult;
}

/**
 * The `talib` binding, or null when it is not installed: it is not a dependency of the package (its
 * native build takes minutes), so `npm run bench:setup` installs it (bench/README.md). Without it the
 * TA-Lib columns are null and `talibSource` says why; our own timings are unaffected.
 */
function loadTalib(): Talib | null {
  try {
    return require('talib') as Talib;
  } catch (e) {
    const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND';
    console.error(
      missing
        ? 'bench indicators: talib is not installed, so the TA-Lib comparison is skipped; `npm run bench:setup` installs it (see bench/README.md)'
        : `bench indicators: talib is installed but does not load (${e instanceof Error ? e.message : String(e)}); the TA-Lib comparison is skipped`,
    );
    return null;
  }
}

// ---- streaming ------------------------------------------------------------------------------------
// One loop per class, so each call site stays monomorphic as it would in a strategy.

function streamSma(xs: Float64Array): number {
  const ind = new SMA(20);
  let sink = 0;
  for (let i = 0; i < xs.length; i++) sink += ind.update(xs[i]!) ?? 0;
  return sink;
}
function streamEma(xs: Float64Array): number {
  const ind = new EMA(20);
  let sink = 0;
  for (let i = 0; i < xs.length; i++) sink += ind.update(xs[i]!) ?? 0;
  return sink;
}
function streamRsi(xs: Float64Array): number {
  const ind = new RSI(14);
  let sink = 0;
  for (let i = 0; i < xs.length; i++) sink += ind.update(xs[i]!) ?? 0;
  return sink;
}

/**
 * TA-Lib's SMA loop written in JS (a plain running sum, not exact): a same-run gauge of how fast this
 * machine runs JS loops at the moment, next to the C time. On a shared VM the same JS code varies by
 * up to ~1.8x between runs while the short C harness does not, so `vsNaiveJs` shows what the exact sum
 * itself costs.
 */
function naiveSma(xs: Float64Array, period: number, out: Float64Array): void {
  let s = 0;
  for (let i = 0; i < period; i++) {
    s += xs[i]!;
    out[i] = NaN;
  }
  out[period - 1] = s / period;
  for (let i = period; i < xs.length; i++) {
    s += xs[i]!;
    s -= xs[i - period]!;
    out[i] = s / period;
  }
}

// ---- TA-Lib C harness -----------------------------------------------------------------------------

const C_SOURCE = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "ta_libc.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static double *load(const char *path, int n) {
  double *x = malloc(sizeof(double) * n); FILE *f = fopen(path, "rb");
  if (!f || fread(x, sizeof(double), n, f) != (size_t)n) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
  fclose(f); return x;
}
#define BEST(name, call) { double best = 1e9; for (int r = 0; r < 7; r++) { double t = now(); call; t = now() - t; if (t < best) best = t; } \
  printf("%s\"%s\":%.9f", first ? "" : ",", name, best); first = 0; }
int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  double *h = load(argv[2], n), *l = load(argv[3], n), *c = load(argv[4], n);
  double *o1 = malloc(sizeof(double) * n), *o2 = malloc(sizeof(double) * n), *o3 = malloc(sizeof(double) * n);
  int b, e, first = 1;
  TA_Initialize();
  printf("{");
  BEST("sma", TA_SMA(0, n - 1, c, 20, &b, &e, o1));
  BEST("ema", TA_EMA(0, n - 1, c, 20, &b, &e, o1));
  BEST("rsi", TA_RSI(0, n - 1, c, 14, &b, &e, o1));
  BEST("macd", TA_MACD(0, n - 1, c, 12, 26, 9, &b, &e, o1, o2, o3));
  BEST("atr", TA_ATR(0, n - 1, h, l, c, 14, &b, &e, o1));
  BEST("bollinger", TA_BBANDS(0, n - 1, c, 20, 2.0, 2.0, TA_MAType_SMA, &b, &e, o1, o2, o3));
  printf("}\n");
  return 0;
}
`;

/** TA-Lib C seconds per function (best of 7), or null when no compiler or static libraries exist. */
function talibC(high: Float64Array, low: Float64Array, close: Float64Array): Record<string, number> | null {
  let lib: string;
  try {
    lib = join(dirname(require.resolve('talib/package.json')), 'src', 'lib');
  } catch {
    return null;
  }
  const libs = ['libta_abstract_csr.a', 'libta_func_csr.a', 'libta_common_csr.a'].map((f) => join(lib, 'lib', f));
  if (!libs.every((f) => existsSync(f))) return null;
  const dir = mkdtempSync(join(tmpdir(), 'sextant-talib-'));
  try {
    writeFileSync(join(dir, 'bench.c'), C_SOURCE);
    const files = { high, low, close };
    for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, `${k}.f64`), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    const exe = join(dir, 'bench');
    execFileSync('cc', ['-O2', '-I', join(lib, 'include'), join(dir, 'bench.c'), ...libs, '-lm', '-o', exe], { stdio: 'pipe' });
    const out = execFileSync(exe, [String(close.length), join(dir, 'high.f64'), join(dir, 'low.f64'), join(dir, 'close.f64')], { encoding: 'utf8' });
    return JSON.parse(out) as Record<string, number>;
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- run ------------------------------------------------------------------------------------------

export async function run(): Promise<BenchResult[]> {
  const s = randomWalk('IND', N, 11);
  const { high, low, close } = s;
  const out: BenchResult[] = [];
  const work = '1,000,000 points';

  let sink = 0;
  for (const [name, fn] of [
    ['sma(20)', streamSma],
    ['ema(20)', streamEma],
    ['rsi(14)', streamRsi],
  ] as const) {
    const seconds = bestOf(15, () => (sink += fn(close)));
    out.push({
      name: `indicators.stream.${name.slice(0, name.indexOf('('))}`,
      work: `1,000,000 updates of ${name.toUpperCase()}`,
      seconds,
      rate: N / seconds,
      nsPerOp: Math.round((seconds / N) * 1e10) / 10,
      target: '<= 20 ns/op',
      peakRssMb: peakRssMb(),
    });
  }

  const talib = loadTalib();
  const c = talibC(high, low, close);
  const arr = (xs: Float64Array) => Array.from(xs);
  const jc = arr(close);
  const jh = arr(high);
  const jl = arr(low);
  const ta = (args: Record<string, unknown>) => (talib ? bestOf(1, () => void talib.execute({ startIdx: 0, endIdx: N - 1, ...args })) : NaN);
  // Binding overhead (JS array <-> C array conversion), from TA-Lib functions that compute next to nothing.
  const oneInOneOut = ta({ name: 'CEIL', inReal: jc });
  const threeInOneOut = ta({ name: 'TYPPRICE', high: jh, low: jl, close: jc });
  const perExtraOutput = ta({ name: 'MINMAX', inReal: jc, optInTimePeriod: 2 }) - oneInOneOut;
  const overhead = { one: oneInOneOut, three: threeInOneOut, multi: oneInOneOut + 2 * perExtraOutput };

  const o1 = new Float64Array(N);
  const bands = { upper: new Float64Array(N), middle: new Float64Array(N), lower: new Float64Array(N) };
  const cases: { key: string; name: string; ours: () => unknown; allocating?: () => unknown; binding: Record<string, unknown>; shape: keyof typeof overhead }[] = [
    { key: 'sma', name: 'SMA(20)', ours: () => smaBatch(close, 20, o1), allocating: () => smaBatch(close, 20), binding: { name: 'SMA', inReal: jc, optInTimePeriod: 20 }, shape: 'one' },
    { key: 'ema', name: 'EMA(20)', ours: () => emaBatch(close, 20), binding: { name: 'EMA', inReal: jc, optInTimePeriod: 20 }, shape: 'one' },
    { key: 'rsi', name: 'RSI(14)', ours: () => rsiBatch(close, 14, o1), allocating: () => rsiBatch(close, 14), binding: { name: 'RSI', inReal: jc, optInTimePeriod: 14 }, shape: 'one' },
    {
      key: 'macd', name: 'MACD(12,26,9)', ours: () => macdBatch(close, 12, 26, 9),
      binding: { name: 'MACD', inReal: jc, optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }, shape: 'multi',
    },
    {
      key: 'atr', name: 'ATR(14)', ours: () => atrBatch(high, low, close, 14),
      binding: { name: 'ATR', high: jh, low: jl, close: jc, optInTimePeriod: 14 }, shape: 'three',
    },
    {
      key: 'bollinger', name: 'BBANDS(20,2)', ours: () => bollingerBatch(close, 20, 2, bands), allocating: () => bollingerBatch(close, 20, 2),
      binding: { name: 'BBANDS', inReal: jc, optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 }, shape: 'multi',
    },
  ];
  for (const k of cases) {
    const seconds = bestOf(15, () => void k.ours());
    const allocating = k.allocating;
    const secondsAllocating = allocating === undefined ? undefined : bestOf(15, () => void allocating());
    const naiveJs = k.key === 'sma' ? bestOf(15, () => naiveSma(close, 20, o1)) : undefined;
    const binding = ta(k.binding);
    const cSeconds = c?.[k.key] ?? null;
    const estimate = Math.max(binding - overhead[k.shape], 0);
    const reference = cSeconds ?? (talib ? estimate : null);
    out.push({
      name: `indicators.batch.${k.key}`,
      work: `${work}, ${k.name}`,
      seconds,
      ...(secondsAllocating === undefined ? {} : { secondsAllocating }),
      ...(naiveJs === undefined ? {} : { naiveJsSeconds: naiveJs, vsNaiveJs: Math.round((seconds / naiveJs) * 100) / 100 }),
      rate: N / seconds,
      talibCSeconds: cSeconds,
      talibBindingSeconds: talib ? binding : null,
      talibBindingOverheadSeconds: talib ? overhead[k.shape] : null,
      vsTalibC: reference !== null && reference > 0 ? Math.round((seconds / reference) * 100) / 100 : null,
      talibSource: cSeconds !== null ? 'C harness on the talib package static libs' : talib ? 'binding minus estimated marshalling' : 'talib not installed (npm run bench:setup)',
      target: '<= 1.5x TA-Lib C',
      peakRssMb: peakRssMb(),
    });
  }
  if (sink === 42) out.push({ name: 'sink', work: '', seconds: 0, rate: 0, peakRssMb: 0 });
  return out;
}
