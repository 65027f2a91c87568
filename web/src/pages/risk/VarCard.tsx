// Value at risk and expected shortfall of the bot's book (historical, parametric, Monte Carlo) and the
// built-in stress scenarios applied to its positions now.
import { Card, inputClass, Table, Td } from '../../components/ui';
import { fmtMoney, fmtNum, fmtPct, fmtSigned, fmtTime, pnlClass } from '../../lib/format';
import type { RiskReport, VarLine } from './types';

const METHOD: Record<string, string> = { historical: 'Historical', parametric: 'Parametric (normal)', 'monte-carlo': 'Monte Carlo' };

export function VarCard({ report, confidence, onConfidence }: { report: RiskReport; confidence: number; onConfidence(c: number): void }) {
  const lines: VarLine[] = [report.var.historical, report.var.parametric, report.var.monteCarlo];
  return (
    <Card
      title="VaR and CVaR"
      actions={
        <label className="flex items-center gap-2 text-sm text-slate-700">
          Confidence
          <select className={inputClass} value={confidence} onChange={(e) => onConfidence(Number(e.target.value))}>
            <option value={0.9}>90%</option>
            <option value={0.95}>95%</option>
            <option value={0.99}>99%</option>
          </select>
        </label>
      }
    >
      <Table head={['Method', 'VaR', 'VaR % equity', 'CVaR', 'CVaR % equity', 'Samples']} caption={`Value at risk at ${fmtPct(report.confidence, 0)}`}>
        {lines.map((v) => (
          <tr key={v.method} data-testid={`var-${v.method}`}>
            <Td>{METHOD[v.method] ?? v.method}</Td>
            <Td className="num">{fmtMoney(v.var)}</Td>
            <Td className="num">{fmtPct(v.varPct, 3)}</Td>
            <Td className="num">{fmtMoney(v.cvar)}</Td>
            <Td className="num">{fmtPct(v.cvarPct, 3)}</Td>
            <Td className="num">{fmtNum(v.samples, 0)}</Td>
          </tr>
        ))}
      </Table>
      <p className="mt-2 text-xs text-slate-500">
        {fmtPct(report.confidence, 0)} over {report.horizonBars} bar{report.horizonBars === 1 ? '' : 's'}, equity {fmtMoney(report.equity)};
        {' '}{report.returns.observations} returns from {fmtTime(report.returns.from)} to {fmtTime(report.returns.to)} ({report.basis === 'positions' ? "the positions' prices" : 'the equity curve'}).
      </p>
    </Card>
  );
}

/** The shocks a scenario gives the positions; those it leaves alone (source "none") summed up in a word. */
function shocks(positions: RiskReport['stress'][number]['positions']): string {
  if (positions.length === 0) return 'no position';
  const hit = positions.filter((p) => p.shock !== 0);
  if (hit.length === 0) return 'no shock for these assets';
  return hit.map((p) => `${p.symbol} ${fmtPct(p.shock, 1)}`).join(', ') + (hit.length < positions.length ? `; ${positions.length - hit.length} unshocked` : '');
}

export function StressCard({ report }: { report: RiskReport }) {
  return (
    <Card title="Stress scenarios on the positions now">
      <Table head={['Scenario', 'PnL', '% of equity', 'Shocks']} caption="Stress scenarios" empty={report.stress.length === 0 ? 'No scenario.' : false}>
        {report.stress.map((s) => (
          <tr key={s.scenario}>
            <Td>{s.name}</Td>
            <Td className={`num ${pnlClass(s.pnl)}`}>{fmtSigned(s.pnl)}</Td>
            <Td className={`num ${pnlClass(s.pnl)}`}>{fmtPct(s.pnlPctOfEquity)}</Td>
            <td className="min-w-48 px-2 py-1.5 text-xs text-slate-600">{shocks(s.positions)}</td>
          </tr>
        ))}
      </Table>
      {report.notes.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-xs text-slate-500">
          {report.notes.map((n) => <li key={n}>{n}</li>)}
        </ul>
      )}
    </Card>
  );
}
