// Parallel sweeps: the loaded data is copied once into SharedArrayBuffers, indicator columns are
// computed once per (symbol, period) by the workers into shared memory, and parameter rows are
// spread over a piscina pool of worker threads (one per core by default). `threads: 0` runs the same
// tasks in-process.
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { InputError } from '../core/errors.ts';
import { inferPeriodsPerYear } from '../analytics/periods.ts';
import { DEFAULT_SWEEP_SETTINGS, RULE_PARAMS, type SweepRule, type SweepSeries, type SweepSettings } from './fast-sweep.ts';
import { handleTask, type RowsResult, type SharedBuffers, type SharedLayout, type SweepTask } from './sweep-worker.ts';
import type { ProgressFn, TimeWindow, TrialMetrics } from './types.ts';
import { METRIC_COUNT, readMetrics } from './window-metrics.ts';

export interface ParallelSweepOptions {
  /** Worker threads; 0 runs in-process. Default: the machine's available parallelism. */
  readonly threads?: number;
}

export interface SweepRunOptions {
  /** Symbols (indices into the series) to run; default all. */
  readonly symbols?: readonly number[];
  /** Trading and measuring window; default all bars. */
  readonly window?: TimeWindow;
  readonly settings?: SweepSettings;
  /** Blocks of return moments per row (for CSCV); default 0. */
  readonly blocks?: number;
  readonly onProgress?: ProgressFn;
}

export class SweepResult {
  constructor(
    readonly symbols: readonly number[],
    readonly rows: number,
    /** symbols × rows × METRIC_COUNT. */
    readonly metrics: Float64Array,
    /** symbols × rows × 3·blocks, or null. */
    readonly moments: Float64Array | null,
    readonly blocks: number,
  ) {}

  metricsOf(symbolSlot: number, row: number): TrialMetrics {
    return readMetrics(this.metrics, (symbolSlot * this.rows + row) * METRIC_COUNT);
  }

  momentsOf(symbolSlot: number, row: number): Float64Array | null {
    if (this.moments === null) return null;
    const w = 3 * this.blocks;
    const at = (symbolSlot * this.rows + row) * w;
    return this.moments.slice(at, at + w);
  }
}

