// Deterministic identifiers: a prefix and a counter, so repeated runs produce the same ids.

export class IdGenerator {
  #next = 1;
  constructor(private readonly prefix: string) {}
  next(): string {
    return `${this.prefix}-${this.#next++}`;
  }
  peekCount(): number {
    return this.#next - 1;
  }
}
