// Replays stored history as a live feed at a chosen speed (1x to 10000x, or as fast as possible):
// bar i is pushed when (t_i - t_0) / speed of wall time has passed since the start.
import type { BarSeries } from '../../model/bar.ts';
import type { LiveFeed, MarketSink } from './feed.ts';

export interface ReplayOptions {
  readonly series: readonly BarSeries[];
  /** Multiple of real time; Infinity replays as fast as possible (yielding to I/O between bars). */
  readonly speed: number;
  /** Start from this bar time (resume after a restart). */
  readonly fromMs?: number;
  /** Wall-clock reader (ms); injectable for tests. */
  readonly wallMs?: () => number;
}

export class ReplayFeed implements LiveFeed {
  readonly name = 'replay';
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(private readonly opts: ReplayOptions) {}

  async start(sink: MarketSink): Promise<void> {
    const { series, speed } = this.opts;
    const wall = this.opts.wallMs ?? Date.now;
    const cursors = series.map((s) => (this.opts.fromMs === undefined ? 0 : s.lowerBound(this.opts.fromMs)));
    const first = Math.min(...series.map((s, k) => (cursors[k]! < s.length ? s.time[cursors[k]!]! : Infinity)));
    const wallStart = wall();
    let sent = 0;
    while (!this.#stopped) {
      let k = -1;
      let t = Infinity;
      for (let j = 0; j < series.length; j++) {
        const c = cursors[j]!;
        if (c < series[j]!.length && series[j]!.time[c]! < t) {
          t = series[j]!.time[c]!;
          k = j;
        }
      }
      if (k < 0) return;
      const due = wallStart + (t - first) / speed;
      const wait = due - wall();
      if (wait > 0) await this.#sleep(wait);
      else if (++sent % 256 === 0) await this.#sleep(0);
      if (this.#stopped) return;
      const s = series[k]!;
      const i = cursors[k]!++;
      sink.onBar(s.symbol, s.time[i]!, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!);
      const pending = sink.settled?.();
      if (pending) await pending;
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, Math.min(ms, 1000));
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
