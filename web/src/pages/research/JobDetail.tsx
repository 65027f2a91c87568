// One job's page: what was asked, its live state and progress (cancel while it waits or runs), its error, and
// once done its result (backtest, optimization or walk-forward) read from the server.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ok } from '../../api/client';
import { useSession } from '../../api/session';
import { Button, Card, ErrorNote } from '../../components/ui';
import { fmtTime } from '../../lib/format';
import { useApi } from '../../lib/hooks';
import { BacktestResult } from './BacktestResult';
import { JobProgress, JobState } from './JobProgress';
import { OptimizeResult } from './OptimizeResult';
import { paramsText } from './metrics';
import type { Job, JobResult, OptimizeReport, WalkForwardReport } from './types';
import { WalkForwardResult } from './WalkForwardResult';

function CancelJob({ job, onCanceled }: { job: Job; onCanceled(j: Job): void }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cancel = async () => {
    try {
      onCanceled(await ok(api.POST('/api/v1/research/jobs/{id}/cancel', { params: { path: { id: job.id } } })));
    } catch (e) {
      setError(e);
    }
    setAsking(false);
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      {!asking && <Button tone="danger" onClick={() => setAsking(true)}>Cancel job</Button>}
      {asking && (
        <>
          <span className="text-sm text-slate-700">Cancel this {job.kind}? Its work so far is lost.</span>
          <Button tone="danger" onClick={() => void cancel()}>Yes, cancel it</Button>
          <Button onClick={() => setAsking(false)}>Keep running</Button>
        </>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

function Result({ job }: { job: Job }) {
  const result = useApi<JobResult>(() => ok(api.GET('/api/v1/research/jobs/{id}/result', { params: { path: { id: job.id } } })), [job.id]);
  if (result.error !== null && result.error !== undefined) return <ErrorNote error={result.error} />;
  const r = result.data;
  if (r === undefined) return <p className="text-sm text-slate-500">Loading the result…</p>;
  if (r.kind === 'backtest') return <BacktestResult report={r.result} jobId={job.id} />;
  if (r.kind === 'optimize') return <OptimizeResult report={r.result as unknown as OptimizeReport} />;
  return <WalkForwardResult report={r.result as unknown as WalkForwardReport} />;
}

export function JobDetail({ jobId, known, onJob }: { jobId: string; known: Job | undefined; onJob(job: Job): void }) {
  const { can } = useSession();
  // A job older than the list's 50 is read on its own; live changes come through the list (use-jobs).
  const single = useApi<Job | null>(() => (known !== undefined ? Promise.resolve(null) : ok(api.GET('/api/v1/research/jobs/{id}', { params: { path: { id: jobId } } }))), [jobId, known === undefined]);
  useEffect(() => {
    if (single.data) onJob(single.data);
  }, [single.data, onJob]);
  const job = known ?? single.data ?? undefined;
  const request = job?.request ?? {};
  return (
    <Card title={<span>Job <span className="font-mono">{jobId}</span></span>} actions={<Link to="/research" className="text-sm text-sky-800 hover:underline">Close</Link>}>
      <div className="flex flex-col gap-3" data-testid="job-detail">
        <ErrorNote error={single.error} />
        {job !== undefined && (
          <>
            <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
              <span className="font-medium">{job.kind}</span>
              <span className="font-mono">{String(request.strategy ?? '')}</span>
              <span className="text-slate-600">{paramsText(request.params as Record<string, unknown> | undefined)}{request.space !== undefined ? `; space ${String(request.space)}` : ''}</span>
              <span data-testid="job-state"><JobState job={job} /></span>
            </div>
            <p className="text-xs text-slate-600">
              Submitted {fmtTime(job.createdMs)} by {job.by}{job.startedMs !== null ? `; started ${fmtTime(job.startedMs)}` : ''}{job.endedMs !== null ? `; ended ${fmtTime(job.endedMs)}` : ''}
              {job.savedRunId !== null ? `; kept as run ${job.savedRunId}` : ''}
            </p>
            {(job.state === 'queued' || job.state === 'running') && (
              <>
                <JobProgress job={job} label={`Progress of job ${job.id}`} />
                {can('trade') && <CancelJob job={job} onCanceled={onJob} />}
              </>
            )}
            {job.error !== null && <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{job.error.message}{job.error.field !== null ? ` (${job.error.field})` : ''}</p>}
            {job.state === 'done' && (job.resultAvailable
              ? <Result job={job} />
              : <p className="text-sm text-slate-600">The server no longer holds this job's full result (it keeps the last 20, until it restarts).{job.savedRunId !== null ? ' Its run is in the history below.' : ''}</p>)}
          </>
        )}
      </div>
    </Card>
  );
}
