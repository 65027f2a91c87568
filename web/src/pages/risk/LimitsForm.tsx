// Edits the main limits of a risk config `{ checks, breakers }` (docs/risk.md) and keeps every other key as
// it is. A field left empty takes the server's default (a breaker: none), "off" switches a check off. Values
// go to the server as typed: its checks decide, and its error is shown next to the field it names.
import { useState, type FormEvent } from 'react';
import { ApiError, fieldError } from '../../api/problem';
import { Button, ErrorNote, Field, inputClass } from '../../components/ui';
import type { RiskConfig } from './types';

type CheckKey = 'maxPositionPct' | 'maxSectorPct' | 'maxGrossLeverage' | 'maxOrderNotional' | 'maxOpenOrders' | 'priceCollarPct';
type BreakerKey = 'dailyLoss' | 'maxDrawdown';

const CHECKS: readonly (readonly [CheckKey, string])[] = [
  ['maxPositionPct', 'Max position (% of equity)'],
  ['maxSectorPct', 'Max sector exposure (% of equity)'],
  ['maxGrossLeverage', 'Max gross leverage (× equity)'],
  ['maxOrderNotional', 'Max order notional'],
  ['maxOpenOrders', 'Max open orders'],
  ['priceCollarPct', 'Price collar (% from last price)'],
];
/** Each equity breaker and the one threshold edited here. */
const BREAKERS: readonly (readonly [BreakerKey, string, string])[] = [
  ['dailyLoss', 'maxLossPct', "Daily loss breaker (% of the day's start)"],
  ['maxDrawdown', 'maxDrawdownPct', 'Drawdown breaker (% from the peak)'],
];

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const shown = (v: unknown): string => (v === undefined ? '' : v === null ? 'off' : String(v));
/** A number when it reads as one; otherwise the text itself, for the server to refuse with its reason. */
const typed = (text: string): unknown => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

function initial(config: RiskConfig): Record<string, string> {
  const checks = asObj(config?.checks);
  const breakers = asObj(config?.breakers);
  const v: Record<string, string> = {};
  for (const [k] of CHECKS) v[k] = shown(checks[k]);
  for (const [b, k] of BREAKERS) v[k] = breakers[b] === null || breakers[b] === undefined ? '' : shown(asObj(breakers[b])[k]);
  return v;
}

/** The config with the form's values in place of the edited keys. */
function merged(config: RiskConfig, values: Record<string, string>): Obj {
  const checks: Obj = { ...asObj(config?.checks) };
  for (const [k] of CHECKS) {
    const t = values[k]!.trim();
    if (t === '') delete checks[k];
    else checks[k] = t.toLowerCase() === 'off' ? null : typed(t);
  }
  const breakers: Obj = { ...asObj(config?.breakers) };
  for (const [b, k] of BREAKERS) {
    const t = values[k]!.trim();
    if (t === '' || t.toLowerCase() === 'off') delete breakers[b];
    else breakers[b] = { ...asObj(breakers[b]), [k]: typed(t) };
  }
  const out: Obj = { ...(config ?? {}) };
  if (Object.keys(checks).length > 0) out.checks = checks;
  else delete out.checks;
  if (Object.keys(breakers).length > 0) out.breakers = breakers;
  else delete out.breakers;
  return out;
}

export function LimitsForm({ idPrefix, config, canEdit, note, saveLabel, onSave }: {
  idPrefix: string;
  config: RiskConfig;
  canEdit: boolean;
  note: string;
  saveLabel: string;
  /** Stores the new config; throws the API's error. */
  onSave(risk: Obj): Promise<void>;
}) {
  const [values, setValues] = useState(() => initial(config));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const set = (k: string, v: string) => setValues((old) => ({ ...old, [k]: v }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      await onSave(merged(config, values));
      setSaved('Saved.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const keys = [...CHECKS.map(([k]) => k), ...BREAKERS.map(([, k]) => k)];
  const unplaced = error instanceof ApiError && !keys.some((k) => fieldError(error, k) !== null) ? error : null;
  const input = (k: string, label: string) => (
    <Field key={k} label={label} id={`${idPrefix}-${k}`} error={fieldError(error, k)}>
      <input
        id={`${idPrefix}-${k}`} className={inputClass} inputMode="decimal" autoComplete="off" value={values[k] ?? ''} disabled={!canEdit || busy}
        aria-invalid={fieldError(error, k) !== null} aria-describedby={fieldError(error, k) !== null ? `${idPrefix}-${k}-error` : undefined}
        onChange={(e) => set(k, e.target.value)}
      />
    </Field>
  );
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4" aria-label={saveLabel}>
      <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Pre-trade checks (empty: default, off: none)</legend>
        {CHECKS.map(([k, label]) => input(k, label))}
      </fieldset>
      <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Circuit breakers (empty: none)</legend>
        {BREAKERS.map(([, k, label]) => input(k, label))}
      </fieldset>
      <p className="text-xs text-slate-500">{note}</p>
      <ErrorNote error={unplaced ?? (error instanceof ApiError ? null : error)} />
      <div className="flex flex-wrap items-center gap-3">
        <Button tone="primary" type="submit" disabled={!canEdit || busy}>{busy ? 'Saving…' : saveLabel}</Button>
        {saved !== null && <span role="status" className="text-sm text-emerald-700">{saved}</span>}
        {!canEdit && <span className="text-sm text-slate-500">Read only: your scope cannot change these.</span>}
      </div>
    </form>
  );
}
