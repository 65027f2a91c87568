// One benchmark measurement, printed as a JSON line by `npm run bench`.
export interface BenchResult {
  name: string;
  work: string;
  seconds: number;
  rate: number;
  peakRssMb: number;
  [extra: string]: unknown;
}

export function peakRssMb(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** Runs `fn` `repeat` times and returns the best wall time in seconds (after one warm-up run). */
export function bestOf(repeat: number, fn: () => void): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}
