// Deterministic identifiers: a prefix and a counter, so repeated runs produce the same ids.

export class IdGenerator {
  #next: number;
  constructor(
    private readonly prefix: string,
    /** First number to hand out (continue a sequence after a restart). */
    start = 1,
  ) {
    this.#next = start;
  }
  next(): string {
    return `${this.prefix}-${this.#next++}`;
  }
  peekCount(): number {
    return this.#next - 1;
  }
}
