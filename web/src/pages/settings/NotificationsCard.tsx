// Notification settings: on or off, which events, the Telegram chats allowed to receive them and a webhook.
// Everyone may read them; changing them needs the admin scope.
import { useEffect, useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { GetOk } from '../../api/types';
import { Button, Card, ErrorNote, Field, inputClass } from '../../components/ui';
import { useApi } from '../../lib/hooks';
import { useSubmit } from './useSubmit';

type Notifications = GetOk<'/api/v1/settings/notifications'>;
type EventName = Notifications['events'][number];

const EVENTS: readonly (readonly [EventName, string])[] = [
  ['fill', 'Fills'], ['trade', 'Closed trades'], ['breaker', 'Circuit breaker trips'], ['strategy-error', 'Strategy errors'],
  ['reconciliation', 'Reconciliation differences'], ['venue', 'Venue connection'], ['daily-summary', 'Daily summary'],
];

/** The message for a field or anything under it (`body.telegramChatIds.1`). */
function errorUnder(err: unknown, field: string): string | null {
  if (!(err instanceof ApiError) || err.field === null) return null;
  const f = err.field.replace(/^body\./, '');
  return f === field || f.startsWith(`${field}.`) ? err.message : null;
}

export function NotificationsCard({ canEdit }: { canEdit: boolean }) {
  const loaded = useApi(() => ok(api.GET('/api/v1/settings/notifications')), []);
  const [form, setForm] = useState<Notifications | null>(null);
  const [chats, setChats] = useState('');
  const [webhook, setWebhook] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useSubmit();
  useEffect(() => {
    if (loaded.data === undefined) return;
    setForm(loaded.data);
    setChats(loaded.data.telegramChatIds.join(', '));
    setWebhook(loaded.data.webhookUrl ?? '');
  }, [loaded.data]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (form === null) return;
    setSaved(false);
    const done = await save.run(async () => {
      const body = { ...form, telegramChatIds: chats.split(/[\s,]+/).filter((c) => c !== ''), webhookUrl: webhook.trim() === '' ? null : webhook.trim() };
      await ok(api.PUT('/api/v1/settings/notifications', { body }));
    });
    if (done) {
      setSaved(true);
      loaded.reload();
    }
  };
  const err = save.error;
  const toggle = (ev: EventName, on: boolean) => setForm((f) => f && { ...f, events: on ? [...f.events, ev] : f.events.filter((x) => x !== ev) });
  return (
    <Card title="Notifications">
      <ErrorNote error={loaded.error} />
      {form !== null && (
        <form onSubmit={(e) => void submit(e)} className="space-y-4" aria-label="Notification settings">
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <input type="checkbox" className="h-4 w-4 accent-sky-700" checked={form.enabled} disabled={!canEdit} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
            Send notifications
          </label>
          <fieldset disabled={!canEdit}>
            <legend className="mb-1 text-sm font-medium text-slate-700">Events sent</legend>
            <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
              {EVENTS.map(([ev, text]) => (
                <label key={ev} className="flex items-center gap-2 text-sm text-slate-700">
                  <input type="checkbox" className="h-4 w-4 accent-sky-700" checked={form.events.includes(ev)} onChange={(e) => toggle(ev, e.target.checked)} />
                  {text}
                </label>
              ))}
            </div>
            {errorUnder(err, 'events') !== null && <p role="alert" className="mt-1 text-xs text-rose-700">{errorUnder(err, 'events')}</p>}
          </fieldset>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <Field label="Telegram chat ids" id="notify-chats" hint="comma-separated, e.g. 123456789, -1001234" error={errorUnder(err, 'telegramChatIds')}>
              <input id="notify-chats" className={inputClass} value={chats} disabled={!canEdit} onChange={(e) => setChats(e.target.value)} autoComplete="off" />
            </Field>
            <Field label="Webhook URL" id="notify-webhook" hint="receives each event as JSON; empty: none" error={errorUnder(err, 'webhookUrl')}>
              <input id="notify-webhook" className={inputClass} value={webhook} disabled={!canEdit} onChange={(e) => setWebhook(e.target.value)} autoComplete="off" placeholder="https://…" />
            </Field>
          </div>
          <ErrorNote error={['events', 'telegramChatIds', 'webhookUrl'].some((f) => errorUnder(err, f) !== null) ? null : err} />
          <div className="flex flex-wrap items-center gap-3">
            <Button tone="primary" type="submit" disabled={!canEdit || save.busy}>{save.busy ? 'Saving…' : 'Save notifications'}</Button>
            {saved && <span role="status" className="text-sm text-emerald-700">Saved.</span>}
            {!canEdit && <span className="text-sm text-slate-500">Read only: changing them needs the admin scope.</span>}
          </div>
        </form>
      )}
    </Card>
  );
}
