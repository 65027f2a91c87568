// Open positions per strategy with their last price, value and unrealized PnL (live from the `positions` topic).
import type { Position } from '../../api/types';
import { Card, ErrorNote, Table, Td } from '../../components/ui';
import { fmtMoney, fmtNum, fmtSigned, pnlClass } from '../../lib/format';

export function PositionsCard({ positions, error }: { positions: readonly Position[] | undefined; error: unknown }) {
  const rows = positions ?? [];
  const unrealized = rows.reduce((s, p) => s + (p.unrealizedPnl ?? 0), 0);
  return (
    <Card title={`Positions (${rows.length})`} actions={<span className={`num text-sm ${pnlClass(unrealized)}`}>unrealized {fmtSigned(unrealized)}</span>}>
      <ErrorNote error={error} />
      <div data-testid="positions">
        <Table caption="Open positions" head={['Strategy', 'Symbol', 'Qty', 'Avg price', 'Last', 'Value', 'Unrealized PnL']} empty={positions !== undefined && rows.length === 0 && 'No open position.'}>
          {rows.map((p) => (
            <tr key={`${p.strategyId}/${p.symbol}`}>
              <Td>{p.strategyId}</Td>
              <Td className="font-medium">{p.symbol}</Td>
              <Td className={`num ${p.qty < 0 ? 'text-rose-700' : ''}`}>{fmtNum(p.qty)}</Td>
              <Td className="num">{fmtNum(p.avgPrice, 4)}</Td>
              <Td className="num">{fmtNum(p.lastPrice)}</Td>
              <Td className="num">{fmtMoney(p.qty * (p.lastPrice ?? p.avgPrice))}</Td>
              <Td className={`num ${pnlClass(p.unrealizedPnl)}`}>{fmtSigned(p.unrealizedPnl)}</Td>
            </tr>
          ))}
        </Table>
      </div>
    </Card>
  );
}
