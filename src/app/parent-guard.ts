// No orphan under npm/npx: `npm start` and `npx sextant` run the node under a wrapper (npm, then
// usually `sh -c`). If the wrapper is SIGKILLed it cannot pass the signal on, and the node would trade
// on, holding the store's lock. This guard watches the parent (and, when the parent is a shell, the
// shell's parent) and calls `onGone` as soon as one of them has gone (checked every 250 ms).
import { readFileSync } from 'node:fs';
import { isProcessAlive } from '../core/pid.ts';

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'ksh', 'cmd.exe', 'node-gyp']);

/** `[parent pid, command name]` of a process from /proc (Linux); null when unavailable. */
function procStat(pid: number): { ppid: number; comm: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces or parentheses, so cut at the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? { ppid, comm } : null;
  } catch {
    return null;
  }
}


/** True when this process was started by npm or npx (they set npm_command / npm_lifecycle_event). */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
}

/**
 * When to watch: SEXTANT_EXIT_WITH_PARENT=1 always, =0 never, otherwise when started by npm/npx
 * (a node started directly, e.g. by systemd or `nohup`, keeps running when its parent shell ends).
 */
export function shouldWatchParent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SEXTANT_EXIT_WITH_PARENT === '1') return true;
  if (env.SEXTANT_EXIT_WITH_PARENT === '0') return false;
  return startedByNpm(env);
}

export interface ParentGuard {
  /** The processes watched, nearest first. */
  readonly watched: readonly number[];
  stop(): void;
}

/** Calls `onGone` once when the parent (or the wrapper above a shell parent) exits. */
export function watchParent(onGone: (message: string) => void, everyMs = 250): ParentGuard {
  const ppid = process.ppid;
  // Links to check: [pid, the parent it had at start]; this process first.
  const links: [number, number][] = [[process.pid, ppid]];
  const parent = procStat(ppid);
  if (parent !== null && SHELLS.has(parent.comm) && parent.ppid > 1) links.push([ppid, parent.ppid]);
  const gone = (): string | null => {
    if (process.ppid !== ppid || !isProcessAlive(ppid)) return `parent process ${ppid} has gone`;
    for (const [pid, expected] of links.slice(1)) {
      const st = procStat(pid);
      if (st === null || st.ppid !== expected || !isProcessAlive(expected)) return `wrapper process ${expected} (parent of ${pid}) has gone`;
    }
    return null;
  };
  const timer = setInterval(() => {
    const why = gone();
    if (why === null) return;
    clearInterval(timer);
    onGone(why);
  }, everyMs);
  timer.unref();
  return { watched: links.map(([, p]) => p), stop: () => clearInterval(timer) };
}
