// Sweep tasks, run in piscina worker threads (or in-process). The price columns and indicator
// columns live in SharedArrayBuffers made once by the main thread: a task carries only references
// to them, its parameter rows and its window, so every worker reads the same memory.
import { RULE_PARAMS, rsiColumn, runRows, smaColumn, SweepScratch, type SweepRule, type SweepSettings } from './fast-sweep.ts';
import { METRIC_COUNT } from './window-metrics.ts';

/** Where each symbol's data sits in the shared buffers (offsets in float64 elements). */
export interface SharedLayout {
  readonly symbols: readonly string[];
  readonly bars: readonly number[];
  /** time at off, open at off + n, close at off + 2n. */
  readonly dataOffset: readonly number[];
  /** Indicator periods with a column, ascending. */
  readonly periods: readonly number[];
  /** Column of period k of symbol s at colOffset[s] + k × n. */
  readonly colOffset: readonly number[];
}

export interface SharedBuffers {
  readonly rule: SweepRule;
  readonly data: SharedArrayBuffer | ArrayBuffer;
  readonly columns: SharedArrayBuffer | ArrayBuffer;
  readonly layout: SharedLayout;
}

export interface ColumnsTask {
  readonly kind: 'columns';
  readonly shared: SharedBuffers;
  readonly symbol: number;
  /** Indices into layout.periods to compute. */
  readonly periodIndices: readonly number[];
}

export interface RowsTask {
  readonly kind: 'rows';
  readonly shared: SharedBuffers;
  readonly symbol: number;
  readonly params: Float64Array;
  readonly from: number;
  readonly to: number;
  readonly periodsPerYear: number;
  readonly settings: SweepSettings;
  readonly blocks: number;
}

/** Answers once the worker has loaded (pool warm-up). */
export interface PingTask {
  readonly kind: 'ping';
}

export type SweepTask = ColumnsTask | RowsTask | PingTask;

export interface RowsResult {
  readonly metrics: Float64Array;
  readonly moments: Float64Array | null;
}

let scratch: SweepScratch | null = null;

function view(buf: SharedArrayBuffer | ArrayBuffer, offset: number, length: number): Float64Array {
  return new Float64Array(buf, offset * 8, length);
}

export function handleTask(task: SweepTask): RowsResult | null {
  if (task.kind === 'ping') return null;
  const { layout, data, columns, rule } = task.shared;
  const s = task.symbol;
  const n = layout.bars[s]!;
  const off = layout.dataOffset[s]!;
  const close = view(data, off + 2 * n, n);
  if (task.kind === 'columns') {
    for (const k of task.periodIndices) {
      const out = view(columns, layout.colOffset[s]! + k * n, n);
      if (rule === 'sma-cross') smaColumn(close, layout.periods[k]!, out);
      else rsiColumn(close, layout.periods[k]!, out);
    }
    return null;
  }
  const index = new Map(layout.periods.map((p, k) => [p, k]));
  const column = (period: number): Float64Array => {
    const k = index.get(period);
    if (k === undefined) throw new Error(`no column for period ${period}`);
    return view(columns, layout.colOffset[s]! + k * n, n);
  };
  const rows = task.params.length / RULE_PARAMS[rule].length;
  const metrics = new Float64Array(rows * METRIC_COUNT);
  const moments = task.blocks > 0 ? new Float64Array(rows * 3 * task.blocks) : null;
  scratch ??= new SweepScratch(n);
  runRows(
    {
      rule, series: { symbol: layout.symbols[s]!, time: view(data, off, n), open: view(data, off + n, n), close }, column,
      params: task.params, settings: task.settings, from: task.from, to: task.to, periodsPerYear: task.periodsPerYear, blocks: task.blocks,
    },
    metrics, moments, scratch,
  );
  return { metrics, moments };
}

export default handleTask;
