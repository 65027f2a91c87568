// The kernel's record of fills, kept in columns. A backtest can book millions of fills; as objects each
// one cost ~200 bytes of young-generation garbage that survived to old space (a quarter of an order's
// round-trip time went to the garbage collector). Columns cost 57 bytes per fill and no objects; a
// KernelFill is made only when someone reads one.
import type { Fill } from '../model/fill.ts';

/**
 * One booked fill as the kernel keeps it: the model's `Fill` without its liquidity flag, its time as `tsMs`.
 * The engine's own record; the app's outward form of a fill is `FillDto` (src/app/dto/fill.ts).
 */
export type KernelFill = Pick<Fill, 'orderId' | 'strategyId' | 'symbol' | 'side' | 'qty' | 'price' | 'commission'> & { readonly tsMs: number };

const FIRST_CAPACITY = 64;

export class FillLog implements Iterable<KernelFill> {
  #length = 0;
  #orderId: string[] = [];
  #strategyId: string[] = [];
  #symbol: string[] = [];
  #buy = new Uint8Array(FIRST_CAPACITY);
  #qty = new Float64Array(FIRST_CAPACITY);
  #price = new Float64Array(FIRST_CAPACITY);
  #commission = new Float64Array(FIRST_CAPACITY);
  #tsMs = new Float64Array(FIRST_CAPACITY);

  get length(): number {
    return this.#length;
  }

  /** Appends one fill (the record's fields are copied; the object is not kept). */
  push(f: KernelFill): void {
    this.append(f.orderId, f.strategyId, f.symbol, f.side, f.qty, f.price, f.commission, f.tsMs);
  }

  /** Appends one fill from its fields, without an intermediate object (the kernel's hot path). */
  append(orderId: string, strategyId: string, symbol: string, side: 'buy' | 'sell', qty: number, price: number, commission: number, tsMs: number): void {
    const i = this.#length;
    if (i === this.#qty.length) this.#grow();
    this.#orderId.push(orderId);
    this.#strategyId.push(strategyId);
    this.#symbol.push(symbol);
    this.#buy[i] = side === 'buy' ? 1 : 0;
    this.#qty[i] = qty;
    this.#price[i] = price;
    this.#commission[i] = commission;
    this.#tsMs[i] = tsMs;
    this.#length = i + 1;
  }

  /** The i-th fill (negative counts from the end, like Array.at); undefined outside the log. */
  at(index: number): KernelFill | undefined {
    const i = index < 0 ? this.#length + index : index;
    if (!(i >= 0 && i < this.#length)) return undefined;
    return {
      orderId: this.#orderId[i]!, strategyId: this.#strategyId[i]!, symbol: this.#symbol[i]!, side: this.#buy[i] === 1 ? 'buy' : 'sell',
      qty: this.#qty[i]!, price: this.#price[i]!, commission: this.#commission[i]!, tsMs: this.#tsMs[i]!,
    };
  }

  *[Symbol.iterator](): IterableIterator<KernelFill> {
    for (let i = 0; i < this.#length; i++) yield this.at(i)!;
  }

  toArray(): KernelFill[] {
    const out = new Array<KernelFill>(this.#length);
    for (let i = 0; i < this.#length; i++) out[i] = this.at(i)!;
    return out;
  }

  map<T>(fn: (f: KernelFill, i: number) => T): T[] {
    const out = new Array<T>(this.#length);
    for (let i = 0; i < this.#length; i++) out[i] = fn(this.at(i)!, i);
    return out;
  }

  filter(keep: (f: KernelFill, i: number) => boolean): KernelFill[] {
    const out: KernelFill[] = [];
    for (let i = 0; i < this.#length; i++) {
      const f = this.at(i)!;
      if (keep(f, i)) out.push(f);
    }
    return out;
  }

  forEach(fn: (f: KernelFill, i: number) => void): void {
    for (let i = 0; i < this.#length; i++) fn(this.at(i)!, i);
  }

  /** Serialises as the array of records it stands for. */
  toJSON(): KernelFill[] {
    return this.toArray();
  }

  #grow(): void {
    const cap = this.#qty.length * 2;
    const widen = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const buy = new Uint8Array(cap);
    buy.set(this.#buy);
    this.#buy = buy;
    this.#qty = widen(this.#qty);
    this.#price = widen(this.#price);
    this.#commission = widen(this.#commission);
    this.#tsMs = widen(this.#tsMs);
  }
}
