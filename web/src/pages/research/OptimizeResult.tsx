// A done optimization: the best parameter set and its score, the overfitting figures (the deflated Sharpe
// ratio of the best set, given how many were tried, and the probability of backtest overfitting from CSCV),
// and the best sets.
import { Stat, Table, Td } from '../../components/ui';
import { fmtNum, fmtPct } from '../../lib/format';
import { paramsText, showMetric } from './metrics';
import type { OptimizeReport } from './types';

export function Overfitting({ report }: { report: OptimizeReport }) {
  const d = report.deflatedSharpe;
  const p = report.pbo;
  if (d === null && p === null) return <p className="text-sm text-slate-600">No overfitting figures: too few sets or bars.</p>;
  return (
    <section aria-labelledby="overfitting" className="rounded-md border border-slate-200 p-3">
      <h3 id="overfitting" className="mb-2 text-sm font-semibold text-slate-700">Overfitting</h3>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {d !== null && <Stat label="Deflated Sharpe ratio" value={<span data-testid="dsr">{fmtPct(d.dsr, 1)}</span>} className={d.dsr !== null && d.dsr < 0.95 ? 'text-amber-700' : 'text-emerald-700'} />}
        {d !== null && <Stat label="Best Sharpe / expected max" value={`${fmtNum(d.sharpe, 2)} / ${fmtNum(d.expectedMaxSharpe, 2)}`} />}
        {p !== null && <Stat label="Probability of overfitting (PBO)" value={<span data-testid="pbo">{fmtPct(p.pbo, 1)}</span>} className={p.pbo > 0.5 ? 'text-rose-700' : p.pbo > 0.2 ? 'text-amber-700' : 'text-emerald-700'} />}
        {p !== null && <Stat label="Out-of-sample loss chance" value={fmtPct(p.probOosLoss, 1)} />}
      </div>
      <p className="mt-2 text-xs text-slate-600">
        {d !== null && <>The deflated Sharpe ratio is the probability that the best set's true Sharpe ratio is above what the best of {d.numTrials} tries would show by luck alone (the expected max); below 95% the winner may be luck. </>}
        {p !== null && <>PBO is the share of {p.combinations.toLocaleString('en-US')} in/out-of-sample splits ({p.blocks} blocks) where the in-sample winner ranks at or below the median out of sample; above 50% the search is fitting noise.</>}
      </p>
    </section>
  );
}

export function OptimizeResult({ report }: { report: OptimizeReport }) {
  const best = report.best;
  return (
    <div className="flex flex-col gap-4" data-testid="optimize-result">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Best parameters" value={<span data-testid="best-params">{best === null ? '—' : paramsText(best.params)}</span>} />
        <Stat label={`Best ${report.objective}`} value={fmtNum(best?.score, 3)} />
        <Stat label="Sets evaluated" value={`${report.evaluated}${report.skipped > 0 ? ` (${report.skipped} skipped)` : ''}`} />
        <Stat label="Engine, time" value={`${report.engine}, ${report.seconds.toFixed(1)} s`} />
      </div>
      <Overfitting report={report} />
      <Table head={['#', 'Parameters', report.objective, 'Return', 'Max drawdown', 'Trades']} caption="Best parameter sets">
        {report.trials.slice(0, 15).map((t, i) => (
          <tr key={t.id}>
            <Td className="num">{i + 1}</Td>
            <Td className="font-mono text-xs">{paramsText(t.params)}</Td>
            <Td className="num">{fmtNum(t.score, 3)}</Td>
            <Td className="num">{showMetric('totalReturn', t.metrics.totalReturn)}</Td>
            <Td className="num">{showMetric('maxDrawdown', t.metrics.maxDrawdown)}</Td>
            <Td className="num">{showMetric('tradeCount', t.metrics.tradeCount)}</Td>
          </tr>
        ))}
      </Table>
      {report.trials.length > 15 && <p className="text-xs text-slate-500">The best 15 of {report.trials.length} sets; the result's JSON has every one.</p>}
    </div>
  );
}
