// How much of a limit is used: a bar (green, amber from 80%, red past the limit) with the figure in text.
import { fmtPct } from '../../lib/format';

export function UsageBar({ usage, breached, label }: { usage: number | null; breached: boolean; label: string }) {
  if (usage === null) return <span className="text-xs text-slate-500">no limit</span>;
  const colour = breached ? 'bg-rose-600' : usage >= 0.8 ? 'bg-amber-500' : 'bg-emerald-600';
  return (
    <div className="flex items-center gap-2">
      <div className="h-2 w-14 overflow-hidden sm:w-24 rounded bg-slate-200" role="meter" aria-label={`${label} usage`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(usage * 100)}>
        <div className={`h-full ${colour}`} style={{ width: `${Math.min(usage, 1) * 100}%` }} />
      </div>
      <span className={`num text-xs ${breached ? 'font-semibold text-rose-700' : 'text-slate-700'}`}>{fmtPct(usage, 0)}</span>
    </div>
  );
}
