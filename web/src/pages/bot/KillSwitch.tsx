// The kill switch: halt the bot, cancel every working order and (by default) flatten every position. The
// user types the bot's id to arm it, so it is never pressed by accident; the node's account of what it did
// (orders canceled, positions flattened at which prices) shows after.
import { useId, useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { Button, Card, ErrorNote, Field, inputClass } from '../../components/ui';

export function KillSwitch({ id, onDone }: { id: string; onDone: () => void }) {
  const uid = useId();
  const [typed, setTyped] = useState('');
  const [flatten, setFlatten] = useState(true);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const armed = typed === id;
  const kill = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!armed) return;
    setBusy(true);
    setFailure(null);
    setNote(null);
    try {
      const r = await ok(api.POST('/api/v1/bots/{id}/kill', { params: { path: { id } }, body: { flatten } }));
      setNote(r.message);
      setTyped('');
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
      onDone();
    }
  };
  return (
    <Card title="Kill switch" className="border-rose-300">
      <form onSubmit={(e) => void kill(e)} className="flex flex-col gap-3" aria-label="Kill switch">
        <p className="text-sm text-slate-700">Halts the bot (no new orders until resumed) and cancels every working order{flatten ? ', then closes every position at market' : ''}.</p>
        <label className="inline-flex items-center gap-2 text-sm">
          <input type="checkbox" checked={flatten} onChange={(e) => setFlatten(e.target.checked)} className="accent-rose-700" />
          Also flatten every position
        </label>
        <Field label={`Type the bot's id (${id}) to confirm`} id={`${uid}-confirm`}>
          <input id={`${uid}-confirm`} className={inputClass} value={typed} autoComplete="off" spellCheck={false} onChange={(e) => setTyped(e.target.value)} />
        </Field>
        <Button type="submit" tone="danger" disabled={!armed || busy}>{busy ? 'Killing…' : flatten ? 'Kill: halt, cancel all, flatten' : 'Kill: halt and cancel all'}</Button>
        <ErrorNote error={failure} />
        {note !== null && <p role="status" className="text-sm text-slate-800" data-testid="kill-result">{note}</p>}
      </form>
    </Card>
  );
}
