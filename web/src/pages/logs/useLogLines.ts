// A bot's log as one list: the stored lines (REST) followed by those the `logs` topic pushes after them.
// The topic is subscribed before the store is read. A line pushed before the read was sent is in what it
// returns; one pushed after the answer came is not; one pushed while the read was under way may be in both:
// it is that stored line when a stored one has its source and message within 5 s. A gap (missed messages,
// a restart) or a socket that (re)opens reads the store again.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ok } from '../../api/client';
import type { LogLine } from '../../api/types';
import { useApi, useConnectionState, useLive } from '../../lib/hooks';

export type Level = LogLine['level'];
export const LEVELS: readonly Level[] = ['info', 'warn', 'error'];
/** The most lines kept on the page. */
const KEEP = 2000;

interface Pushed {
  readonly line: LogLine;
  /** When it arrived (the page's clock, as the read's times below). */
  readonly arrivedMs: number;
}
interface Stored {
  readonly lines: LogLine[];
  readonly sentMs: number;
  readonly answeredMs: number;
}

const same = (a: LogLine, b: LogLine): boolean =>
  a.source === b.source && a.message === b.message && Math.abs(Date.parse(a.time) - Date.parse(b.time)) <= 5000;

export function useLogLines(botId: string | null): { lines: LogLine[]; error: unknown; loading: boolean } {
  const [pushed, setPushed] = useState<Pushed[]>([]);
  const reloadRef = useRef<() => void>(() => undefined);
  const onMessage = useCallback((m: Parameters<Parameters<typeof useLive>[2]>[0]) => {
    if (m.type === 'gap') {
      reloadRef.current();
      return;
    }
    const d = m.data as Partial<LogLine>;
    if (typeof d.message !== 'string' || typeof d.source !== 'string') return;
    const line: LogLine = { time: m.time, level: LEVELS.includes(d.level as Level) ? (d.level as Level) : 'info', source: d.source, message: d.message };
    setPushed((old) => [...old, { line, arrivedMs: Date.now() }].slice(-KEEP));
  }, []);
  // Subscribed before the read below is sent (effects run in order), so a line is in one or the other.
  useLive(botId, 'logs', onMessage);
  const stored = useApi<Stored>(async () => {
    const sentMs = Date.now();
    const lines = botId === null ? [] : await ok(api.GET('/api/v1/bots/{id}/logs', { params: { path: { id: botId }, query: { limit: 1000 } } }));
    return { lines, sentMs, answeredMs: Date.now() };
  }, [botId]);
  reloadRef.current = stored.reload;
  useEffect(() => setPushed([]), [botId]);
  // The socket (re)opened: it subscribes again first, then the store is read again for what came meanwhile.
  const connection = useConnectionState();
  const before = useRef(connection);
  useEffect(() => {
    if (connection === 'open' && before.current !== 'open') reloadRef.current();
    before.current = connection;
  }, [connection]);
  const s = stored.data;
  const base = s?.lines ?? [];
  const fresh = s === undefined ? [] : pushed
    .filter((p) => p.arrivedMs >= s.answeredMs || (p.arrivedMs >= s.sentMs && !base.some((b) => same(b, p.line))))
    .map((p) => p.line);
  return { lines: [...base, ...fresh].slice(-KEEP), error: stored.error, loading: stored.loading };
}
