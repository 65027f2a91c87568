// The node's side of the control channel: takes the pending commands of its run from the store (every
// `pollMs`, or at once when nudged by the local control endpoint), executes them one at a time and records
// each outcome. On start it expires whatever was left pending for an earlier process (a new start never
// executes old commands); on close it expires what arrived too late.
import { InvariantError } from '../core/errors.ts';
import type { CommandKind, CommandNode, CommandRecord, Store } from '../store/store.ts';
import { CommandArgsSchema, type CommandArgs, type CommandOutcome } from './node-handle.ts';

export interface CommandExecutor {
  execute(kind: CommandKind, args: CommandArgs): Promise<CommandOutcome>;
}

export interface CommandProcessorOptions {
  readonly node: CommandNode;
  /** How often the store is polled for commands (default 250 ms). */
  readonly pollMs?: number;
  /** Called with every finished command (done or failed). */
  readonly onFinished?: (rec: CommandRecord) => void;
}

export class CommandProcessor {
  readonly #store: Store;
  readonly #runId: string;
  readonly #exec: CommandExecutor;
  readonly #opts: CommandProcessorOptions;
  readonly #waiters = new Map<string, ((rec: CommandRecord) => void)[]>();
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | null = null;
  #again = false;
  #closed = false;

  constructor(store: Store, runId: string, exec: CommandExecutor, opts: CommandProcessorOptions) {
    this.#store = store;
    this.#runId = runId;
    this.#exec = exec;
    this.#opts = opts;
  }

  /** Expires the commands left pending before this node started, then polls. */
  async start(): Promise<CommandRecord[]> {
    const { pid, host } = this.#opts.node;
    const old = await this.#store.expireCommands(this.#runId, `expired: requested before the node (process ${pid} on ${host}) started; a new start never executes old commands`);
    this.#timer = setInterval(() => this.nudge(), this.#opts.pollMs ?? 250);
    this.#timer.unref();
    return old;
  }

  /** Takes and runs pending commands now (a no-op after close). */
  nudge(): void {
    if (this.#closed) return;
    if (this.#busy !== null) {
      this.#again = true;
      return;
    }
    this.#busy = this.#drain().finally(() => {
      this.#busy = null;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.nudge();
      }
    });
  }

  /** Resolves with command `id` once this node has finished it. */
  finished(id: string): Promise<CommandRecord> {
    return new Promise((resolve) => {
      const list = this.#waiters.get(id) ?? [];
      list.push(resolve);
      this.#waiters.set(id, list);
    });
  }

  /** Stops taking commands, waits for the one running, and expires what is still pending for this run. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#busy;
    const { pid, host } = this.#opts.node;
    const late = await this.#store.expireCommands(this.#runId, `expired: the node (process ${pid} on ${host}) stopped before taking it`).catch(() => []);
    for (const rec of late) this.#resolve(rec);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #resolve(rec: CommandRecord): void {
    for (const w of this.#waiters.get(rec.id) ?? []) w(rec);
    this.#waiters.delete(rec.id);
  }

  async #drain(): Promise<void> {
    let taken: CommandRecord[];
    try {
      taken = await this.#store.takeCommands(this.#runId, this.#opts.node);
    } catch {
      // The store reports its own failures to the node (the next write fails the run); try again at the next poll.
      return;
    }
    for (const cmd of taken) await this.#run(cmd);
  }

  async #run(cmd: CommandRecord): Promise<void> {
    let rec: CommandRecord;
    try {
      const args = CommandArgsSchema.safeParse(cmd.args);
      if (!args.success) throw new InvariantError(`command ${cmd.id}: args ${JSON.stringify(cmd.args)} are not valid: ${args.error.issues[0]?.message ?? ''}`);
      const outcome = await this.#exec.execute(cmd.kind, args.data);
      rec = await this.#store.finishCommand(cmd.id, 'done', outcome);
    } catch (e) {
      const message = `failed: ${e instanceof Error ? e.message : String(e)}`;
      try {
        rec = await this.#store.finishCommand(cmd.id, 'failed', { message });
      } catch {
        rec = { ...cmd, status: 'failed', result: { message }, finishedMs: Date.now() };
      }
    }
    this.#opts.onFinished?.(rec);
    this.#resolve(rec);
  }
}
