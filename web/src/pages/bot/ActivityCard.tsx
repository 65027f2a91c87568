// What the bot did lately: its newest fills and closed round-trip trades (re-read on each fill event).
import type { Fill, Trade } from '../../api/types';
import { Card, ErrorNote, Table, Td } from '../../components/ui';
import { fmtMoney, fmtNum, fmtSigned, fmtTime, pnlClass } from '../../lib/format';

export function FillsCard({ fills, error }: { fills: readonly Fill[] | undefined; error: unknown }) {
  const rows = fills ?? [];
  return (
    <Card title="Recent fills">
      <ErrorNote error={error} />
      <div data-testid="fills">
        <Table caption="Recent fills, newest first" head={['Time', 'Order', 'Strategy', 'Symbol', 'Side', 'Qty', 'Price', 'Commission']} empty={fills !== undefined && rows.length === 0 && 'No fill yet.'}>
          {rows.map((f) => (
            <tr key={f.fillId}>
              <Td>{fmtTime(f.time)}</Td>
              <Td className="font-mono text-xs">{f.orderId}</Td>
              <Td>{f.strategyId}</Td>
              <Td className="font-medium">{f.symbol}</Td>
              <Td className={f.side === 'buy' ? 'text-emerald-700' : 'text-rose-700'}>{f.side}</Td>
              <Td className="num">{fmtNum(f.qty)}</Td>
              <Td className="num">{fmtNum(f.price)}</Td>
              <Td className="num">{fmtMoney(f.commission)}</Td>
            </tr>
          ))}
        </Table>
      </div>
    </Card>
  );
}

export function TradesCard({ trades, error }: { trades: readonly Trade[] | undefined; error: unknown }) {
  const rows = trades ?? [];
  return (
    <Card title="Closed trades">
      <ErrorNote error={error} />
      <div data-testid="trades">
        <Table caption="Closed round-trip trades, newest first" head={['Exit', 'Symbol', 'Side', 'Qty', 'Entry', 'Exit price', 'PnL']} empty={trades !== undefined && rows.length === 0 && 'No closed trade yet.'}>
          {rows.map((t, i) => (
            <tr key={`${t.exitTime}/${t.symbol}/${i}`}>
              <Td>{fmtTime(t.exitTime)}</Td>
              <Td className="font-medium">{t.symbol}</Td>
              <Td>{t.side}</Td>
              <Td className="num">{fmtNum(t.qty)}</Td>
              <Td className="num">{fmtNum(t.entryPrice)}</Td>
              <Td className="num">{fmtNum(t.exitPrice)}</Td>
              <Td className={`num ${pnlClass(t.pnl)}`}>{fmtSigned(t.pnl)}</Td>
            </tr>
          ))}
        </Table>
      </div>
    </Card>
  );
}
