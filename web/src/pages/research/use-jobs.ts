// The server's research jobs, kept current: the list read once (and again after a reconnect, since the
// `jobs` topic has no replay), then every change of state or progress from the WebSocket within ~100 ms.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ok } from '../../api/client';
import { useApi, useConnectionState, useLive } from '../../lib/hooks';
import type { Job } from './types';

export interface Jobs {
  readonly list: readonly Job[] | undefined;
  readonly error: unknown;
  /** Called with each job that has just finished (done, failed or canceled). */
  onEnded(listener: (job: Job) => void): () => void;
  /** Adds or replaces a job (one just submitted or read on its own). */
  put(job: Job): void;
}

const ENDED = new Set(['done', 'failed', 'canceled']);

export function useJobs(): Jobs {
  const loaded = useApi(() => ok(api.GET('/api/v1/research/jobs', { params: { query: { limit: 50 } } })), []);
  const [byId, setById] = useState<ReadonlyMap<string, Job>>(new Map());
  const [listeners] = useState(() => new Set<(job: Job) => void>());
  const connection = useConnectionState();

  // The list read is merged with what the socket said meanwhile: a job it saw end stays ended.
  useEffect(() => {
    const read = loaded.data;
    if (read === undefined) return;
    setById((m) => {
      const next = new Map(read.map((j) => [j.id, j]));
      for (const [id, j] of m) if (!next.has(id) || (ENDED.has(j.state) && !ENDED.has(next.get(id)!.state))) next.set(id, j);
      return next;
    });
  }, [loaded.data]);
  // Reconnected: what happened meanwhile is read again.
  const { reload } = loaded;
  const wasOpen = useRef(connection === 'open');
  useEffect(() => {
    if (connection === 'open' && !wasOpen.current) reload();
    wasOpen.current = connection === 'open';
  }, [connection, reload]);

  // A late message cannot take a finished job back to running.
  const put = useCallback((job: Job) => setById((m) => {
    const before = m.get(job.id);
    if (before !== undefined && ENDED.has(before.state) && !ENDED.has(job.state)) return m;
    return new Map(m).set(job.id, job);
  }), []);
  const onEnded = useCallback((l: (job: Job) => void) => {
    listeners.add(l);
    return () => void listeners.delete(l);
  }, [listeners]);
  useLive(null, 'jobs', (m) => {
    if (m.type !== 'message') return;
    const job = m.data as Job;
    put(job);
    if (ENDED.has(job.state)) for (const l of listeners) l(job);
  });

  const list = loaded.data === undefined ? undefined : [...byId.values()].sort((a, b) => b.createdMs - a.createdMs);
  return { list, error: loaded.error, put, onEnded };
}
