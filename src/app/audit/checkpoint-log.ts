// Periodic audit checkpoints of a long-running server: every interval, when the chain has grown, its head
// is appended as one JSON line to a file the operator keeps away from the store (another disk, a mounted
// share, a log shipper's folder) and said in the server's output. `sextant audit verify --from-checkpoint`
// takes any line of that file saved as its own file (or the last one: `tail -1 file > cp.json`).
import { appendFileSync } from 'node:fs';
import type { AuditCheckpointDto } from './checkpoint.ts';

/** Where checkpoints come from: the audit log's head now (AuditLog.checkpoint). */
export interface CheckpointSource {
  checkpoint(): Promise<AuditCheckpointDto>;
}

export interface CheckpointLogOptions {
  /** The JSON-lines file to append to; null: only say it. */
  readonly file: string | null;
  readonly everyMs: number;
  readonly say: (line: string) => void;
}

export class AuditCheckpointLog {
  readonly #source: CheckpointSource;
  readonly #opts: CheckpointLogOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastSeq = -1;
  #running: Promise<void> = Promise.resolve();

  constructor(source: CheckpointSource, opts: CheckpointLogOptions) {
    this.#source = source;
    this.#opts = opts;
  }

  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.#opts.everyMs);
    this.#timer.unref();
  }

  /** Writes a checkpoint now if the chain grew since the last one. A failure is said, never thrown (the server goes on). */
  tick(): Promise<void> {
    this.#running = this.#running.then(async () => {
      try {
        const cp = await this.#source.checkpoint();
        if (cp.seq === this.#lastSeq) return;
        if (this.#opts.file !== null) appendFileSync(this.#opts.file, `${JSON.stringify(cp)}\n`);
        this.#lastSeq = cp.seq;
        this.#opts.say(`audit checkpoint: ${cp.count} entries, head ${cp.hash}${this.#opts.file === null ? '' : ` (appended to ${this.#opts.file})`}`);
      } catch (e) {
        this.#opts.say(`audit checkpoint failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    return this.#running;
  }

  /** Stops the timer and writes a last checkpoint (the head at shutdown). */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.tick();
  }
}
