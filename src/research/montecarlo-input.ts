// Reads the parts of a `backtest --json` file (docs/backtest-json.md) that Monte Carlo resamples,
// validating each one; an error names the file and the field (e.g. `equity[12].equity`).
import { InputError } from '../core/errors.ts';

export interface BacktestRunData {
  /** Where the run came from, for messages. */
  readonly file: string;
  /** Starting equity: `params.cash` when present, else the first equity point. */
  readonly startEquity: number;
  readonly timeMs: Float64Array;
  readonly equity: Float64Array;
  /** Closed trades in file order (the engine lists them by exit). */
  readonly trades: readonly { readonly exitTimeMs: number; readonly pnl: number }[];
  readonly finalValue: number | null;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates the parsed JSON of a backtest run. */
export function parseBacktestRun(raw: unknown, file: string): BacktestRunData {
  const fail = (field: string, message: string): never => {
    throw new InputError(message, { file, field });
  };
  if (!isObj(raw)) return fail('(root)', 'expected a JSON object as written by `sextant backtest --json`');
  const time = (v: unknown, field: string): number => {
    const ms = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isNaN(ms) ? fail(field, `expected an ISO 8601 time, got ${JSON.stringify(v)}`) : ms;
  };
  const finite = (v: unknown, field: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(field, `expected a finite number, got ${JSON.stringify(v)}`));

  const eqRaw = raw.equity;
  if (!Array.isArray(eqRaw)) return fail('equity', 'missing or not an array of { time, equity }');
  if (eqRaw.length === 0) return fail('equity', 'is empty');
  const n = eqRaw.length;
  const timeMs = new Float64Array(n);
  const equity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p: unknown = eqRaw[i];
    if (!isObj(p)) return fail(`equity[${i}]`, 'expected { time, equity }');
    timeMs[i] = time(p.time, `equity[${i}].time`);
    if (i > 0 && timeMs[i]! < timeMs[i - 1]!) fail(`equity[${i}].time`, 'times must be ascending');
    const e = finite(p.equity, `equity[${i}].equity`);
    if (!(e > 0)) fail(`equity[${i}].equity`, `equity must be positive to form returns, got ${e} (the run was ruined here)`);
    equity[i] = e;
  }

  const trRaw = raw.trades;
  if (!Array.isArray(trRaw)) return fail('trades', 'missing or not an array');
  const trades = trRaw.map((t: unknown, i) => {
    if (!isObj(t)) return fail(`trades[${i}]`, 'expected a trade object');
    return { exitTimeMs: time(t.exitTime, `trades[${i}].exitTime`), pnl: finite(t.pnl, `trades[${i}].pnl`) };
  });

  let startEquity = equity[0]!;
  const params = raw.params;
  if (params !== undefined) {
    if (!isObj(params)) return fail('params', 'expected an object');
    if (params.cash !== undefined) {
      const cash = finite(params.cash, 'params.cash');
      if (!(cash > 0)) fail('params.cash', `must be positive, got ${cash}`);
      startEquity = cash;
    }
  }
  const finalValue = raw.finalValue === undefined ? null : finite(raw.finalValue, 'finalValue');
  return { file, startEquity, timeMs, equity, trades, finalValue };
}
