// A bot's log (/logs?bot=<id>): strategy errors, risk events and operator commands with the node's answer,
// oldest first, new lines appended live from the `logs` topic. Levels come from the API (error: a strategy
// error, a failed command or the bot's own failure; warn: a breaker trip or a feed event; info: the rest).
// The list follows the newest line until paused; a level filter and a text filter narrow it.
import { useEffect, useRef, useState } from 'react';
import { BotPicker, useBotParam } from '../components/BotPicker';
import { Button, Card, ErrorNote, inputClass, PageTitle } from '../components/ui';
import { fmtTime } from '../lib/format';
import { LEVELS, useLogLines, type Level } from './logs/useLogLines';

const LEVEL_STYLE: Record<Level, string> = {
  info: 'bg-slate-100 text-slate-700',
  warn: 'bg-amber-100 text-amber-900',
  error: 'bg-rose-100 text-rose-800',
};

export function LogsPage() {
  const choice = useBotParam();
  const { lines, error, loading } = useLogLines(choice.botId);
  const [shown, setShown] = useState<Record<Level, boolean>>({ info: true, warn: true, error: true });
  const [text, setText] = useState('');
  const [following, setFollowing] = useState(true);
  const [seenWhenPaused, setSeenWhenPaused] = useState(0);
  const box = useRef<HTMLDivElement>(null);

  const needle = text.trim().toLowerCase();
  const visible = lines.filter((l) => shown[l.level] && (needle === '' || `${l.source} ${l.message}`.toLowerCase().includes(needle)));
  const counts = Object.fromEntries(LEVELS.map((lv) => [lv, lines.filter((l) => l.level === lv).length])) as Record<Level, number>;

  useEffect(() => {
    if (following && box.current !== null) box.current.scrollTop = box.current.scrollHeight;
  }, [following, visible.length]);

  const pause = () => {
    setSeenWhenPaused(lines.length);
    setFollowing(false);
  };
  const newSincePause = following ? 0 : Math.max(0, lines.length - seenWhenPaused);

  return (
    <>
      <PageTitle actions={<BotPicker choice={choice} />}>Logs</PageTitle>
      <ErrorNote error={choice.bots.error ?? error} />
      <Card
        title={<span>Log of {choice.bot?.name ?? choice.botId ?? '—'} <span className="font-normal text-slate-500">({visible.length} of {lines.length} lines)</span></span>}
        actions={following
          ? <Button onClick={pause}>Pause scrolling</Button>
          : <Button tone="primary" onClick={() => setFollowing(true)}>Follow new lines{newSincePause > 0 ? ` (${newSincePause} new)` : ''}</Button>}
      >
        <div className="mb-3 flex flex-wrap items-end gap-4">
          <fieldset className="flex flex-wrap items-center gap-3">
            <legend className="sr-only">Levels shown</legend>
            {LEVELS.map((lv) => (
              <label key={lv} className="flex items-center gap-1.5 text-sm text-slate-700">
                <input type="checkbox" className="h-4 w-4 accent-sky-700" checked={shown[lv]} onChange={(e) => setShown((s) => ({ ...s, [lv]: e.target.checked }))} />
                {lv} <span className="num text-xs text-slate-500">({counts[lv]})</span>
              </label>
            ))}
          </fieldset>
          <div className="flex items-center gap-2">
            <label htmlFor="log-text" className="text-sm text-slate-700">Contains</label>
            <input id="log-text" type="search" className={inputClass} value={text} onChange={(e) => setText(e.target.value)} />
          </div>
        </div>
        <div ref={box} role="log" aria-label="Log lines" tabIndex={0} className="max-h-[65vh] overflow-y-auto rounded-md border border-slate-200 bg-slate-50 font-mono text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
          {visible.length === 0 && (
            <p className="p-3 font-sans text-sm text-slate-500">{loading && lines.length === 0 ? 'Loading…' : lines.length === 0 ? 'No log line yet: operator commands, risk events and strategy errors appear here.' : 'No line matches the filter.'}</p>
          )}
          <ol className="divide-y divide-slate-200">
            {visible.map((l, i) => (
              <li key={`${l.time}-${i}`} data-level={l.level} className="flex flex-wrap gap-x-3 gap-y-0.5 px-3 py-1.5 sm:flex-nowrap">
                <time dateTime={l.time} className="shrink-0 text-slate-500">{fmtTime(l.time)}</time>
                <span className={`shrink-0 rounded px-1.5 font-semibold uppercase ${LEVEL_STYLE[l.level]}`}>{l.level}</span>
                <span className="shrink-0 text-sky-800">{l.source}</span>
                <span className="min-w-0 basis-full break-words text-slate-900 sm:basis-auto">{l.message}</span>
              </li>
            ))}
          </ol>
        </div>
      </Card>
    </>
  );
}
