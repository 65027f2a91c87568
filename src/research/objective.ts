// Objectives: what an optimizer maximizes. A score of null marks a trial that is evaluated but not
// acceptable (an undefined ratio, or a drawdown above the cap); it ranks below every scored trial.
import { ConfigError } from '../core/errors.ts';
import type { TrialMetrics } from './types.ts';

export interface Objective {
  readonly name: string;
  score(m: TrialMetrics): number | null;
}

type MetricName = 'sharpe' | 'sortino' | 'calmar' | 'total-return' | 'cagr' | 'final-value';

const METRICS: Record<MetricName, (m: TrialMetrics) => number | null> = {
  sharpe: (m) => m.sharpe,
  sortino: (m) => m.sortino,
  calmar: (m) => m.calmar,
  'total-return': (m) => m.totalReturn,
  cagr: (m) => m.cagr,
  'final-value': (m) => m.finalValue,
};
/** Short names accepted before `@dd<…`. */
const ALIASES: Record<string, MetricName> = { return: 'total-return', 'total-return': 'total-return' };

function finite(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}

/** A built-in metric as an objective. */
export function metricObjective(name: MetricName): Objective {
  const get = METRICS[name];
  return { name, score: (m) => finite(get(m)) };
}

/** `metric` where the max drawdown stays below `cap` (a fraction); null otherwise. */
export function drawdownCapped(inner: Objective, cap: number): Objective {
  if (!(cap > 0 && cap <= 1)) throw new ConfigError(`drawdown cap must be in (0, 1], got ${cap}`, { field: '--objective' });
  return {
    name: `${inner.name}@dd<${cap}`,
    score: (m) => (m.maxDrawdown !== null && -m.maxDrawdown < cap ? inner.score(m) : null),
  };
}

/** A custom objective from a function (API use). */
export function customObjective(name: string, fn: (m: TrialMetrics) => number | null): Objective {
  return { name, score: (m) => finite(fn(m)) };
}

export const OBJECTIVE_NAMES = [...Object.keys(METRICS), '<metric>@dd<cap (e.g. return@dd<0.2)'];

/** `sharpe`, `sortino`, `calmar`, `total-return`, `cagr`, `final-value`, or `<metric>@dd<cap`. */
export function parseObjective(text: string): Objective {
  const t = text.trim().toLowerCase();
  const at = t.indexOf('@');
  const base = at < 0 ? t : t.slice(0, at);
  const metric = (METRICS as Record<string, unknown>)[base] !== undefined ? (base as MetricName) : ALIASES[base];
  if (metric === undefined) throw new ConfigError(`unknown objective "${text}"; use ${OBJECTIVE_NAMES.join(', ')}`, { field: '--objective' });
  const inner = metricObjective(metric);
  if (at < 0) return inner;
  const m = /^dd<(0?\.\d+|1(\.0*)?|0)$/.exec(t.slice(at + 1));
  if (m === null) throw new ConfigError(`bad constraint "${t.slice(at + 1)}" in "${text}": expected dd<fraction, e.g. return@dd<0.2`, { field: '--objective' });
  return drawdownCapped(inner, Number(m[1]));
}
