// Executions and their commission reports, joined into fills. TWS sends an execution (execDetails) and
// its commission (commissionReport) as two messages joined by execId; it repeats executions (every
// reqExecutions answer, a reconnect's gap fill) and corrects them (a new execId that differs only after
// the last period). Each execution is handed on once, under its base execId, when its commission is
// known (or after a wait, with commission 0); a correction of one already handed on is only reported.
import type { IbCommission, IbExecution } from './parse.ts';
import { baseExecId, parseIbTime } from './parse.ts';

export interface ExecutionBookOptions {
  /** How long an execution waits for its commission report. */
  readonly commissionWaitMs: number;
  /** Zone of execution times sent without one. */
  readonly timeZone?: string;
  /** A fill ready to book: the execution (latest version), its base id, commission and time. */
  readonly onFill: (e: IbExecution, tradeId: string, commission: number, tsEventMs: number) => void;
  readonly log: (line: string) => void;
}

interface Pending {
  exec: IbExecution;
  timer: NodeJS.Timeout | null;
}

export class ExecutionBook {
  readonly #pending = new Map<string, Pending>();
  readonly #booked = new Map<string, IbExecution>();
  readonly #commissions = new Map<string, IbCommission>();
  #lastMs = 0;

  constructor(private readonly o: ExecutionBookOptions) {}

  /** Time of the latest execution handed on (0 before any): where a gap fill starts. */
  get lastMs(): number {
    return this.#lastMs;
  }

  commissionOf(execId: string): number | undefined {
    return this.#commissions.get(execId)?.commission;
  }

  execution(e: IbExecution): void {
    const base = baseExecId(e.execution.execId);
    const booked = this.#booked.get(base);
    if (booked !== undefined) {
      const a = booked.execution;
      const b = e.execution;
      if (a.execId !== b.execId && (a.shares !== b.shares || a.price !== b.price)) {
        this.o.log(`ib: execution ${base} corrected by TWS (${a.execId} ${a.shares}@${a.price} -> ${b.execId} ${b.shares}@${b.price}); the booked fill stands, reconciliation must explain the difference`);
      }
      return;
    }
    const pending = this.#pending.get(base);
    // A correction before the commission arrived replaces the first version.
    if (pending !== undefined) pending.exec = e;
    else this.#pending.set(base, { exec: e, timer: null });
    const c = this.#commissions.get(e.execution.execId);
    if (c !== undefined) return this.#hand(base, c.commission);
    const p = this.#pending.get(base)!;
    if (p.timer !== null) return;
    p.timer = setTimeout(() => {
      this.o.log(`ib: no commission report for execution ${p.exec.execution.execId} within ${this.o.commissionWaitMs} ms; booked with commission 0`);
      this.#hand(base, 0);
    }, this.o.commissionWaitMs);
    p.timer.unref();
  }

  commission(c: IbCommission): void {
    this.#commissions.set(c.execId, c);
    const base = baseExecId(c.execId);
    const p = this.#pending.get(base);
    if (p !== undefined && p.exec.execution.execId === c.execId) this.#hand(base, c.commission);
  }

  #hand(base: string, commission: number): void {
    const p = this.#pending.get(base);
    if (p === undefined) return;
    this.#pending.delete(base);
    if (p.timer !== null) clearTimeout(p.timer);
    const x = p.exec.execution;
    let ts: number;
    try {
      ts = parseIbTime(x.time, this.o.timeZone);
    } catch (err) {
      this.o.log(`ib: execution ${x.execId} skipped: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.#booked.set(base, p.exec);
    if (ts > this.#lastMs) this.#lastMs = ts;
    this.o.onFill(p.exec, base, commission, ts);
  }
}
