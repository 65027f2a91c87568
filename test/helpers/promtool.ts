// Runs promtool (Debian package `prometheus`): `check metrics` on a scrape, or any command on files. Where promtool is missing the
// check is skipped with a warning, except under CI=true, where that is a failure.
import { spawnSync } from 'node:child_process';

export const promtoolAvailable: boolean = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

/** Whether a promtool test should run: always under CI (a missing promtool then fails), else when installed. */
export const runPromtoolTests: boolean = promtoolAvailable || process.env.CI === 'true';

if (!runPromtoolTests) console.warn('promtool not found (apt-get install prometheus): skipping `promtool check metrics`');

/** promtool's verdict on a scrape: its exit status and everything it printed (lint problems, parse errors). */
export function promtoolCheck(scrape: string): { status: number | null; output: string } {
  if (!promtoolAvailable) throw new Error('promtool is not installed (Debian package `prometheus`); CI needs it');
  const r = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Runs promtool with `args` in `cwd` (rule and config files are read relative to it). */
export function promtool(args: readonly string[], cwd: string): { status: number | null; output: string } {
  if (!promtoolAvailable) throw new Error('promtool is not installed (Debian package `prometheus`); CI needs it');
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}
