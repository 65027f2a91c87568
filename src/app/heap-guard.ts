// A heap limit per run: the V8 heap is sampled on a timer (replays yield to timers every few hundred
// bars) and the run is stopped with a message naming the limit and its flag, well before V8's own
// out-of-memory abort or the OS kills the process. The size measured is the heap V8 holds (total_heap_size:
// live objects, garbage not yet collected and fragmentation), which is what V8's own limit applies to:
// V8 aborted at 307 MB of live objects in a 424 MB heap under --max-old-space-size=384.
import { getHeapStatistics } from 'node:v8';
import { ConfigError } from '../core/errors.ts';

const MB = 1024 * 1024;

/** V8's hard heap limit of this process in MB (set by node --max-old-space-size). */
export function v8HeapLimitMb(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / MB);
}

/** Default limit: 85% of V8's own, so the guard always speaks first. */
export function defaultHeapLimitMb(): number {
  return Math.floor(v8HeapLimitMb() * 0.85);
}

/** The limit to use: the flag's value (checked against V8's limit) or the default. */
export function heapLimitMb(flagMb: number | undefined): number {
  if (flagMb === undefined) return defaultHeapLimitMb();
  const v8 = v8HeapLimitMb();
  if (!(Number.isFinite(flagMb) && flagMb > 0)) throw new ConfigError(`--max-heap-mb must be a positive number of MB, got ${flagMb}`, { field: '--max-heap-mb' });
  if (flagMb >= v8) throw new ConfigError(`--max-heap-mb ${flagMb} is not below this process's V8 heap limit of ${v8} MB, so V8 would abort first; use a lower value or start node with --max-old-space-size=<MB>`, { field: '--max-heap-mb' });
  return flagMb;
}

export interface HeapGuard {
  stop(): void;
}

/** Calls `onExceeded` once, with the message, when the heap passes `limitMb`. */
export function watchHeap(limitMb: number, onExceeded: (message: string, usedMb: number) => void, everyMs = 200): HeapGuard {
  const timer = setInterval(() => {
    const heap = getHeapStatistics().total_heap_size / MB;
    if (heap <= limitMb) return;
    clearInterval(timer);
    onExceeded(`heap limit reached: the heap holds ${Math.round(heap)} MB, limit ${limitMb} MB (--max-heap-mb); the run was stopped before the process ran out of memory`, heap);
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
