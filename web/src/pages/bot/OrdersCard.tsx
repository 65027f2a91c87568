// The bot's working orders, re-read on each order event: cancel one, or cancel all (confirmed), for users who
// may trade. What the node answered (its own account of what it canceled) shows under the table.
import { useState } from 'react';
import { api, ok } from '../../api/client';
import type { Order } from '../../api/types';
import { Button, Card, ErrorNote, Table, Td } from '../../components/ui';
import { fmtNum } from '../../lib/format';
import { ConfirmInline } from './ConfirmInline';

export function OrdersCard({ id, orders, error, canTrade, running, onChanged }: {
  id: string; orders: readonly Order[] | undefined; error: unknown; canTrade: boolean; running: boolean; onChanged: () => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const rows = orders ?? [];
  const act = async (what: string, call: () => Promise<string>): Promise<void> => {
    setBusy(what);
    setFailure(null);
    setNote(null);
    try {
      setNote(await call());
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
      onChanged();
    }
  };
  const cancelOne = (orderId: string) => act(orderId, async () => {
    const r = await ok(api.DELETE('/api/v1/bots/{id}/orders/{orderId}', { params: { path: { id, orderId } } }));
    return `Order ${r.orderId}: cancel sent (${r.status}).`;
  });
  const cancelAll = () => act('all', async () => {
    const r = await ok(api.DELETE('/api/v1/bots/{id}/orders', { params: { path: { id } } }));
    return r.message;
  });
  const canCancel = canTrade && running;
  return (
    <Card
      title={`Open orders (${rows.length})`}
      actions={canCancel ? <ConfirmInline label="Cancel all" confirm={`Yes, cancel ${rows.length === 1 ? 'the order' : `all ${rows.length}`}`} onConfirm={() => void cancelAll()} disabled={rows.length === 0} busy={busy === 'all'} /> : undefined}
    >
      <div data-testid="open-orders">
        <ErrorNote error={error ?? failure} />
        <Table caption="Working orders" head={['Order', 'Strategy', 'Symbol', 'Side', 'Type', 'Qty', 'Filled', 'Limit', 'Stop', 'Status', 'Tag', ...(canCancel ? [''] : [])]} empty={orders !== undefined && rows.length === 0 && 'No working order.'}>
          {rows.map((o) => (
            <tr key={o.clientOrderId}>
              <Td className="font-mono text-xs">{o.clientOrderId}</Td>
              <Td>{o.strategyId}</Td>
              <Td className="font-medium">{o.symbol}</Td>
              <Td className={o.side === 'buy' ? 'text-emerald-700' : 'text-rose-700'}>{o.side}</Td>
              <Td>{o.type}</Td>
              <Td className="num">{fmtNum(o.qty)}</Td>
              <Td className="num">{fmtNum(o.filledQty)}</Td>
              <Td className="num">{fmtNum(o.limitPrice)}</Td>
              <Td className="num">{fmtNum(o.stopPrice)}</Td>
              <Td>{o.status}</Td>
              <Td>{o.tag ?? ''}</Td>
              {canCancel && (
                <Td>
                  <Button onClick={() => void cancelOne(o.clientOrderId)} disabled={busy !== null} aria-label={`Cancel order ${o.clientOrderId}`}>Cancel</Button>
                </Td>
              )}
            </tr>
          ))}
        </Table>
        {note !== null && <p role="status" className="mt-2 text-sm text-slate-700">{note}</p>}
      </div>
    </Card>
  );
}
