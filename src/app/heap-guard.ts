// A heap limit per run: the V8 heap is sampled on a timer and after every bar the node processes, and the
// run is stopped with a message naming the limit and its flag, well before V8's own out-of-memory abort or
// the OS kills the process. The size measured is the heap V8 holds (total_heap_size: live objects, garbage
// not yet collected and fragmentation), which is what V8's own limit applies to: V8 aborted at 307 MB of
// live objects in a 424 MB heap under --max-old-space-size=384.
import { getHeapStatistics } from 'node:v8';
import { ConfigError } from '../core/errors.ts';

const MB = 1024 * 1024;

/** V8's hard heap limit of this process in MB (node --max-old-space-size, plus the young generation). */
export function v8HeapLimitMb(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / MB);
}

/**
 * V8's young generation at its largest on 64-bit Node (two 16 MB semi-spaces and the new large-object space):
 * the part of heap_size_limit that is not old space (--max-old-space-size=128 gives a limit of 176 MB).
 */
const YOUNG_GENERATION_MB = 48;

/** The old-space share of V8's limit: what runs out first ("JavaScript heap out of memory"). */
export function v8OldSpaceLimitMb(): number {
  const total = v8HeapLimitMb();
  return total > 2 * YOUNG_GENERATION_MB ? total - YOUNG_GENERATION_MB : Math.floor(total / 2);
}

/**
 * Default limit: 85% of V8's old space, so the guard always speaks first. (85% of the whole limit was above the
 * old space for heaps under about 270 MB: V8 ran out first.)
 */
export function defaultHeapLimitMb(): number {
  return Math.floor(v8OldSpaceLimitMb() * 0.85);
}

/** The limit to use: the flag's value (checked against V8's old space) or the default. */
export function heapLimitMb(flagMb: number | undefined): number {
  if (flagMb === undefined) return defaultHeapLimitMb();
  const old = v8OldSpaceLimitMb();
  if (!(Number.isFinite(flagMb) && flagMb > 0)) throw new ConfigError(`--max-heap-mb must be a positive number of MB, got ${flagMb}`, { field: '--max-heap-mb' });
  if (flagMb >= old) {
    throw new ConfigError(
      `--max-heap-mb ${flagMb} is not below this process's V8 heap limit of ${old} MB (its old space; V8 reports ${v8HeapLimitMb()} MB with the young generation), ` +
        'so V8 would abort first; use a lower value or start node with --max-old-space-size=<MB>',
      { field: '--max-heap-mb' },
    );
  }
  return flagMb;
}

export interface HeapGuard {
  /** Checks now (cheap: reads V8's heap statistics); the node calls it after every bar. */
  check(): void;
  stop(): void;
}

/**
 * Calls `onExceeded` once, with the message, when the heap passes `limitMb`: checked on a timer and whenever
 * `check()` is called. A fast replay can allocate tens of MB between two timer ticks (the loop yields to timers
 * only every few hundred bars), so the node also checks after each bar.
 */
export function watchHeap(limitMb: number, onExceeded: (message: string, usedMb: number) => void, everyMs = 200): HeapGuard {
  let done = false;
  const check = (): void => {
    if (done) return;
    const heap = getHeapStatistics().total_heap_size / MB;
    if (heap <= limitMb) return;
    done = true;
    clearInterval(timer);
    onExceeded(`heap limit reached: the heap holds ${Math.round(heap)} MB, limit ${limitMb} MB (--max-heap-mb); the run was stopped before the process ran out of memory`, heap);
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  return {
    check,
    stop: () => {
      done = true;
      clearInterval(timer);
    },
  };
}
