// Strategies: each bot's strategies with their parameters (changed in place where the bot allows it), and the
// built-in strategies with their descriptions and parameter schemas, each addable to a bot through a form
// generated from its schema. Bot states follow the WebSocket's `bots` topic.
import { useMemo, useState } from 'react';
import { api, ok } from '../api/client';
import { useSession } from '../api/session';
import { ErrorNote, PageTitle } from '../components/ui';
import { useApi, useLive } from '../lib/hooks';
import { BotStrategies } from './strategies/BotStrategies';
import { StrategyCatalog } from './strategies/StrategyCatalog';

export function StrategiesPage() {
  const { can } = useSession();
  const strategies = useApi(() => ok(api.GET('/api/v1/strategies')), []);
  const bots = useApi(() => ok(api.GET('/api/v1/bots')), []);
  useLive(null, 'bots', () => bots.reload());
  const [done, setDone] = useState<string | null>(null);
  const catalog = useMemo(() => new Map((strategies.data ?? []).map((s) => [s.name, s])), [strategies.data]);
  const changed = (message: string) => {
    setDone(message);
    bots.reload();
  };
  return (
    <>
      <PageTitle>Strategies</PageTitle>
      <p role="status" className={done === null ? 'sr-only' : 'mb-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800'}>{done ?? ''}</p>
      <ErrorNote error={strategies.error ?? bots.error} />
      <section aria-labelledby="bots-strategies" className="mb-6">
        <h2 id="bots-strategies" className="mb-2 text-base font-semibold text-slate-800">Your bots</h2>
        {bots.data?.length === 0 && <p className="text-sm text-slate-600">No bot yet.</p>}
        <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
          {strategies.data !== undefined && bots.data?.map((b) => <BotStrategies key={b.id} bot={b} catalog={catalog} canTrade={can('trade')} onChanged={changed} />)}
        </div>
      </section>
      <section aria-labelledby="catalog">
        <h2 id="catalog" className="mb-1 text-base font-semibold text-slate-800">Built-in strategies</h2>
        <p className="mb-3 text-sm text-slate-600">A bot's parameters go to each of its strategies: a strategy joins a bot when it takes the parameters the bot sets.</p>
        {strategies.data !== undefined && <StrategyCatalog strategies={strategies.data} bots={bots.data ?? []} canTrade={can('trade')} onChanged={changed} />}
      </section>
    </>
  );
}
