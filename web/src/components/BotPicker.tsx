// The bot a page is about: `?bot=<id>` in the address (shareable, survives a reload), the first bot when none
// is named, and a labelled select that changes it.
import { useSearchParams } from 'react-router';
import { api, ok } from '../api/client';
import type { Bot } from '../api/types';
import { useApi, useLive, type Loaded } from '../lib/hooks';
import { inputClass } from './ui';

export interface BotChoice {
  readonly bots: Loaded<Bot[]>;
  /** The chosen bot's id: ?bot=, else the first bot; null while loading or when there is no bot. */
  readonly botId: string | null;
  readonly bot: Bot | null;
  setBot(id: string): void;
}

export function useBotParam(): BotChoice {
  const [params, setParams] = useSearchParams();
  const bots = useApi(() => ok(api.GET('/api/v1/bots')), []);
  useLive(null, 'bots', () => bots.reload());
  const asked = params.get('bot');
  const botId = asked ?? bots.data?.[0]?.id ?? null;
  const bot = bots.data?.find((b) => b.id === botId) ?? null;
  const setBot = (id: string) => setParams((p) => {
    const next = new URLSearchParams(p);
    next.set('bot', id);
    return next;
  }, { replace: true });
  return { bots, botId, bot, setBot };
}

export function BotPicker({ choice, id = 'bot-picker' }: { choice: BotChoice; id?: string }) {
  const list = choice.bots.data ?? [];
  const known = choice.botId === null || list.some((b) => b.id === choice.botId);
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">Bot</label>
      <select id={id} className={inputClass} value={choice.botId ?? ''} onChange={(e) => choice.setBot(e.target.value)} disabled={list.length === 0}>
        {!known && choice.botId !== null && <option value={choice.botId}>{choice.botId} (unknown)</option>}
        {list.length === 0 && <option value="">no bot</option>}
        {list.map((b) => <option key={b.id} value={b.id}>{b.name} ({b.id}, {b.state})</option>)}
      </select>
    </div>
  );
}
