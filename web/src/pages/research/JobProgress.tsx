// A job's state and progress: a badge, and while it runs a progress bar with the engine's message.
import { Badge } from '../../components/ui';
import type { Job } from './types';

const STATE_KIND: Record<Job['state'], string> = { queued: 'connecting', running: 'starting', done: 'running', failed: 'failed', canceled: 'stopped' };

export function JobState({ job }: { job: Job }) {
  return <Badge kind={STATE_KIND[job.state]}>{job.state}</Badge>;
}

export function JobProgress({ job, label }: { job: Job; label: string }) {
  const pct = Math.round(job.progress.fraction * 100);
  const active = job.state === 'queued' || job.state === 'running';
  return (
    <div className="flex min-w-32 flex-col gap-1">
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={`${pct}%: ${job.progress.message}`} className="h-2 w-full overflow-hidden rounded bg-slate-200">
        <div className={`h-full ${job.state === 'failed' ? 'bg-rose-500' : job.state === 'canceled' ? 'bg-slate-400' : 'bg-sky-600'} transition-[width] duration-150`} style={{ width: `${active && pct === 0 ? 2 : pct}%` }} />
      </div>
      <span className="text-xs text-slate-600" data-testid="job-progress">{job.state === 'queued' && job.position > 0 ? `queued, ${job.position} ahead` : job.progress.message}</span>
    </div>
  );
}
