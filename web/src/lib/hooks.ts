// Data hooks of the pages: a REST read with reload (and an optional refresh interval), the live topics of the
// WebSocket, and the connection state.
import { useCallback, useEffect, useRef, useState } from 'react';
import { live, type ConnectionState, type IndicatorAsk, type LiveListener, type Topic } from '../api/live';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** Reads once (and again when `deps` change, on reload(), or every `refreshMs`); keeps the last data while reloading. */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[], refreshMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then((d) => {
      if (!live) return;
      setData(d);
      setError(null);
    }, (e: unknown) => live && setError(e)).finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  useEffect(() => {
    if (refreshMs === undefined) return;
    const t = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(t);
  }, [refreshMs]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/** Calls `listener` with each message of a live topic while the component is mounted. */
export function useLive(bot: string | null, topic: Topic, listener: LiveListener, indicators?: readonly IndicatorAsk[]): void {
  const ref = useRef(listener);
  ref.current = listener;
  const indicatorsKey = indicators === undefined ? '' : JSON.stringify(indicators);
  useEffect(() => live.subscribe(bot, topic, (m) => ref.current(m), indicators),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [bot, topic, indicatorsKey]);
}

export function useConnectionState(): ConnectionState {
  const [state, setState] = useState(live.state);
  useEffect(() => live.onState(setState), []);
  return state;
}
