// The kernel's record of fills, kept in columns. A backtest can book millions of fills; as objects each
// one cost ~200 bytes of young-generation garbage that survived to old space (a quarter of an order's
// round-trip time went to the garbage collector). Columns cost 57 bytes per fill and no objects; a
// FillRecord is made only when someone reads one.

export interface FillRecord {
  readonly orderId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  readonly commission: number;
  readonly tsMs: number;
}

const FIRST_CAPACITY = 64;

export class FillLog implements Iterable<FillRecord> {
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
  push(f: FillRecord): void {
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
  at(index: number): FillRecord | undefined {
    const i = index < 0 ? this.#length + index : index;
    if (!(i >= 0 && i < this.#length)) return undefined;
    return {
      orderId: this.#orderId[i]!, strategyId: this.#strategyId[i]!, symbol: this.#symbol[i]!, side: this.#buy[i] === 1 ? 'buy' : 'sell',
      qty: this.#qty[i]!, price: this.#price[i]!, commission: this.#commission[i]!, tsMs: this.#tsMs[i]!,
    };
  }

  *[Symbol.iterator](): IterableIterator<FillRecord> {
    for (let i = 0; i < this.#length; i++) yield this.at(i)!;
  }

  toArray(): FillRecord[] {
    const out = new Array<FillRecord>(this.#length);
    for (let i = 0; i < this.#length; i++) out[i] = this.at(i)!;
    return out;
  }

  map<T>(fn: (f: FillRecord, i: number) => T): T[] {
    const out = new Array<T>(this.#length);
    for (let i = 0; i < this.#length; i++) out[i] = fn(this.at(i)!, i);
    return out;
  }

  filter(keep: (f: FillRecord, i: number) => boolean): FillRecord[] {
    const out: FillRecord[] = [];
    for (let i = 0; i < this.#length; i++) {
      const f = this.at(i)!;
      if (keep(f, i)) out.push(f);
    }
    return out;
  }

  forEach(fn: (f: FillRecord, i: number) => void): void {
    for (let i = 0; i < this.#length; i++) fn(this.at(i)!, i);
  }

  /** Serialises as the array of records it stands for. */
  toJSON(): FillRecord[] {
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
