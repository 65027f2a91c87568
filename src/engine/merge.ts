// Time-ordered merge of many feeds: a binary min-heap keyed by (next bar time, feed index), so bars
// with equal times come in feed order and every run is deterministic.
import type { Feed } from './feed.ts';

export class FeedMerger {
  readonly #heap: number[] = [];
  readonly #time: Float64Array[];

  constructor(private readonly feeds: readonly Feed[]) {
    this.#time = feeds.map((f) => f.series.time);
    for (let i = 0; i < feeds.length; i++) if (feeds[i]!.series.length > 0) this.#push(i);
  }

  get isEmpty(): boolean {
    return this.#heap.length === 0;
  }

  /** Time of the next bar (Infinity when done). */
  peekTime(): number {
    const h = this.#heap;
    return h.length === 0 ? Infinity : this.#key(h[0]!);
  }

  /** Removes and returns the feed with the earliest next bar; call `advance` after consuming it. */
  pop(): number {
    const h = this.#heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.#down(0);
    }
    return top;
  }

  /** Puts a feed back if it has bars left. */
  advance(feedIdx: number): void {
    const f = this.feeds[feedIdx]!;
    if (f.cursor + 1 < f.series.length) {
      f.cursor++;
      this.#push(feedIdx);
    }
  }

  #key(i: number): number {
    return this.#time[i]![this.feeds[i]!.cursor]!;
  }

  #less(a: number, b: number): boolean {
    const ka = this.#key(a);
    const kb = this.#key(b);
    return ka < kb || (ka === kb && a < b);
  }

  #push(i: number): void {
    const h = this.#heap;
    h.push(i);
    let k = h.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.#less(h[k]!, h[p]!)) break;
      [h[k], h[p]] = [h[p]!, h[k]!];
      k = p;
    }
  }

  #down(k: number): void {
    const h = this.#heap;
    const n = h.length;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < n && this.#less(h[l]!, h[m]!)) m = l;
      if (r < n && this.#less(h[r]!, h[m]!)) m = r;
      if (m === k) return;
      [h[k], h[m]] = [h[m]!, h[k]!];
      k = m;
    }
  }
}
