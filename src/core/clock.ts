// The Clock port: simulated in backtests (advanced by data), real in paper and live.

export interface Clock {
  /** Current time in epoch milliseconds UTC. */
  nowMs(): number;
}

/** Advanced explicitly by the kernel as data arrives; never reads the wall clock. */
export class SimulatedClock implements Clock {
  #nowMs: number;
  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }
  nowMs(): number {
    return this.#nowMs;
  }
  advanceTo(tsMs: number): void {
    if (tsMs > this.#nowMs) this.#nowMs = tsMs;
  }
}

/** Wall-clock time, optionally scaled from an origin (replays at N x speed). */
export class RealClock implements Clock {
  constructor(
    private readonly originMs = 0,
    private readonly speed = 1,
    private readonly wallStartMs = Date.now(),
  ) {}
  nowMs(): number {
    const wall = Date.now();
    return this.speed === 1 && this.originMs === 0 ? wall : this.originMs + (wall - this.wallStartMs) * this.speed;
  }
}
