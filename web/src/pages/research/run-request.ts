// The research form's state and the job request it makes (pure): the run settings (data, dates, costs,
// sizing), the strategy's params, and for an optimization or walk-forward the search space, one domain per
// searched param (`fast=5:50:5`, `exit=middle|upper`). Each setting is checked as the server would, with the
// message under the field; the server's own errors name `request.<field>` and show there too.
import { numberProblem, paramsOf, validateAll, type FormValues, type SchemaField } from '../../lib/json-schema';
import type { JobKind, JobSubmit } from './types';

export type SearchMode = 'fixed' | 'range' | 'list';
export interface SearchDomain {
  readonly mode: SearchMode;
  readonly lo: string;
  readonly hi: string;
  readonly step: string;
  /** Values separated by | or commas. */
  readonly list: string;
}
export type DataKind = 'synthetic' | 'store' | 'csv';

export interface RunSettings {
  readonly dataKind: DataKind;
  readonly seed: string;
  readonly symbol: string;
  readonly csvPath: string;
  readonly from: string;
  readonly to: string;
  readonly cash: string;
  readonly commission: string;
  readonly slippageBps: string;
  readonly sizeRule: 'pct-cash' | 'pct-equity' | 'qty';
  readonly sizeValue: string;
  readonly fill: 'next-open' | 'close';
  readonly account: 'cash' | 'margin';
  readonly leverage: string;
  readonly save: boolean;
  readonly benchmark: boolean;
  readonly objective: string;
  readonly ddCap: string;
  readonly method: 'grid' | 'random' | 'tpe';
  readonly trials: string;
  readonly constraints: string;
  readonly folds: string;
  readonly trainFraction: string;
  readonly anchored: boolean;
}

export const DEFAULT_SETTINGS: RunSettings = {
  dataKind: 'synthetic', seed: '7', symbol: '', csvPath: '', from: '', to: '', cash: '100000', commission: '0', slippageBps: '0',
  sizeRule: 'pct-cash', sizeValue: '95', fill: 'next-open', account: 'cash', leverage: '1', save: true, benchmark: true,
  objective: 'sharpe', ddCap: '', method: 'grid', trials: '100', constraints: '', folds: '4', trainFraction: '0.75', anchored: false,
};

export const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'total-return', 'cagr', 'final-value'] as const;

/** A first search domain for a param: its default halved to doubled in about five steps (numbers), or every choice. */
export function defaultDomain(f: SchemaField): SearchDomain {
  const empty = { lo: '', hi: '', step: '', list: '' };
  if (f.kind === 'enum') return { ...empty, mode: 'fixed', list: f.options.join('|') };
  if (f.kind === 'boolean') return { ...empty, mode: 'fixed', list: 'true|false' };
  if ((f.kind !== 'integer' && f.kind !== 'number') || typeof f.default !== 'number') return { ...empty, mode: 'fixed' };
  const d = f.default;
  let lo = d / 2;
  let hi = d === 0 ? 1 : d * 2;
  if (f.min !== null && lo < f.min.value) lo = f.min.value + (f.min.exclusive ? (f.kind === 'integer' ? 1 : 0.01) : 0);
  if (f.max !== null && hi > f.max.value) hi = f.max.value - (f.max.exclusive ? (f.kind === 'integer' ? 1 : 0.01) : 0);
  if (f.kind === 'integer') {
    lo = Math.ceil(lo);
    hi = Math.floor(hi);
    return { ...empty, mode: 'fixed', lo: String(lo), hi: String(hi), step: String(Math.max(1, Math.round((hi - lo) / 5))) };
  }
  const step = Number(((hi - lo) / 5).toPrecision(2));
  return { ...empty, mode: 'fixed', lo: String(Number(lo.toPrecision(4))), hi: String(Number(hi.toPrecision(4))), step: String(step) };
}

const listOf = (text: string): string[] => text.split(/[|,]/).map((s) => s.trim()).filter((s) => s !== '');

/** The message of one searched param's domain, or null. */
export function domainProblem(f: SchemaField, d: SearchDomain): string | null {
  if (d.mode === 'fixed') return null;
  if (d.mode === 'list') {
    const values = listOf(d.list);
    if (values.length === 0) return 'give at least one value';
    if (new Set(values).size !== values.length) return 'a value is repeated';
    if (f.kind === 'enum') {
      const bad = values.find((v) => !f.options.includes(v));
      return bad === undefined ? null : `"${bad}" is not one of ${f.options.join(', ')}`;
    }
    if (f.kind === 'integer' || f.kind === 'number') {
      for (const v of values) {
        const n = Number(v);
        if (!Number.isFinite(n)) return `"${v}" is not a number`;
        const p = numberProblem(f, n);
        if (p !== null) return `${v} ${p}`;
      }
    }
    return null;
  }
  const [lo, hi, step] = [Number(d.lo), Number(d.hi), Number(d.step)];
  if (d.lo.trim() === '' || !Number.isFinite(lo)) return 'from must be a number';
  if (d.hi.trim() === '' || !Number.isFinite(hi)) return 'to must be a number';
  const p = numberProblem(f, lo) ?? numberProblem(f, hi);
  if (p !== null) return `from and to ${p.replace(/^must/, 'must each')}`;
  if (hi < lo) return 'to must not be below from';
  if (d.step.trim() !== '' && !(step > 0)) return 'step must be greater than 0';
  if (f.kind === 'integer' && d.step.trim() !== '' && !Number.isInteger(step)) return 'step must be a whole number';
  return null;
}

