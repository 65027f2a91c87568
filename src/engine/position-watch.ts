// While a live node trades, its positions are compared with the venue's on a timer (docs/live.md,
// "While running"). A fill on its way (the venue's position moved, the report has not arrived) makes a
// difference for a moment, so only a difference seen twice in a row, unchanged, counts: then the
// operator is told exactly what differs and the node stops trading (fails closed).
import type { ExecutionClient } from '../execution/execution-client.ts';
import { parseReports, type PositionReport } from '../execution/reports.ts';

const EPS = 1e-9;

export interface PositionWatchOptions {
  readonly client: ExecutionClient;
  /** The node's net position per symbol (all strategies), baseline included. */
  readonly local: () => ReadonlyMap<string, number>;
  readonly everyMs: number;
  /** A difference that persisted across two checks: one line per symbol. */
  readonly onMismatch: (lines: readonly string[]) => void;
  /** A check that could not run (the venue did not answer): told, and tried again next time. */
  readonly onError: (e: unknown) => void;
}

export class PositionWatch {
  #timer: NodeJS.Timeout | undefined;
  #last = '';
  #running = false;
  #checks = 0;

  constructor(private readonly opts: PositionWatchOptions) {}

  start(): void {
    if (this.opts.everyMs <= 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.check(), this.opts.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get checks(): number {
    return this.#checks;
  }

  /** One comparison; returns the differences seen now (empty when they agree or the check was skipped). */
  async check(): Promise<string[]> {
    if (this.#running || this.opts.client.connectionState !== 'connected') return [];
    this.#running = true;
    try {
      const venue = parseReports<PositionReport>('PositionReport', this.opts.client.venue, await this.opts.client.positions());
      this.#checks++;
      const diff = differences(this.opts.local(), venue, this.opts.client.venue);
      const key = diff.join('\n');
      if (diff.length > 0 && key === this.#last) this.opts.onMismatch(diff);
      this.#last = key;
      return diff;
    } catch (e) {
      this.opts.onError(e);
      return [];
    } finally {
      this.#running = false;
    }
  }
}

/** One line per symbol whose quantities differ, sorted by symbol. */
export function differences(local: ReadonlyMap<string, number>, venue: readonly PositionReport[], venueName: string): string[] {
  const theirs = new Map(venue.map((p) => [p.symbol, p.qty]));
  const out: string[] = [];
  for (const symbol of [...new Set([...local.keys(), ...theirs.keys()])].sort()) {
    const a = local.get(symbol) ?? 0;
    const b = theirs.get(symbol) ?? 0;
    if (Math.abs(a - b) > EPS * Math.max(1, Math.abs(b))) out.push(`position ${symbol}: node ${+a.toPrecision(12)}, ${venueName} ${+b.toPrecision(12)}`);
  }
  return out;
}
