// Change the parameters of one strategy of a bot (PUT /bots/:id/params): the form from the strategy's schema
// with the bot's values; parameters the bot's other strategies do not take are fixed (bot-params.ts). A
// running bot is stopped gracefully and started again with them by the server (its run resumes).
import { useMemo, useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { fieldError } from '../../api/problem';
import type { Bot, StrategyInfo } from '../../api/types';
import { SchemaForm } from '../../components/SchemaForm';
import { Button, ErrorNote } from '../../components/ui';
import { initialValues, schemaFields, validateAll } from '../../lib/json-schema';
import { botParams, botStrategies, lockedFields, paramChanges } from './bot-params';

export function ChangeParamsForm({ bot, strategy, catalog, onDone, onCancel }: {
  bot: Bot; strategy: StrategyInfo; catalog: ReadonlyMap<string, StrategyInfo>; onDone(message: string): void; onCancel(): void;
}) {
  const fields = useMemo(() => schemaFields(strategy.schema), [strategy.schema]);
  const current = botParams(bot);
  const others = botStrategies(bot).map((s) => s.name).filter((n) => n !== strategy.name);
  const locked = lockedFields(fields, others, catalog);
  const [values, setValues] = useState(() => initialValues(fields, current));
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const changes = paramChanges(fields, values, current, locked);
  const idPrefix = `params-${bot.id}-${strategy.name}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    if (Object.keys(validateAll(fields, values)).length > 0 || Object.keys(changes).length === 0) return;
    setBusy(true);
    try {
      await ok(api.PUT('/api/v1/bots/{id}/params', { params: { path: { id: bot.id } }, body: { params: changes } }));
      onDone(`${bot.name}: ${Object.entries(changes).map(([k, v]) => `${k} = ${String(v)}`).join(', ')}${bot.state === 'running' ? ' (restarted with them)' : ''}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const allLocked = fields.length > 0 && fields.every((f) => locked[f.name] !== undefined);
  return (
    <form noValidate onSubmit={(e) => void submit(e)} aria-label={`Parameters of ${strategy.name} in ${bot.name}`} className="mt-3 flex flex-col gap-3 rounded-md border border-slate-200 bg-slate-50 p-3">
      <SchemaForm fields={fields} values={values} onChange={(k, v) => setValues((o) => ({ ...o, [k]: v }))} idPrefix={idPrefix} showAll={submitted} serverError={error} locked={locked} disabled={busy} />
      {allLocked && <p className="text-sm text-amber-800">No parameter of {strategy.name} can change in this bot: its other strategies do not take them.</p>}
      {bot.state === 'running' && !allLocked && <p className="text-xs text-slate-600">The bot is running: it stops gracefully and starts again with the new values (its run resumes).</p>}
      {fields.every((f) => fieldError(error, `params.${f.name}`) === null) && <ErrorNote error={error} />}
      {submitted && Object.keys(changes).length === 0 && error === null && !allLocked && <p className="text-sm text-slate-600">Nothing changed.</p>}
      <div className="flex gap-2">
        <Button tone="primary" type="submit" disabled={busy || allLocked}>{busy ? 'Saving…' : 'Save parameters'}</Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