/** The space text of the searched params (`fast=5:50:5,exit=middle|upper`); '' when none is searched. */
export function spaceOf(fields: readonly SchemaField[], domains: Readonly<Record<string, SearchDomain>>): string {
  return fields.flatMap((f) => {
    const d = domains[f.name];
    if (d === undefined || d.mode === 'fixed') return [];
    if (d.mode === 'list') return [`${f.name}=${listOf(d.list).join('|')}`];
    return [`${f.name}=${d.lo.trim()}:${d.hi.trim()}${d.step.trim() === '' ? '' : `:${d.step.trim()}`}`];
  }).join(',');
}

type Problems = Record<string, string>;

const num = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** Problems of the settings, by request field (`cash`, `size`, `data`, ...). */
export function settingsProblems(kind: JobKind, s: RunSettings): Problems {
  const out: Problems = {};
  const check = (field: string, text: string, ok: (n: number) => boolean, message: string, required = false) => {
    if (text.trim() === '') {
      if (required) out[field] = 'is required';
      return;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) out[field] = 'must be a number';
    else if (!ok(n)) out[field] = message;
  };
  if (s.dataKind === 'synthetic') check('seed', s.seed, (n) => Number.isInteger(n) && n >= 0, 'must be a whole number, 0 or more');
  if (s.dataKind === 'store' && s.symbol === '') out.data = 'choose a stored symbol';
  if (s.dataKind === 'csv' && s.csvPath.trim() === '') out.data = 'give the path of a CSV file on the server';
  if (s.from !== '' && s.to !== '' && s.to < s.from) out.to = 'must not be before from';
  check('cash', s.cash, (n) => n > 0, 'must be greater than 0');
  check('commission', s.commission, (n) => n >= 0 && n < 1, 'must be a fraction of traded value, at least 0 and below 1');
  check('slippageBps', s.slippageBps, (n) => n >= 0 && n <= 10_000, 'must be 0 to 10000 basis points');
  check('size', s.sizeValue, (n) => n > 0 && (s.sizeRule === 'qty' || n <= 100), s.sizeRule === 'qty' ? 'must be greater than 0' : 'must be a percentage above 0, at most 100', true);
  check('leverage', s.leverage, (n) => n >= 1 && n <= 100, 'must be 1 to 100');
  if (kind !== 'backtest') {
    check('ddCap', s.ddCap, (n) => n > 0 && n <= 1, 'must be a fraction above 0, at most 1');
    if (s.method !== 'grid') check('trials', s.trials, (n) => Number.isInteger(n) && n >= 1 && n <= 100_000, 'must be a whole number, 1 to 100000');
  }
  if (kind === 'walkforward') {
    check('folds', s.folds, (n) => Number.isInteger(n) && n >= 1 && n <= 1000, 'must be a whole number, 1 to 1000');
    check('trainFraction', s.trainFraction, (n) => n > 0 && n < 1, 'must be above 0 and below 1');
  }
  return out;
}

export interface FormState {
  readonly kind: JobKind;
  readonly strategy: string;
  readonly fields: readonly SchemaField[];
  readonly values: FormValues;
  readonly domains: Readonly<Record<string, SearchDomain>>;
  readonly settings: RunSettings;
}

/** Every problem of the form: `params.<name>`, `space.<name>`, `space` and the settings' fields. */
export function formProblems(st: FormState): Problems {
  const out: Problems = {};
  const searched = st.kind === 'backtest' ? [] : st.fields.filter((f) => (st.domains[f.name]?.mode ?? 'fixed') !== 'fixed');
  const fixed = st.fields.filter((f) => !searched.includes(f));
  for (const [k, m] of Object.entries(validateAll(fixed, st.values))) out[`params.${k}`] = m;
  for (const f of searched) {
    const p = domainProblem(f, st.domains[f.name]!);
    if (p !== null) out[`space.${f.name}`] = p;
  }
  if (st.kind !== 'backtest' && searched.length === 0) out.space = 'search at least one parameter: choose "range" or "list" for it';
  return { ...out, ...settingsProblems(st.kind, st.settings) };
}

/** The job the form submits (call once formProblems is empty). */
export function jobOf(st: FormState): JobSubmit {
  const s = st.settings;
  const searched = st.kind === 'backtest' ? [] : st.fields.filter((f) => (st.domains[f.name]?.mode ?? 'fixed') !== 'fixed');
  const fixed = st.fields.filter((f) => !searched.includes(f));
  const params = paramsOf(fixed, st.values);
  const data = s.dataKind === 'synthetic' ? `synthetic${s.seed.trim() === '' ? '' : `:${s.seed.trim()}`}` : s.dataKind === 'store' ? `store:${s.symbol}` : `csv:${s.csvPath.trim()}`;
  const base = {
    strategy: st.strategy, data: [data],
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(s.from !== '' ? { from: s.from } : {}), ...(s.to !== '' ? { to: s.to } : {}),
    cash: num(s.cash), commission: num(s.commission), slippageBps: num(s.slippageBps),
    size: `${s.sizeRule}:${s.sizeValue.trim()}`, fill: s.fill, account: s.account, leverage: num(s.leverage),
  };
  if (st.kind === 'backtest') return { kind: 'backtest', request: { ...base, save: s.save, benchmark: s.benchmark } };
  const search = {
    ...base, space: spaceOf(st.fields, st.domains),
    objective: s.ddCap.trim() === '' ? s.objective : `${s.objective}@dd<${s.ddCap.trim()}`,
    method: s.method, ...(s.method === 'grid' ? {} : { trials: num(s.trials) }),
    ...(s.constraints.trim() === '' ? {} : { constraints: s.constraints.split(/[\n;]/).map((c) => c.trim()).filter((c) => c !== '') }),
  };
  if (st.kind === 'optimize') return { kind: 'optimize', request: search };
  return { kind: 'walkforward', request: { ...search, folds: num(s.folds), trainFraction: num(s.trainFraction), anchored: s.anchored } };
}
