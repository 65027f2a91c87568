// The research form's run settings: data (synthetic market, a stored symbol, a CSV on the server for
// admins), dates, costs and sizing, and for a search its objective, method and constraints (and folds for a
// walk-forward). Messages come from the form's checks, else the server's error naming `request.<field>`.
import type { ReactNode } from 'react';
import { ApiError } from '../../api/problem';
import { Field, inputClass } from '../../components/ui';
import { OBJECTIVES, type RunSettings } from './run-request';
import type { DataSources, JobKind } from './types';

const box = `${inputClass} w-full`;

/** The server's message when its error names `body.<field>` or a part of it (`body.request.constraints.1`). */
export function serverMessage(err: unknown, field: string): string | null {
  if (!(err instanceof ApiError) || err.field === null) return null;
  return err.field === `body.${field}` || err.field.startsWith(`body.${field}.`) ? err.message : null;
}

export function SettingsFields({ kind, settings: s, onChange, problems, serverError, sources, canAdmin }: {
  kind: JobKind; settings: RunSettings; onChange(patch: Partial<RunSettings>): void; problems: Readonly<Record<string, string>>;
  serverError: unknown; sources: DataSources | undefined; canAdmin: boolean;
}) {
  const msg = (field: string, server = `request.${field}`) => problems[field] ?? serverMessage(serverError, server);
  const text = (field: keyof RunSettings, label: string, hint?: string, type = 'number', error = msg(field as string)): ReactNode => (
    <Field label={label} id={`run-${field}`} hint={hint} error={error}>
      <input
        id={`run-${field}`} type={type} inputMode={type === 'number' ? 'decimal' : undefined} step={type === 'number' ? 'any' : undefined}
        value={s[field] as string} onChange={(e) => onChange({ [field]: e.target.value })} className={box} aria-invalid={error !== null}
      />
    </Field>
  );
  const symbols = sources?.symbols ?? [];
  return (
    <>
      <fieldset className="flex flex-col gap-3">
        <legend className="mb-1 text-sm font-semibold text-slate-700">Data</legend>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Source" id="run-dataKind" error={msg('data')}>
            <select id="run-dataKind" value={s.dataKind} onChange={(e) => onChange({ dataKind: e.target.value as RunSettings['dataKind'] })} className={box}>
              <option value="synthetic">synthetic market</option>
              <option value="store" disabled={symbols.length === 0}>stored symbol{symbols.length === 0 ? ' (none stored)' : ''}</option>
              {canAdmin && <option value="csv">CSV file on the server</option>}
            </select>
          </Field>
          {s.dataKind === 'synthetic' && text('seed', 'Seed', 'The same seed gives the same ten symbols of daily bars')}
          {s.dataKind === 'store' && (
            <Field label="Symbol" id="run-symbol">
              <select id="run-symbol" value={s.symbol} onChange={(e) => onChange({ symbol: e.target.value })} className={box}>
                <option value="">choose…</option>
                {symbols.map((x) => <option key={x.symbol} value={x.symbol}>{x.symbol} ({x.bars} bars)</option>)}
              </select>
            </Field>
          )}
          {s.dataKind === 'csv' && text('csvPath', 'CSV path', 'time, open, high, low, close, volume', 'text', null)}
          {text('from', 'From', 'First day (empty: the data\'s first)', 'date')}
          {text('to', 'To', 'Last day, inclusive', 'date')}
        </div>
      </fieldset>
      <fieldset className="flex flex-col gap-3">
        <legend className="mb-1 text-sm font-semibold text-slate-700">Costs and sizing</legend>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          {text('cash', 'Starting cash')}
          {text('commission', 'Commission', 'Fraction of traded value (0.001 = 0.1%)')}
          {text('slippageBps', 'Slippage (bps)')}
          <Field label="Position size" id="run-sizeValue" error={msg('size')} hint={s.sizeRule === 'qty' ? 'Units per order' : 'Percent of cash or equity per entry'}>
            <div className="flex gap-1.5">
              <select aria-label="Sizing rule" value={s.sizeRule} onChange={(e) => onChange({ sizeRule: e.target.value as RunSettings['sizeRule'] })} className={inputClass}>
                <option value="pct-cash">% of cash</option>
                <option value="pct-equity">% of equity</option>
                <option value="qty">quantity</option>
              </select>
              <input id="run-sizeValue" type="number" inputMode="decimal" step="any" value={s.sizeValue} onChange={(e) => onChange({ sizeValue: e.target.value })} className={`${inputClass} min-w-0 flex-1`} />
            </div>
          </Field>
          <Field label="Fill" id="run-fill">
            <select id="run-fill" value={s.fill} onChange={(e) => onChange({ fill: e.target.value as RunSettings['fill'] })} className={box}>
              <option value="next-open">next bar's open</option>
              <option value="close">signal bar's close</option>
            </select>
          </Field>
          <Field label="Account" id="run-account">
            <select id="run-account" value={s.account} onChange={(e) => onChange({ account: e.target.value as RunSettings['account'] })} className={box}>
              <option value="cash">cash</option>
              <option value="margin">margin</option>
            </select>
          </Field>
          {s.account === 'margin' && text('leverage', 'Leverage')}
        </div>
        {kind === 'backtest' && (
          <div className="flex flex-wrap gap-x-5 gap-y-2 text-sm">
            <label className="flex items-center gap-2"><input type="checkbox" checked={s.save} onChange={(e) => onChange({ save: e.target.checked })} className="h-4 w-4 accent-sky-700" />Keep in the run history (to compare)</label>
            <label className="flex items-center gap-2"><input type="checkbox" checked={s.benchmark} onChange={(e) => onChange({ benchmark: e.target.checked })} className="h-4 w-4 accent-sky-700" />Compare with buy and hold</label>
          </div>
        )}
      </fieldset>
      {kind !== 'backtest' && (
        <fieldset className="flex flex-col gap-3">
          <legend className="mb-1 text-sm font-semibold text-slate-700">Search</legend>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <Field label="Objective" id="run-objective" error={serverMessage(serverError, 'request.objective')}>
              <select id="run-objective" value={s.objective} onChange={(e) => onChange({ objective: e.target.value })} className={box}>
                {OBJECTIVES.map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            </Field>
            {text('ddCap', 'Drawdown cap', 'Optional: score only sets whose max drawdown stays under this fraction', 'number', problems.ddCap ?? null)}
            <Field label="Method" id="run-method">
              <select id="run-method" value={s.method} onChange={(e) => onChange({ method: e.target.value as RunSettings['method'] })} className={box}>
                <option value="grid">grid (every set)</option>
                <option value="random">random</option>
                <option value="tpe">TPE (Bayesian)</option>
              </select>
            </Field>
            {s.method !== 'grid' && text('trials', 'Trials')}
            {kind === 'walkforward' && text('folds', 'Folds')}
            {kind === 'walkforward' && text('trainFraction', 'Training share', 'Of each fold, in (0, 1)')}
          </div>
          <Field label="Constraints" id="run-constraints" hint="One per line, e.g. fast*2<slow" error={serverMessage(serverError, 'request.constraints')}>
            <textarea id="run-constraints" rows={2} value={s.constraints} onChange={(e) => onChange({ constraints: e.target.value })} className={box} />
          </Field>
          {kind === 'walkforward' && (
            <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={s.anchored} onChange={(e) => onChange({ anchored: e.target.checked })} className="h-4 w-4 accent-sky-700" />Anchored (every training window starts at the first bar)</label>
          )}
        </fieldset>
      )}
    </>
  );
}
