// Each bot's strategies with the parameters they run with, and for traders a form to change them (where the
// bot allows it: bot-params.ts).
import { Link } from 'react-router';
import { useState } from 'react';
import type { Bot, StrategyInfo } from '../../api/types';
import { Badge, Button, Card, Table, Td } from '../../components/ui';
import { schemaFields } from '../../lib/json-schema';
import { botParams, botStrategies, lockedFields, takes } from './bot-params';
import { ChangeParamsForm } from './ChangeParamsForm';

function paramText(strategy: StrategyInfo | undefined, params: Record<string, unknown>): string {
  const own = Object.entries(params).filter(([k]) => takes(strategy, k));
  return own.length === 0 ? 'defaults' : own.map(([k, v]) => `${k} = ${String(v)}`).join(', ');
}

/** Whether a strategy of the bot has a parameter the bot lets change (one its other strategies all take). */
function changeable(name: string, list: readonly { name: string }[], catalog: ReadonlyMap<string, StrategyInfo>): boolean {
  const fields = schemaFields(catalog.get(name)?.schema);
  const locked = lockedFields(fields, list.map((s) => s.name).filter((n) => n !== name), catalog);
  return fields.some((f) => locked[f.name] === undefined);
}

export function BotStrategies({ bot, catalog, canTrade, onChanged }: { bot: Bot; catalog: ReadonlyMap<string, StrategyInfo>; canTrade: boolean; onChanged(message: string): void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const params = botParams(bot);
  const list = botStrategies(bot);
  return (
    <Card
      title={<Link to={`/bots/${encodeURIComponent(bot.id)}`} className="text-sky-800 hover:underline">{bot.name} <span className="text-slate-500">({bot.id})</span></Link>}
      actions={<span data-testid={`bot-state-${bot.id}`}><Badge>{bot.state}</Badge></span>}
    >
      <div data-testid={`bot-strategies-${bot.id}`}>
        <Table head={['Strategy', 'Allocation', 'Parameters', '']} caption={`Strategies of ${bot.name}`}>
          {list.map((s, i) => (
            <tr key={`${i}-${s.name}`}>
              <Td className="font-mono text-xs">{s.name}</Td>
              <Td className="num">{s.allocation === undefined ? 'equal share' : s.allocation.toLocaleString('en-US')}</Td>
              <td className="px-2 py-1.5 text-sm" data-testid={`params-${bot.id}-${s.name}`}>{paramText(catalog.get(s.name), params)}</td>
              <Td>
                {canTrade && editing !== s.name && (catalog.get(s.name)?.params.length ?? 0) > 0 && (changeable(s.name, list, catalog)
                  ? <Button onClick={() => setEditing(s.name)} aria-label={`Change parameters of ${s.name} in ${bot.name}`}>Change</Button>
                  : <span className="text-xs text-slate-500">fixed by the other strategies</span>)}
              </Td>
            </tr>
          ))}
        </Table>
        {editing !== null && catalog.get(editing) !== undefined && (
          <ChangeParamsForm
            key={editing} bot={bot} strategy={catalog.get(editing)!} catalog={catalog} onCancel={() => setEditing(null)}
            onDone={(m) => {
              setEditing(null);
              onChanged(m);
            }}
          />
        )}
      </div>
    </Card>
  );
}
