// The form that starts a backtest, an optimization or a walk-forward: the kind, a built-in strategy, its
// params from the strategy's JSON Schema (for a search: each param held or searched over a range or list),
// and the run settings. Checked as typed; the server's 400 shows under the field it names. On submit the
// job is queued and the page shows it (`/research/<job id>`).
import { useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, ok } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useSession } from '../../api/session';
import type { StrategyInfo } from '../../api/types';
import { SchemaForm } from '../../components/SchemaForm';
import { Button, Card, ErrorNote, Field, inputClass } from '../../components/ui';
import { initialValues, schemaFields, type FormValues } from '../../lib/json-schema';
import { useApi } from '../../lib/hooks';
import { DEFAULT_SETTINGS, defaultDomain, formProblems, jobOf, type RunSettings, type SearchDomain } from './run-request';
import { SearchDomainInput } from './SearchDomainInput';
import { serverMessage, SettingsFields } from './SettingsFields';
import type { JobKind } from './types';

/** Request fields the form has an input for (params by name, the data source, settings, the space). */
const FORM_FIELDS = /^body\.request\.(strategy|space|params\.[^.]+|data(\.0)?|from|to|cash|commission|slippageBps|size|leverage|objective|trials|folds|trainFraction|constraints(\.\d+)?)$/;

const KINDS: readonly (readonly [JobKind, string])[] = [['backtest', 'Backtest'], ['optimize', 'Optimization'], ['walkforward', 'Walk-forward']];

function domainsFor(strategy: StrategyInfo | undefined): Record<string, SearchDomain> {
  const fields = schemaFields(strategy?.schema);
  const out = Object.fromEntries(fields.map((f) => [f.name, defaultDomain(f)]));
  // A search starts on the first numeric param.
  const first = fields.find((f) => f.kind === 'integer' || f.kind === 'number');
  if (first !== undefined && out[first.name]!.lo !== '') out[first.name] = { ...out[first.name]!, mode: 'range' };
  return out;
}

export function RunForm({ strategies }: { strategies: readonly StrategyInfo[] }) {
  const { can } = useSession();
  const navigate = useNavigate();
  const sources = useApi(() => ok(api.GET('/api/v1/data/sources')), []);
  const [kind, setKind] = useState<JobKind>('backtest');
  const [strategyName, setStrategyName] = useState(strategies.some((s) => s.name === 'sma-cross') ? 'sma-cross' : (strategies[0]?.name ?? ''));
  const strategy = strategies.find((s) => s.name === strategyName);
  const fields = useMemo(() => schemaFields(strategy?.schema), [strategy]);
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [domains, setDomains] = useState<Record<string, SearchDomain>>(() => domainsFor(strategy));
  const [settings, setSettings] = useState<RunSettings>(DEFAULT_SETTINGS);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const state = { kind, strategy: strategyName, fields, values, domains, settings };
  const problems = formProblems(state);
  const shown = (key: string): string | null => (submitted ? (problems[key] ?? null) : null);
  const search = kind !== 'backtest';

  const chooseStrategy = (name: string) => {
    const next = strategies.find((s) => s.name === name);
    setStrategyName(name);
    setValues(initialValues(schemaFields(next?.schema)));
    setDomains(domainsFor(next));
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const job = await ok(api.POST('/api/v1/research/jobs', { body: jobOf(state) }));
      setSubmitted(false);
      void navigate(`/research/${job.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // Messages of searched params come from their domains (the held value is not used).
  const messages = Object.fromEntries(fields.map((f) => {
    const searched = search && (domains[f.name]?.mode ?? 'fixed') !== 'fixed';
    return [f.name, searched ? (problems[`space.${f.name}`] ?? null) : undefined];
  }));
  const settingsProblems = submitted ? problems : Object.fromEntries(Object.entries(problems).filter(([k]) => k === 'to' || k === 'ddCap'));
  // A server error on a field the form shows is shown there; any other above the button.
  const placed = error instanceof ApiError && error.field !== null && FORM_FIELDS.test(error.field);

  return (
    <Card title="New run">
      <form noValidate onSubmit={(e) => void submit(e)} aria-label="New research run" className="flex flex-col gap-4">
        <fieldset>
          <legend className="mb-1 text-sm font-semibold text-slate-700">Kind</legend>
          <div className="flex flex-wrap gap-1 rounded-md bg-slate-100 p-1" role="radiogroup" aria-label="Kind">
            {KINDS.map(([k, label]) => (
              <label key={k} className={`relative flex-1 cursor-pointer rounded px-2 py-1 text-center text-sm font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-sky-500 ${kind === k ? 'bg-white text-sky-800 shadow-sm' : 'text-slate-600'}`}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} className="sr-only" />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <Field label="Strategy" id="run-strategy" hint={strategy?.description} error={serverMessage(error, 'request.strategy')}>
          <select id="run-strategy" value={strategyName} onChange={(e) => chooseStrategy(e.target.value)} className={`${inputClass} w-full`}>
            {strategies.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
          </select>
        </Field>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-semibold text-slate-700">{search ? 'Parameters and search space' : 'Parameters'}</legend>
          {search && <p className="text-xs text-slate-600">Hold a parameter at a value, or search it over a range (from, to, step) or a list of values.</p>}
          <SchemaForm
            key={strategyName} fields={fields} values={values} onChange={(k, v) => setValues((o) => ({ ...o, [k]: v }))} idPrefix="run-param"
            showAll={submitted} serverError={error} serverField={(n) => `request.params.${n}`} messages={messages} disabled={busy}
            renderInput={search ? (f, input) => (
              <SearchDomainInput field={f} domain={domains[f.name]!} fixedInput={input} idPrefix="run-space" onChange={(d) => setDomains((o) => ({ ...o, [f.name]: d }))} />
            ) : undefined}
          />
          {search && (shown('space') ?? serverMessage(error, 'request.space')) !== null && (
            <p role="alert" className="text-xs text-rose-700">{shown('space') ?? serverMessage(error, 'request.space')}</p>
          )}
        </fieldset>
        <SettingsFields kind={kind} settings={settings} onChange={(p) => setSettings((o) => ({ ...o, ...p }))} problems={settingsProblems} serverError={error} sources={sources.data} canAdmin={can('admin')} />
        {!placed && <ErrorNote error={error} />}
        {submitted && Object.keys(problems).length > 0 && <p className="text-sm text-rose-700">Fix the fields marked above.</p>}
        <Button tone="primary" type="submit" disabled={busy || !can('trade')}>{busy ? 'Submitting…' : `Run ${KINDS.find(([k]) => k === kind)![1].toLowerCase()}`}</Button>
        {!can('trade') && <p className="text-xs text-slate-600">Running jobs needs the trade scope.</p>}
      </form>
    </Card>
  );
}
