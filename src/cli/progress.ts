// A progress bar on stderr that appears only when work takes longer than a second (and stderr is a terminal).

export class ProgressBar {
  readonly #start = performance.now();
  #shown = false;
  #lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = 1000,
  ) {}

  update(done: number, total: number): void {
    const now = performance.now();
    const elapsed = now - this.#start;
    if (elapsed < this.delayMs || !this.stream.isTTY) return;
    if (now - this.#lastDraw < 100 && done < total) return;
    this.#lastDraw = now;
    this.#shown = true;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    const eta = frac > 0 ? ((elapsed / frac - elapsed) / 1000).toFixed(1) : '?';
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}% ETA ${eta}s `);
  }

  finish(): void {
    if (this.#shown) this.stream.write('\n');
  }
}
