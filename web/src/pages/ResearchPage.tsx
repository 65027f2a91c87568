// Research: a form to run a backtest, optimization or walk-forward on the server; the jobs with live progress
// (the WebSocket's `jobs` topic); a job's result (`/research/<job id>`: metrics, equity, the tearsheet, the
// overfitting figures of a search); and the run history with a side-by-side comparison (`?compare=a,b`).
import { useCallback, useEffect } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { api, ok } from '../api/client';
import { ErrorNote, PageTitle } from '../components/ui';
import { useApi } from '../lib/hooks';
import { JobDetail } from './research/JobDetail';
import { JobList } from './research/JobList';
import { RunCompare } from './research/RunCompare';
import { RunForm } from './research/RunForm';
import { RunHistory } from './research/RunHistory';
import type { Job } from './research/types';
import { useJobs } from './research/use-jobs';

export function ResearchPage() {
  const { jobId } = useParams();
  const [search, setSearch] = useSearchParams();
  const comparing = (search.get('compare') ?? '').split(',').filter((x) => x !== '');
  const strategies = useApi(() => ok(api.GET('/api/v1/strategies')), []);
  const runs = useApi(() => ok(api.GET('/api/v1/research/runs', { params: { query: { limit: 100 } } })), []);
  const jobs = useJobs();
  const { onEnded, put } = jobs;
  const reloadRuns = runs.reload;
  // A backtest kept in the warehouse joins the history as soon as it is done.
  useEffect(() => onEnded((j: Job) => {
    if (j.savedRunId !== null) reloadRuns();
  }), [onEnded, reloadRuns]);
  const onJob = useCallback((j: Job) => put(j), [put]);
  const compare = (ids: string[]) => setSearch(ids.length === 0 ? {} : { compare: ids.join(',') });

  return (
    <>
      <PageTitle>Research</PageTitle>
      <ErrorNote error={strategies.error} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,26rem)_minmax(0,1fr)] lg:items-start">
        {jobId !== undefined && (
          <div className="lg:col-start-2 lg:row-start-1">
            <JobDetail key={jobId} jobId={jobId} known={jobs.list?.find((j) => j.id === jobId)} onJob={onJob} />
          </div>
        )}
        <div className="lg:col-start-1 lg:row-span-3 lg:row-start-1">
          {strategies.data !== undefined && <RunForm strategies={strategies.data} />}
        </div>
        {comparing.length > 0 && (
          <div className="lg:col-start-2">
            <RunCompare ids={comparing} onClose={() => compare([])} />
          </div>
        )}
        <div className="flex flex-col gap-4 lg:col-start-2">
          <JobList jobs={jobs.list} error={jobs.error} current={jobId} />
          <RunHistory key={comparing.join(',')} runs={runs.data} error={runs.error} comparing={comparing} onCompare={compare} />
        </div>
      </div>
    </>
  );
}
