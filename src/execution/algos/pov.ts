// Percent of volume: keeps cumulative children at `rate` x the market volume seen since the start,
// in slices no smaller than `minSlice` (unless that is all that is left) and no larger than `maxSlice`.
import { ConfigError } from '../../core/errors.ts';
import type { Bar } from '../../model/bar.ts';
import type { TradeTick } from '../../model/market.ts';
import { AlgoBase } from './base.ts';
import { floorLots, qtyOfLots } from './lots.ts';
import { checkParent } from './schedule.ts';
import type { AlgoOptions, ExecAlgo, OrderSink, ParentOrder, Schedule, ScheduleSlice } from './types.ts';

export interface PovOptions extends AlgoOptions {
  /** Target participation, a fraction of market volume in (0, 1]. */
  readonly rate: number;
  /** Smallest child (quantity); smaller due amounts wait until they grow. Default one lot. */
  readonly minSlice?: number;
  /** Largest child (quantity). Default none. */
  readonly maxSlice?: number;
}

export class PovAlgo extends AlgoBase {
  readonly algo = 'pov' as const;
  readonly rate: number;
  readonly #minLots: number;
  readonly #maxLots: number;
  #volume = 0;

  constructor(parent: ParentOrder, sink: OrderSink, opts: PovOptions) {
    super(parent, opts.lotSize ?? 1, sink, opts);
    if (!(opts.rate > 0 && opts.rate <= 1)) throw new ConfigError(`POV rate must be in (0, 1], got ${opts.rate}`, { field: 'rate' });
    this.rate = opts.rate;
    this.#minLots = Math.max(1, opts.minSlice === undefined ? 1 : floorLots(opts.minSlice, this.lotSize));
    this.#maxLots = opts.maxSlice === undefined ? Infinity : floorLots(opts.maxSlice, this.lotSize);
    if (!(this.#maxLots >= this.#minLots)) throw new ConfigError(`POV max slice ${opts.maxSlice} is below the min slice / one lot`, { field: 'maxSlice' });
  }

  /** Market volume observed inside the window so far. */
  get observedVolume(): number {
    return this.#volume;
  }

  protected override observeBar(bar: Bar): void {
    if (bar.volume > 0) this.#volume += bar.volume;
  }

  protected override observeTrade(trade: TradeTick): void {
    if (trade.size > 0) this.#volume += trade.size;
  }

  protected targetLots(): number {
    return floorLots(this.rate * this.#volume, this.lotSize);
  }

  protected override sizeChild(dueLots: number, availableLots: number): number {
    if (dueLots < this.#minLots && dueLots < availableLots) return 0;
    return Math.min(dueLots, this.#maxLots);
  }
}

export interface VolumeForecast {
  readonly tsMs: number;
  readonly volume: number;
}

/**
 * A POV schedule against forecast bar volumes: the runtime algorithm run on the forecast with every
 * child assumed filled at once. One slice per forecast bar inside the window (0 where nothing is
 * sent); what the forecast volume cannot carry is `unscheduledQty`.
 */
export function planPov(parent: ParentOrder, forecast: readonly VolumeForecast[], opts: PovOptions): Schedule {
  const lotSize = opts.lotSize ?? 1;
  checkParent(parent, lotSize);
  const bars = forecast.filter((f) => f.tsMs >= parent.startMs && f.tsMs < parent.endMs);
  for (let i = 1; i < bars.length; i++) {
    if (!(bars[i]!.tsMs > bars[i - 1]!.tsMs)) throw new ConfigError(`forecast times must increase (at ${bars[i]!.tsMs})`, { field: 'forecast' });
  }
  const sent = new Float64Array(bars.length);
  let k = -1;
  let algo: ExecAlgo | null = null;
  const sink: OrderSink = {
    submit: (child) => {
      sent[k]! += Math.round(child.qty / lotSize);
      algo!.onFill(child.qty, 0, child.clientId);
      return true;
    },
    cancel: () => {},
  };
  algo = new PovAlgo(parent, sink, opts);
  for (k = 0; k < bars.length; k++) {
    const f = bars[k]!;
    algo.onBar({ symbol: parent.symbol, tsEventMs: f.tsMs, open: NaN, high: NaN, low: NaN, close: NaN, volume: f.volume });
  }
  const slices: ScheduleSlice[] = bars.map((f, i) => ({
    index: i, startMs: f.tsMs, endMs: i + 1 < bars.length ? bars[i + 1]!.tsMs : parent.endMs, lots: sent[i]!, qty: qtyOfLots(sent[i]!, lotSize),
  }));
  let done = 0;
  for (const l of sent) done += l;
  const total = Math.round(parent.qty / lotSize);
  return { algo: 'pov', parent, lotSize, slices, unscheduledLots: total - done, unscheduledQty: qtyOfLots(total - done, lotSize) };
}
