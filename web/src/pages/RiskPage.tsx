// A bot's risk (/risk?bot=<id>): limits and how much of each is used, VaR and CVaR of its book, the stress
// scenarios on its positions, circuit breakers and risk events; its limits edited with the trade scope (the
// API's), the defaults for new bots with the admin scope. Risk events arrive on the `logs` topic and reload
// the state; the report is recomputed every 10 s.
import { useState } from 'react';
import { api, ok } from '../api/client';
import { useSession } from '../api/session';
import type { RiskState } from '../api/types';
import { BotPicker, useBotParam } from '../components/BotPicker';
import { Card, ErrorNote, PageTitle } from '../components/ui';
import { useApi, useLive } from '../lib/hooks';
import { BreakersCard } from './risk/BreakersCard';
import { LimitsForm } from './risk/LimitsForm';
import { LimitsUsage } from './risk/LimitsUsage';
import type { RiskReport } from './risk/types';
import { StressCard, VarCard } from './risk/VarCard';

export function RiskPage() {
  const choice = useBotParam();
  const { can } = useSession();
  const id = choice.botId;
  const [confidence, setConfidence] = useState(0.99);
  const risk = useApi<RiskState | null>(() => (id === null ? Promise.resolve(null) : ok(api.GET('/api/v1/bots/{id}/risk', { params: { path: { id } } }))), [id]);
  const report = useApi<RiskReport | null>(
    () => (id === null ? Promise.resolve(null) : ok(api.GET('/api/v1/bots/{id}/risk/report', { params: { path: { id }, query: { confidence } } }))),
    [id, confidence], 10_000,
  );
  useLive(id, 'logs', (m) => {
    if (m.type === 'gap' || (m.type === 'message' && String((m.data as { source?: unknown }).source).startsWith('risk:'))) risk.reload();
  });
  const reloadAll = () => {
    risk.reload();
    report.reload();
    choice.bots.reload();
  };
  return (
    <>
      <PageTitle actions={<BotPicker choice={choice} />}>Risk</PageTitle>
      <ErrorNote error={choice.bots.error} />
      {choice.bots.data?.length === 0 && <p className="text-sm text-slate-600">No bot yet.</p>}
      {id !== null && (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          <div className="space-y-4">
            <ErrorNote error={report.error} />
            {report.data != null && <LimitsUsage report={report.data} />}
            {report.data == null && report.loading && <p className="text-sm text-slate-500">Computing the risk report…</p>}
            {risk.data != null && <BreakersCard botId={id} risk={risk.data} canTrade={can('trade')} onChange={reloadAll} />}
            <ErrorNote error={risk.error} />
          </div>
          <div className="space-y-4">
            {report.data != null && <VarCard report={report.data} confidence={confidence} onConfidence={setConfidence} />}
            {report.data != null && <StressCard report={report.data} />}
          </div>
          {risk.data != null && (
            <Card title={`Limits of ${choice.bot?.name ?? id}`} className="lg:col-span-2">
              <LimitsForm
                key={`bot-${id}`} idPrefix="bot" config={risk.data.config} canEdit={can(choice.bot?.mode === 'live' ? 'admin' : 'trade')} saveLabel="Save limits"
                note={choice.bot?.state === 'running' ? 'Saving restarts the running bot with the new limits: a graceful stop, then its run resumes (a few seconds without trading).' : 'The bot uses them at its next start.'}
                onSave={async (config) => {
                  await ok(api.PUT('/api/v1/bots/{id}/risk', { params: { path: { id } }, body: { risk: config } }));
                  reloadAll();
                }}
              />
            </Card>
          )}
        </div>
      )}
      {can('admin') && <RiskDefaults />}
    </>
  );
}

/** The risk config a new bot gets when its definition brings none (admin). */
function RiskDefaults() {
  const defaults = useApi(() => ok(api.GET('/api/v1/settings/risk')), []);
  return (
    <Card title="Limits for new bots (server defaults)" className="mt-4">
      <ErrorNote error={defaults.error} />
      {defaults.data !== undefined && (
        <LimitsForm
          idPrefix="defaults" config={defaults.data.risk} canEdit saveLabel="Save defaults"
          note="Given to bots created without a risk config; bots that exist keep theirs."
          onSave={async (config) => {
            await ok(api.PUT('/api/v1/settings/risk', { body: { risk: Object.keys(config).length === 0 ? null : config } }));
            defaults.reload();
          }}
        />
      )}
    </Card>
  );
}
