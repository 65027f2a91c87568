// Add a strategy to a bot (PUT /bots/:id with the bot's definition plus the strategy): pick a stopped bot,
// an optional allocation, and the strategy's parameters from its schema (the bot's values where it sets
// them). A bot's parameters go to each of its strategies, so fields its strategies do not all take are
// fixed, and a bot that sets parameters this strategy does not take cannot get it (bot-params.ts).
import { useMemo, useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { fieldError } from '../../api/problem';
import type { Bot, PutBody, StrategyInfo } from '../../api/types';
import { SchemaForm } from '../../components/SchemaForm';
import { Button, ErrorNote, Field, inputClass } from '../../components/ui';
import { initialValues, schemaFields, validateAll } from '../../lib/json-schema';
import { botParams, botStrategies, lockedFields, paramChanges, paramsNotTaken } from './bot-params';

type BotDefinition = PutBody<'/api/v1/bots/{id}'>;

/** Why a bot cannot take the strategy now, or null. */
function blocker(bot: Bot, strategy: StrategyInfo): string | null {
  if (bot.state !== 'stopped' && bot.state !== 'failed') return `${bot.name} is ${bot.state}: stop it first to change its strategies`;
  const extra = paramsNotTaken(bot, strategy);
  if (extra.length > 0) return `${bot.name} sets ${extra.join(', ')}, which ${strategy.name} does not take (a bot's parameters go to each of its strategies)`;
  return null;
}

export function AddToBotForm({ strategy, bots, catalog, onDone, onCancel }: {
  strategy: StrategyInfo; bots: readonly Bot[]; catalog: ReadonlyMap<string, StrategyInfo>; onDone(message: string): void; onCancel(): void;
}) {
  const fields = useMemo(() => schemaFields(strategy.schema), [strategy.schema]);
  const candidates = bots.filter((b) => !botStrategies(b).some((s) => s.name === strategy.name));
  const [botId, setBotId] = useState(() => (candidates.find((b) => blocker(b, strategy) === null) ?? candidates[0])?.id ?? '');
  const bot = candidates.find((b) => b.id === botId);
  const current = bot === undefined ? {} : botParams(bot);
  const locked = bot === undefined ? {} : lockedFields(fields, botStrategies(bot).map((s) => s.name), catalog);
  const [values, setValues] = useState(() => initialValues(fields, current));
  const [allocation, setAllocation] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const idPrefix = `add-${strategy.name}`;
  const blocked = bot === undefined ? null : blocker(bot, strategy);
  const allocationProblem = allocation.trim() !== '' && !(Number(allocation) > 0) ? 'must be greater than 0' : null;

  const chooseBot = (id: string) => {
    setBotId(id);
    const next = candidates.find((b) => b.id === id);
    setValues(initialValues(fields, next === undefined ? {} : botParams(next)));
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    if (bot === undefined || blocked !== null || allocationProblem !== null || Object.keys(validateAll(fields, values)).length > 0) return;
    const entry = allocation.trim() === '' ? { name: strategy.name } : { name: strategy.name, allocation: Number(allocation) };
    const body = {
      ...bot.config,
      strategies: [...botStrategies(bot), entry],
      params: { ...current, ...paramChanges(fields, values, current, locked) },
    } as BotDefinition;
    setBusy(true);
    try {
      await ok(api.PUT('/api/v1/bots/{id}', { params: { path: { id: bot.id } }, body }));
      onDone(`${strategy.name} added to ${bot.name}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (candidates.length === 0) return <p className="mt-3 text-sm text-slate-600">Every bot runs {strategy.name} already.</p>;
  const placed = fieldError(error, 'allocation') !== null || fields.some((f) => fieldError(error, `params.${f.name}`) !== null);
  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label={`Add ${strategy.name} to a bot`} className="mt-3 flex flex-col gap-3 rounded-md border border-slate-200 bg-slate-50 p-3">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Bot" id={`${idPrefix}-bot`} hint={bot === undefined ? undefined : `${bot.state}; runs ${botStrategies(bot).map((s) => s.name).join(', ')}`}>
          <select id={`${idPrefix}-bot`} value={botId} onChange={(e) => chooseBot(e.target.value)} className={inputClass}>
            {candidates.map((b) => <option key={b.id} value={b.id}>{b.name} ({b.state})</option>)}
          </select>
        </Field>
        <Field label="Allocation" id={`${idPrefix}-allocation`} hint="Money set aside for it; empty: an equal share" error={(submitted || allocation !== '' ? allocationProblem : null) ?? fieldError(error, 'allocation')}>
          <input id={`${idPrefix}-allocation`} type="number" inputMode="decimal" step="any" min={0} value={allocation} onChange={(e) => setAllocation(e.target.value)} className={inputClass} aria-invalid={allocationProblem !== null} />
        </Field>
      </div>
      {blocked !== null && <p className="text-sm text-amber-800" role="note">{blocked}</p>}
      <SchemaForm key={botId} fields={fields} values={values} onChange={(k, v) => setValues((o) => ({ ...o, [k]: v }))} idPrefix={idPrefix} showAll={submitted} serverError={error} locked={locked} disabled={busy || blocked !== null} />
      {!placed && <ErrorNote error={error} />}
      <div className="flex gap-2">
        <Button tone="primary" type="submit" disabled={busy || blocked !== null}>{busy ? 'Adding…' : `Add ${strategy.name}`}</Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
