// Iceberg: rests one display-sized limit tranche at a time at the parent's limit and shows the next
// as soon as the current one has filled completely.
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { AlgoBase } from './base.ts';
import { floorLots, qtyOfLots } from './lots.ts';
import { checkParent } from './schedule.ts';
import type { AlgoOptions, OrderSink, ParentOrder, Schedule, ScheduleSlice } from './types.ts';

export interface IcebergOptions {
  /** Displayed quantity per tranche (at least one lot). */
  readonly display: number;
  readonly lotSize?: number;
  /** Seeded display randomization: tranche = display x (1 + amount x (2u - 1)), amount in [0, 1). */
  readonly randomize?: { readonly seed: number; readonly amount: number };
}

/** The tranches an iceberg will show, in order: display-sized (or randomized), the last one the remainder. */
export function planIceberg(parent: ParentOrder, opts: IcebergOptions): Schedule {
  const lotSize = opts.lotSize ?? 1;
  const total = checkParent(parent, lotSize);
  if (parent.limitPrice === undefined) throw new ConfigError(`iceberg ${parent.id} needs a limit price`, { field: 'limitPrice' });
  const display = floorLots(opts.display, lotSize);
  if (!(display >= 1) || !Number.isFinite(display)) throw new ConfigError(`iceberg display must be at least one lot, got ${opts.display}`, { field: 'display' });
  const r = opts.randomize;
  if (r !== undefined && !(r.amount >= 0 && r.amount < 1)) throw new ConfigError(`randomization amount must be in [0, 1), got ${r.amount}`, { field: 'randomize.amount' });
  const rng = r === undefined ? null : new Rng(r.seed);
  const slices: ScheduleSlice[] = [];
  let left = total;
  while (left > 0) {
    const size = rng === null ? display : Math.max(1, Math.floor(display * (1 + r!.amount * (2 * rng.next() - 1))));
    const lots = Math.min(size, left);
    slices.push({ index: slices.length, startMs: parent.startMs, endMs: parent.endMs, lots, qty: qtyOfLots(lots, lotSize) });
    left -= lots;
  }
  return { algo: 'iceberg', parent, lotSize, slices, unscheduledLots: 0, unscheduledQty: 0 };
}

export class IcebergAlgo extends AlgoBase {
  readonly algo = 'iceberg' as const;
  readonly schedule: Schedule;
  protected override readonly passive = true;
  #tranche = 0;
  #trancheLeft: number;

  constructor(schedule: Schedule, sink: OrderSink, opts: AlgoOptions = {}) {
    super(schedule.parent, schedule.lotSize, sink, opts);
    if (schedule.parent.limitPrice === undefined) throw new ConfigError(`iceberg ${schedule.parent.id} needs a limit price`, { field: 'limitPrice' });
    this.schedule = schedule;
    this.#trancheLeft = schedule.slices[0]?.lots ?? 0;
  }

  /**
   * Nothing new while a tranche is showing; otherwise the rest of the current tranche (the base caps
   * it by what is left). Tranches follow the plan; should children close unfilled (rejected, canceled
   * by the venue) the plan runs out early and further tranches use the first tranche's size.
   */
  protected targetLots(): number {
    if (this.workingLots > 0) return this.filledLots + this.workingLots;
    const slices = this.schedule.slices;
    while (this.#trancheLeft <= 0) this.#trancheLeft = this.#tranche + 1 < slices.length ? slices[++this.#tranche]!.lots : slices[0]!.lots;
    return this.filledLots + this.#trancheLeft;
  }

  protected override get replenishOnFill(): boolean {
    return true;
  }

  protected override onSent(lots: number): void {
    this.#trancheLeft -= lots;
  }

  protected override onUnsent(lots: number): void {
    this.#trancheLeft += lots;
  }
}
