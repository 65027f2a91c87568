// Each limit with what the bot uses of it now: gross leverage, each position and sector (% of equity), working
// orders, and the running bot's equity breakers (loss from the day's start, fall from the peak).
import { Card, Table, Td } from '../../components/ui';
import { fmtNum } from '../../lib/format';
import type { LimitLine, RiskReport } from './types';
import { UsageBar } from './UsageBar';

interface Row {
  readonly what: string;
  readonly line: LimitLine;
  readonly unit: '%' | '×' | '';
  /** Why there is no max (a sector left out of the limit). */
  readonly noMax?: string;
}

const show = (v: number | null, unit: Row['unit']): string => (v === null ? '—' : `${fmtNum(v, unit === '' ? 0 : 2)}${unit === '%' ? ' %' : unit}`);

export function LimitsUsage({ report }: { report: RiskReport }) {
  const l = report.limits;
  const rows: Row[] = [
    { what: 'Gross leverage', line: l.grossLeverage, unit: '×' },
    ...l.positions.map((line): Row => ({ what: `Position ${line.name}`, line, unit: '%' })),
    ...l.sectors.map((line): Row => ({ what: `Sector ${line.name}`, line, unit: '%', noMax: 'exempt' })),
    ...(l.openOrders === null ? [] : [{ what: 'Open orders', line: l.openOrders, unit: '' as const }]),
    ...l.breakers.map((line): Row => ({ what: line.name === 'daily-loss' ? "Loss since the day's start" : line.name === 'max-drawdown' ? 'Drawdown from the peak' : line.name, line, unit: '%' })),
  ];
  return (
    <Card title="Limits and their usage">
      <Table head={['Limit', 'Now', 'Max', 'Usage']} caption="Limits and their usage">
        {rows.map((r) => (
          <tr key={r.what} data-testid={`limit-${r.what}`} className={r.line.breached ? 'bg-rose-50' : ''}>
            <Td>{r.what}</Td>
            <Td className="num">{show(r.line.value, r.unit)}</Td>
            <Td className="num">{r.line.max === null ? <span className="text-slate-500">{r.noMax ?? 'off'}</span> : show(r.line.max, r.unit)}</Td>
            <Td><UsageBar usage={r.line.usage} breached={r.line.breached} label={r.what} /></Td>
          </tr>
        ))}
      </Table>
      <p className="mt-2 text-xs text-slate-500">
        Positions and sectors in % of equity ({show(report.equity, '')} as of the last equity point). Open orders and breakers are measured by the running bot.
      </p>
    </Card>
  );
}
