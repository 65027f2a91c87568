// Runtime for time schedules (TWAP, VWAP, Almgren-Chriss): releases each slice at its start time and
// catches up on what the participation cap or the market held back, until the window ends.
import { AlgoBase } from './base.ts';
import type { AlgoName, AlgoOptions, OrderSink, Schedule } from './types.ts';

export class ScheduleAlgo extends AlgoBase {
  readonly algo: AlgoName;
  readonly schedule: Schedule;
  #next = 0;
  #released = 0;

  constructor(schedule: Schedule, sink: OrderSink, opts: AlgoOptions = {}) {
    super(schedule.parent, schedule.lotSize, sink, opts);
    this.algo = schedule.algo;
    this.schedule = schedule;
  }

  /** Lots of every slice whose start time has come. */
  protected targetLots(nowMs: number): number {
    const slices = this.schedule.slices;
    while (this.#next < slices.length && slices[this.#next]!.startMs <= nowMs) this.#released += slices[this.#next++]!.lots;
    return this.#released;
  }
}
