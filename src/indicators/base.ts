// Shared plumbing of the streaming indicators: input counting, `replace` routing and `reset`.
// A subclass implements `step(x, replace)`: with `replace` true it must redo the latest step from the
// state before it (restore saved scalars, overwrite window slots, call `replace` on sub-indicators).
import type { Indicator } from './indicator.ts';

export abstract class StreamingIndicator<In, Out> implements Indicator<In, Out> {
  abstract readonly warmupPeriod: number;
  value: Out | null = null;
  /** Inputs seen so far (a replace does not count). */
  protected n = 0;

  get isReady(): boolean {
    return this.value !== null;
  }

  update(x: In): Out | null {
    this.n++;
    return (this.value = this.step(x, false));
  }

  replace(x: In): Out | null {
    if (this.n === 0) return this.update(x);
    return (this.value = this.step(x, true));
  }

  reset(): void {
    this.n = 0;
    this.value = null;
    this.clear();
  }

  protected abstract step(x: In, replace: boolean): Out | null;
  protected abstract clear(): void;
}
