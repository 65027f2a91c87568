// Sleeps a stop can cut short: a feed's reconnect backoff or paced retry must not hold `stop()` for the
// rest of its wait.

export class Sleeps {
  readonly #wakers = new Set<() => void>();

  /** Resolves after `ms`, or at once when `wakeAll` is called first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.#wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  /** Ends every sleep under way. */
  wakeAll(): void {
    for (const w of [...this.#wakers]) w();
  }
}
