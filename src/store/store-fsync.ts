// An embedded store is flushed to stable storage when it is created and when it closes (PGlite's own file system
// turns PostgreSQL's fsync calls into no-ops): a cleanly closed store survives a power loss or an OS crash.
// SEXTANT_STORE_FSYNC=off skips those flushes, like PostgreSQL's own `fsync = off`: for throwaway stores only (a
// test suite's thousands of temporary stores, a CI machine), where they cost most of a new store's disk writes.
// A process that dies (SIGKILL, out of memory) loses nothing either way: its writes are already with the OS.
import { ConfigError } from '../core/errors.ts';

/** Whether stores flush at creation and close: SEXTANT_STORE_FSYNC unset or "on"; "off" skips; else an error naming it. */
export function storeFsyncFrom(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['SEXTANT_STORE_FSYNC'];
  if (v === undefined || v === '' || v === 'on') return true;
  if (v === 'off') return false;
  throw new ConfigError(`SEXTANT_STORE_FSYNC must be "on" or "off", got "${v}"`);
}
