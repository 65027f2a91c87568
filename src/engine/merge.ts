// Time-ordered merge of many feeds: a binary min-heap keyed by (next bar time, feed index), so bars
// with equal times come in feed order and every run is deterministic. The feed on top is consumed
// in place and re-sifted (one sift per bar, no allocation).
import type { Feed } from './feed.ts';

export class FeedMerger {
  readonly #heap: Int32Array;
  #size = 0;
  readonly #time: Float64Array[];
  /** Time of each feed's next bar, cached so comparisons read one array. */
  readonly #key: Float64Array;

  constructor(private readonly feeds: readonly Feed[]) {
    this.#time = feeds.map((f) => f.series.time);
    this.#key = new Float64Array(feeds.length);
    this.#heap = new Int32Array(feeds.length);
    for (let i = 0; i < feeds.length; i++) {
      if (feeds[i]!.series.length === 0) continue;
      this.#key[i] = this.#time[i]![feeds[i]!.cursor]!;
      this.#heap[this.#size++] = i;
    }
    for (let k = (this.#size >> 1) - 1; k >= 0; k--) this.#siftDown(k);
  }

  get isEmpty(): boolean {
    return this.#size === 0;
  }

  /** Time of the next bar (Infinity when done). */
  peekTime(): number {
    return this.#size === 0 ? Infinity : this.#key[this.#heap[0]!]!;
  }

  /** The feed with the earliest next bar (its cursor points at that bar); call `advanceTop` after. */
  top(): number {
    return this.#heap[0]!;
  }

  /** Moves the top feed to its next bar, or drops it when it has none. */
  advanceTop(): void {
    const i = this.#heap[0]!;
    const f = this.feeds[i]!;
    if (f.cursor + 1 < f.series.length) {
      f.cursor++;
      this.#key[i] = this.#time[i]![f.cursor]!;
    } else {
      this.#heap[0] = this.#heap[--this.#size]!;
    }
    if (this.#size > 1) this.#siftDown(0);
  }

  #less(a: number, b: number): boolean {
    const ka = this.#key[a]!;
    const kb = this.#key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  #siftDown(start: number): void {
    const h = this.#heap;
    const n = this.#size;
    const item = h[start]!;
    let k = start;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && this.#less(h[c + 1]!, h[c]!)) c++;
      if (!this.#less(h[c]!, item)) break;
      h[k] = h[c]!;
      k = c;
    }
    h[k] = item;
  }
}
