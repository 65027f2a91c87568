// The built-in strategies: name, description and the parameters of each (type, default, constraints, what it
// does, from its JSON Schema), and for traders a form to add one to a bot.
import { useMemo, useState } from 'react';
import type { Bot, StrategyInfo } from '../../api/types';
import { Button, Card, Table, Td } from '../../components/ui';
import { constraintText, rawOf, schemaFields } from '../../lib/json-schema';
import { AddToBotForm } from './AddToBotForm';

function ParamTable({ strategy }: { strategy: StrategyInfo }) {
  const fields = useMemo(() => schemaFields(strategy.schema), [strategy.schema]);
  if (fields.length === 0) return <p className="text-sm text-slate-500">No parameters.</p>;
  return (
    <Table head={['Parameter', 'Type', 'Default', 'Allowed', 'What it does']} caption={`Parameters of ${strategy.name}`}>
      {fields.map((f) => (
        <tr key={f.name}>
          <Td className="font-mono text-xs">{f.name}</Td>
          <Td>{f.kind === 'enum' ? 'choice' : f.kind === 'text' ? (strategy.params.find((p) => p.name === f.name)?.type ?? 'text') : f.kind}</Td>
          <Td className="num">{f.default === undefined ? '—' : String(rawOf(f, f.default)).slice(0, 40)}</Td>
          <Td>{f.kind === 'enum' ? f.options.join(' | ') : constraintText(f) || '—'}</Td>
          <td className="min-w-64 px-2 py-1.5 text-slate-600">{f.description}</td>
        </tr>
      ))}
    </Table>
  );
}

export function StrategyCatalog({ strategies, bots, canTrade, onChanged }: { strategies: readonly StrategyInfo[]; bots: readonly Bot[]; canTrade: boolean; onChanged(message: string): void }) {
  const [adding, setAdding] = useState<string | null>(null);
  const catalog = useMemo(() => new Map(strategies.map((s) => [s.name, s])), [strategies]);
  return (
    <div className="grid grid-cols-1 items-start gap-3 xl:grid-cols-2">
      {strategies.map((s) => (
        <Card
          key={s.name}
          title={<span className="font-mono">{s.name}</span>}
          actions={canTrade && adding !== s.name ? <Button onClick={() => setAdding(s.name)} aria-label={`Add to a bot (${s.name})`}>Add to a bot</Button> : undefined}
        >
          <div data-testid={`strategy-${s.name}`}>
            <p className="text-sm text-slate-700">{s.description}</p>
            <details className="mt-2">
              <summary className="cursor-pointer text-sm font-medium text-sky-800">Parameters ({s.params.length})</summary>
              <div className="mt-2"><ParamTable strategy={s} /></div>
            </details>
            {adding === s.name && (
              <AddToBotForm
                strategy={s} bots={bots} catalog={catalog} onCancel={() => setAdding(null)}
                onDone={(m) => {
                  setAdding(null);
                  onChanged(m);
                }}
              />
            )}
          </div>
        </Card>
      ))}
    </div>
  );
}
