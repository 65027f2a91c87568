// The default state folder of paper and live runs (their embedded store, status and endpoint files), in a module of
// its own: the supervisor's main thread of `sextant paper` and `sextant live`, `sextant kill` and `sextant status`
// need it without loading paper.ts and the whole engine behind it (half a CPU-second at each of their starts; the
// node's worker thread loads the engine itself).
export const DEFAULT_STATE_DIR = '.sextant';

/**
 * In a state folder while a supervised node's thread cannot answer (a strategy callback stuck, or the node
 * restarting): `{ state, message, pid, writtenMs }`, written by the supervisor for `sextant status`.
 */
export const SUPERVISOR_FILE = 'supervisor.json';