// Worker threads do not inherit the main thread's TypeScript loader: built (dist/), they load the
// compiled worker directly; from sources, a plain boot module registers tsx first.
const BOOT = import.meta.url.endsWith('.ts')
  ? new URL('./sweep-worker-boot.mjs', import.meta.url).href
  : new URL('./sweep-worker.js', import.meta.url).href;

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ParallelSweep {
  readonly threads: number;
  #shared: SharedBuffers;
  #pool: Piscina | null;

  private constructor(readonly rule: SweepRule, shared: SharedBuffers, threads: number) {
    this.#shared = shared;
    this.threads = threads;
    this.#pool = threads > 0 ? new Piscina({ filename: BOOT, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 }) : null;
  }

  /** Copies the series into shared memory, starts the workers and computes the columns of `periods`. */
  static async create(rule: SweepRule, series: readonly SweepSeries[], periods: Iterable<number>, opts: ParallelSweepOptions = {}): Promise<ParallelSweep> {
    if (series.length === 0) throw new InputError('a sweep needs at least one series', { field: 'series' });
    const threads = Math.max(0, Math.floor(opts.threads ?? availableParallelism()));
    const Buf = threads > 0 ? SharedArrayBuffer : ArrayBuffer;
    const bars = series.map((s) => s.close.length);
    const dataOffset: number[] = [];
    let total = 0;
    for (const n of bars) {
      dataOffset.push(total);
      total += 3 * n;
    }
    const data = new Buf(total * 8);
    series.forEach((s, i) => {
      const n = bars[i]!;
      const v = new Float64Array(data, dataOffset[i]! * 8, 3 * n);
      v.set(s.time.subarray(0, n), 0);
      v.set(s.open.subarray(0, n), n);
      v.set(s.close.subarray(0, n), 2 * n);
    });
    const layout: SharedLayout = { symbols: series.map((s) => s.symbol), bars, dataOffset, periods: [], colOffset: [] };
    const sweep = new ParallelSweep(rule, { rule, data, columns: new Buf(0), layout }, threads);
    // Wait for every worker to load, so later timings measure work, not start-up.
    await Promise.all(Array.from({ length: threads }, () => sweep.#run({ kind: 'ping' })));
    await sweep.ensurePeriods(periods);
    return sweep;
  }

  get layout(): SharedLayout {
    return this.#shared.layout;
  }

  /** Makes sure every period has a column (recomputing the column buffer when some are new). */
  async ensurePeriods(periods: Iterable<number>): Promise<void> {
    const have = new Set(this.#shared.layout.periods);
    const want = [...new Set([...have, ...periods])].sort((a, b) => a - b);
    for (const p of want) if (!(Number.isInteger(p) && p >= 1)) throw new InputError(`indicator period must be a positive integer, got ${p}`, { field: 'period' });
    if (want.length === have.size) return;
    const old = this.#shared.layout;
    const colOffset: number[] = [];
    let total = 0;
    for (const n of old.bars) {
      colOffset.push(total);
      total += want.length * n;
    }
    const Buf = this.#pool === null ? ArrayBuffer : SharedArrayBuffer;
    const layout: SharedLayout = { ...old, periods: want, colOffset };
    this.#shared = { ...this.#shared, columns: new Buf(total * 8), layout };
    const tasks: SweepTask[] = [];
    const chunk = Math.max(1, Math.ceil((want.length * old.bars.length) / Math.max(1, this.threads * 4)));
    for (let s = 0; s < old.bars.length; s++) {
      for (let k = 0; k < want.length; k += chunk) {
        tasks.push({ kind: 'columns', shared: this.#shared, symbol: s, periodIndices: Array.from({ length: Math.min(chunk, want.length - k) }, (_, j) => k + j) });
      }
    }
    await Promise.all(tasks.map((t) => this.#run(t)));
  }

  /**
   * Runs every parameter row (RULE_PARAMS[rule] numbers each) on every chosen symbol. Every period
   * the rows use must have a column (see `ensurePeriods`).
   */
  async run(params: Float64Array, opts: SweepRunOptions = {}): Promise<SweepResult> {
    const layout = this.#shared.layout;
    const width = RULE_PARAMS[this.rule].length;
    if (params.length % width !== 0) throw new InputError(`parameter rows of ${this.rule} have ${width} numbers`, { field: 'params' });
    const rows = params.length / width;
    const symbols = opts.symbols ?? layout.symbols.map((_, i) => i);
    const blocks = opts.blocks ?? 0;
    const settings = opts.settings ?? DEFAULT_SWEEP_SETTINGS;
    const known = new Set(layout.periods);
    for (let r = 0; r < rows; r++) {
      const periods = this.rule === 'sma-cross' ? [params[r * width]!, params[r * width + 1]!] : [params[r * width]!];
      for (const p of periods) if (!known.has(p)) throw new InputError(`no column for period ${p}: call ensurePeriods first`, { field: 'params' });
    }
    const metrics = new Float64Array(symbols.length * rows * METRIC_COUNT);
    const moments = blocks > 0 ? new Float64Array(symbols.length * rows * 3 * blocks) : null;
    const perSymbol = Math.max(1, Math.ceil(Math.max(this.threads * 4, 1) / symbols.length));
    const chunk = Math.max(1, Math.min(1000, Math.ceil(rows / perSymbol)));
    const jobs: Promise<void>[] = [];
    let done = 0;
    const total = rows * symbols.length;
    symbols.forEach((s, slot) => {
      const { from, to } = this.#indices(s, opts.window);
      const time = new Float64Array(this.#shared.data, layout.dataOffset[s]! * 8, layout.bars[s]!);
      const ppy = inferPeriodsPerYear(time.subarray(from, to));
      for (let r0 = 0; r0 < rows; r0 += chunk) {
        const r1 = Math.min(rows, r0 + chunk);
        const task: SweepTask = {
          kind: 'rows', shared: this.#shared, symbol: s, params: params.slice(r0 * width, r1 * width), from, to, periodsPerYear: ppy, settings, blocks,
        };
        jobs.push(
          this.#run(task).then((res) => {
            const out = res!;
            metrics.set(out.metrics, (slot * rows + r0) * METRIC_COUNT);
            if (moments !== null && out.moments !== null) moments.set(out.moments, (slot * rows + r0) * 3 * blocks);
            done += r1 - r0;
            opts.onProgress?.(done, total);
          }),
        );
      }
    });
    await Promise.all(jobs);
    return new SweepResult(symbols, rows, metrics, moments, blocks);
  }

  /** Bar indices [from, to) of a window on symbol s. */
  #indices(s: number, w: TimeWindow | undefined): { from: number; to: number } {
    const layout = this.#shared.layout;
    const n = layout.bars[s]!;
    if (w === undefined) return { from: 0, to: n };
    const time = new Float64Array(this.#shared.data, layout.dataOffset[s]! * 8, n);
    return { from: lowerBound(time, w.fromMs), to: lowerBound(time, w.toMs) };
  }

  async #run(task: SweepTask): Promise<RowsResult | null> {
    if (this.#pool === null) return handleTask(task);
    return (await this.#pool.run(task)) as RowsResult | null;
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    if (pool !== null) await pool.destroy();
  }
}
