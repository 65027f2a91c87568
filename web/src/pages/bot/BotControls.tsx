// The operator's commands on a bot: pause (halt new orders; working orders stay) or resume, a graceful stop
// (confirmed), and start when it is stopped. The node's answer (or the API's error) shows beside them.
import { useState } from 'react';
import { api, ok } from '../../api/client';
import type { Bot } from '../../api/types';
import { Button, ErrorNote } from '../../components/ui';
import { ConfirmInline } from './ConfirmInline';

type Command = 'pause' | 'resume' | 'stop' | 'start';

export function BotControls({ bot, halted, canTrade, canStart, onDone }: { bot: Bot; halted: boolean; canTrade: boolean; canStart: boolean; onDone: () => void }) {
  const [busy, setBusy] = useState<Command | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const id = bot.id;
  const run = async (c: Command): Promise<void> => {
    setBusy(c);
    setFailure(null);
    setNote(null);
    const path = { params: { path: { id } } };
    try {
      if (c === 'start') {
        const b = await ok(api.POST('/api/v1/bots/{id}/start', path));
        setNote(`started: ${b.state}`);
      } else {
        const call = c === 'pause' ? api.POST('/api/v1/bots/{id}/pause', path) : c === 'resume' ? api.POST('/api/v1/bots/{id}/resume', path) : api.POST('/api/v1/bots/{id}/stop', path);
        setNote((await ok(call)).message);
      }
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
      onDone();
    }
  };
  if (!canTrade) return <p className="text-sm text-slate-500">Your scope can read this bot, not command it.</p>;
  const running = bot.state === 'running';
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap justify-end gap-2">
        {running && !halted && <Button onClick={() => void run('pause')} disabled={busy !== null}>{busy === 'pause' ? 'Pausing…' : 'Pause'}</Button>}
        {running && halted && <Button tone="primary" onClick={() => void run('resume')} disabled={busy !== null}>{busy === 'resume' ? 'Resuming…' : 'Resume'}</Button>}
        {running && <ConfirmInline label="Stop" confirm="Yes, stop the bot" onConfirm={() => void run('stop')} busy={busy === 'stop'} disabled={busy !== null} />}
        {(bot.state === 'stopped' || bot.state === 'failed') && canStart && <Button tone="primary" onClick={() => void run('start')} disabled={busy !== null}>{busy === 'start' ? 'Starting…' : 'Start'}</Button>}
      </div>
      {note !== null && <p role="status" className="max-w-md text-right text-xs text-slate-600">{note}</p>}
      <ErrorNote error={failure} />
    </div>
  );
}
