// Finds the running node of a run from another process and returns its NodeHandle, or says exactly why there
// is none ("no running node for run X", a ConfigError: exit 2). Embedded store: the endpoint file in the state
// folder (a stale one, left by a killed process, is detected and removed). Postgres: the node of the state
// folder on this machine through its endpoint when it trades the run on the same database (its supervisor answers
// while strategy code is stuck), else the run's live owner (its advisory lock), so a request never waits in the
// store for a node that is not there.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { openStore, resolveStoreTarget } from '../store/open.ts';
import { redactUrl } from '../store/redact.ts';
import { LOCK_FILE } from '../store/safety.ts';
import { ENDPOINT_FILE, EndpointFileSchema, type EndpointFile } from './control-endpoint.ts';
import type { NodeHandle } from './node-handle.ts';
import { DEFAULT_STATE_DIR } from './state-dir.ts';
import { HttpNodeHandle, StoreNodeHandle } from './remote-node-handle.ts';
import { isProcessAlive } from '../core/pid.ts';

export interface ConnectOptions {
  /** The state folder of the paper process (its embedded store, status and endpoint file). */
  readonly stateDir?: string;
  /** The run whose node is wanted (default: the one running node). */
  readonly runId?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly requester?: string;
}


/** The live process holding the embedded store's lock file, or null. */
function lockHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Removes the endpoint file only if it is still the one read (same token): a process started meanwhile has written its own. */
function removeIfSame(file: string, token: string): void {
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as { token?: unknown }).token === token) rmSync(file, { force: true });
  } catch {
    // gone already, or unreadable: leave it
  }
}

const forRun = (runId: string | undefined): string => (runId === undefined ? '' : ` for run "${runId}"`);

export async function connectNode(opts: ConnectOptions = {}): Promise<NodeHandle> {
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  const target = resolveStoreTarget({ dir: join(stateDir, 'db'), env: opts.env });
  if (target.kind === 'postgres') return (await nodeHere(stateDir, opts, redactUrl(target.url))) ?? connectOverStore(opts);
  return connectLocal(stateDir, opts);
}

/**
 * Postgres: the node serving the state folder's endpoint, when it runs on this machine and trades the run asked for
 * (or, without a run, its own) on the same database; else null, and the store's way is taken. Through the endpoint
 * its supervisor answers while strategy code is stuck (a row in the store would expire untaken); the command is
 * recorded in the store all the same, by the node. Nothing is removed here: a stale file is the folder's own business.
 */
async function nodeHere(stateDir: string, opts: ConnectOptions, database: string): Promise<NodeHandle | null> {
  let ep: EndpointFile;
  try {
    ep = EndpointFileSchema.parse(JSON.parse(readFileSync(join(stateDir, ENDPOINT_FILE), 'utf8')));
  } catch {
    return null;
  }
  if (ep.host !== hostname() || ep.store !== database || !isProcessAlive(ep.pid) || (opts.runId !== undefined && opts.runId !== ep.runId)) return null;
  const handle = new HttpNodeHandle(ep, opts.requester);
  const s = await handle.status().catch(() => null);
  if (s !== null && s.node?.pid === ep.pid && s.runId === ep.runId) return handle;
  await handle.close();
  return null;
}

async function connectLocal(stateDir: string, opts: ConnectOptions): Promise<NodeHandle> {
  const run = forRun(opts.runId);
  if (!existsSync(stateDir)) throw new ConfigError(`no running node${run}: ${stateDir} does not exist (no paper run uses it; is the folder name right?)`, { field: 'stateDir' });
  const file = join(stateDir, ENDPOINT_FILE);
  if (!existsSync(file)) {
    const holder = lockHolder(join(stateDir, 'db', LOCK_FILE));
    if (holder !== null) {
      throw new ConfigError(`no running node${run} in ${stateDir} yet: its store is open in process ${holder}, which serves no control endpoint (starting up or stopping); try again in a few seconds`, { field: 'stateDir' });
    }
    const what = existsSync(join(stateDir, 'db')) ? 'its store is not open in any paper process' : 'it holds no store';
    throw new ConfigError(`no running node${run} in ${stateDir}: ${what}`, { field: 'stateDir' });
  }
  let ep: EndpointFile;
  try {
    ep = EndpointFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    rmSync(file, { force: true });
    throw new ConfigError(`no running node${run} in ${stateDir}: its endpoint file ${file} was unreadable (removed)`, { field: 'stateDir' });
  }
  if (ep.host !== hostname()) throw new ConfigError(`the node of run "${ep.runId}" in ${stateDir} runs on host ${ep.host}, not here (${hostname()}): send the command from there`, { field: 'stateDir' });
  const stale = (why: string): ConfigError => {
    removeIfSame(file, ep.token);
    return new ConfigError(`no running node${forRun(opts.runId ?? ep.runId)} in ${stateDir}: ${why}; removed its stale endpoint file`, { field: 'stateDir' });
  };
  if (!isProcessAlive(ep.pid)) throw stale(`the process that served it (pid ${ep.pid}) has ended (killed or crashed)`);
  if (opts.runId !== undefined && opts.runId !== ep.runId) {
    throw new ConfigError(`no running node for run "${opts.runId}" in ${stateDir}: the paper process there (pid ${ep.pid}) trades run "${ep.runId}"`, { field: 'runId' });
  }
  const handle = new HttpNodeHandle(ep, opts.requester);
  try {
    const s = await handle.status();
    if (s.node?.pid !== ep.pid) throw stale(`another process answers on its port (pid ${s.node?.pid ?? '?'}, not ${ep.pid})`);
  } catch (e) {
    // Nothing listens (the pid was reused by another program) or someone else does: stale. A timeout is not. (A
    // paper process's supervisor serves the endpoint for the process's whole life, through node restarts.)
    if (e instanceof ConfigError && /cannot reach the node|answered 401/.test(e.message)) throw stale(`nothing answers for process ${ep.pid} on ${ep.url} (the pid now belongs to another program, or that process is ending)`);
    throw e;
  }
  return handle;
}

async function connectOverStore(opts: ConnectOptions): Promise<NodeHandle> {
  const store = await openStore({ env: opts.env, mustExist: true });
  try {
    let runId = opts.runId;
    if (runId !== undefined) {
      const run = await store.getRun(runId);
      if (run === null) throw new ConfigError(`no running node for run "${runId}": ${store.location} has no run "${runId}"`, { field: 'runId' });
      const owner = await store.runOwner(runId);
      if (owner === null) throw new ConfigError(`no running node for run "${runId}" on ${store.location}: no process owns it (stored status: ${run.status})`, { field: 'runId' });
    } else {
      const running = (await store.listRuns()).filter((r) => r.status === 'running');
      const owned: string[] = [];
      for (const r of running) if ((await store.runOwner(r.id)) !== null) owned.push(r.id);
      if (owned.length === 0) throw new ConfigError(`no running node on ${store.location}: no process owns a run`, { field: 'runId' });
      if (owned.length > 1) throw new ConfigError(`${owned.length} runs have a running node on ${store.location} (${owned.join(', ')}): name one`, { field: 'runId' });
      runId = owned[0]!;
    }
    return new StoreNodeHandle(store, runId, { requester: opts.requester });
  } catch (e) {
    await store.close();
    throw e;
  }
}
