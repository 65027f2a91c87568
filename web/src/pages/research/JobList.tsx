// The server's research jobs, newest first, with live state and progress; each opens its page.
import { Link } from 'react-router';
import { Card, ErrorNote, Table, Td } from '../../components/ui';
import { fmtNum, fmtPct, fmtTime } from '../../lib/format';
import { JobProgress, JobState } from './JobProgress';
import type { Job } from './types';

/** A job's headline: return and Sharpe of a backtest, best score of a search, efficiency of a walk-forward. */
export function headline(job: Job): string {
  const s = job.summary as Record<string, unknown> | null;
  if (s === null) return job.error?.message ?? '';
  const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  if (job.kind === 'backtest') return `return ${fmtPct(n(s.totalReturn))}, Sharpe ${fmtNum(n(s.sharpe), 2)}`;
  if (job.kind === 'optimize') return `best ${String(s.objective)} ${fmtNum(n(s.bestScore), 3)} of ${String(s.evaluated)} sets`;
  const oos = (s.outOfSample ?? {}) as Record<string, unknown>;
  return `OOS return ${fmtPct(n(oos.totalReturn))}, efficiency ${fmtNum(n(s.efficiency), 2)}`;
}

export function JobList({ jobs, error, current }: { jobs: readonly Job[] | undefined; error: unknown; current: string | undefined }) {
  return (
    <Card title="Jobs">
      <ErrorNote error={error} />
      {jobs !== undefined && (
        <Table head={['Job', 'Kind', 'Strategy', 'State', 'Progress', 'Result', 'Submitted']} caption="Research jobs" empty={jobs.length === 0 && 'No job yet: run one with the form.'}>
          {jobs.map((j) => (
            <tr key={j.id} className={j.id === current ? 'bg-sky-50' : undefined} data-testid={`job-${j.id}`}>
              <Td><Link to={`/research/${j.id}`} className="font-mono text-xs text-sky-800 hover:underline" aria-current={j.id === current ? 'page' : undefined}>{j.id}</Link></Td>
              <Td>{j.kind}</Td>
              <Td className="font-mono text-xs">{String(j.request.strategy ?? '')}</Td>
              <Td><JobState job={j} /></Td>
              <Td><JobProgress job={j} label={`Progress of ${j.id}`} /></Td>
              <Td className="text-xs">{headline(j)}</Td>
              <Td className="text-xs text-slate-600">{fmtTime(j.createdMs)}</Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
