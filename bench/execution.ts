// Execution algorithm speed: how many parent orders per second can be planned (TWAP, VWAP on a
// 5-minute U-shaped profile, Almgren-Chriss) and driven bar by bar through the runtime state machine.
// Inputs are seeded; building them is not timed.
import { Rng } from '../src/core/rng.ts';
import { MS_PER_DAY, MS_PER_MINUTE } from '../src/core/time.ts';
import type { Bar } from '../src/model/bar.ts';
import { planAlmgrenChriss } from '../src/execution/algos/almgren-chriss.ts';
import { uShapedProfile } from '../src/execution/algos/profile.ts';
import { ScheduleAlgo } from '../src/execution/algos/scheduled.ts';
import { planTwap, planVwap } from '../src/execution/algos/schedule.ts';
import type { ExecAlgo, OrderSink, ParentOrder } from '../src/execution/algos/types.ts';
import { bestOf, peakRssMb, type BenchResult } from './types.ts';

const ORDERS = 20_000;
const DAY0 = Date.UTC(2024, 0, 2);
const OPEN = 14.5 * 60 * MS_PER_MINUTE;
const CLOSE = 21 * 60 * MS_PER_MINUTE;
const SLICES = 78; // 5-minute slices over a 6.5-hour session

function parents(): ParentOrder[] {
  const rng = new Rng(7);
  const out: ParentOrder[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const start = DAY0 + (i % 250) * MS_PER_DAY + OPEN + rng.int(60) * 5 * MS_PER_MINUTE;
    out.push({ id: `P${i}`, symbol: 'XYZ', side: i % 2 === 0 ? 'buy' : 'sell', qty: 1 + rng.int(1_000_000), startMs: start, endMs: start + (12 + rng.int(60)) * 5 * MS_PER_MINUTE });
  }
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const orders = parents();
  const profile = uShapedProfile({ bucketMs: 5 * MS_PER_MINUTE, openMs: OPEN, closeMs: CLOSE });
  const out: BenchResult[] = [];
  let sink = 0;
  const plan = (name: string, work: string, fn: (p: ParentOrder) => number): void => {
    const seconds = bestOf(3, () => {
      for (const p of orders) sink += fn(p);
    });
    out.push({ name, work, seconds, rate: ORDERS / seconds, unit: 'schedules/s', peakRssMb: peakRssMb() });
  };
  plan('execution.plan.twap', `${ORDERS} parents x ${SLICES} slices`, (p) => planTwap(p, { slices: SLICES }).slices.length);
  plan('execution.plan.twap.randomized', `${ORDERS} parents x ${SLICES} seeded-random slices`, (p) => planTwap(p, { slices: SLICES, randomize: { seed: p.qty, amount: 0.2 } }).slices.length);
  plan('execution.plan.vwap', `${ORDERS} parents, one slice per 5-min profile bucket (12-72 each)`, (p) => planVwap(p, { profile }).slices.length);
  plan('execution.plan.almgren-chriss', `${ORDERS} parents x ${SLICES} periods`, (p) => planAlmgrenChriss(p, { periods: SLICES, sigma: 0.5, eta: 2.5e-6, lambda: 1e-6 }).slices.length);

  // Runtime: a 1-minute bar stream through the state machine with children filled at once.
  const BARS = 390;
  const rng = new Rng(11);
  const stream: Bar[] = [];
  for (let i = 0; i < BARS; i++) stream.push({ symbol: 'XYZ', tsEventMs: DAY0 + OPEN + i * MS_PER_MINUTE, open: 100, high: 100, low: 100, close: 100, volume: 1e5 + rng.int(1e6) });
  const parent: ParentOrder = { id: 'R', symbol: 'XYZ', side: 'buy', qty: 5_000_000, startMs: DAY0 + OPEN, endMs: DAY0 + CLOSE };
  const schedule = planVwap(parent, { profile });
  const RUNS = 2000;
  const seconds = bestOf(3, () => {
    for (let r = 0; r < RUNS; r++) {
      let algo: ExecAlgo | null = null;
      const fills: OrderSink = { submit: (c) => (algo!.onFill(c.qty, 100, c.clientId), true), cancel: () => {} };
      algo = new ScheduleAlgo(schedule, fills, { participationCap: 0.1 });
      for (const b of stream) algo.onBar(b);
      sink += algo.filledQty;
    }
  });
  out.push({ name: 'execution.run.vwap', work: `${RUNS} parents x ${BARS} one-minute bars, instant fills`, seconds, rate: (RUNS * BARS) / seconds, unit: 'bars/s', peakRssMb: peakRssMb() });
  if (!(sink > 0)) throw new Error('execution bench produced nothing');
  return out;
}
