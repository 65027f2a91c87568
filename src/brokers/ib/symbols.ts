// Sextant symbols <-> IB contracts. IB identifies an instrument by security type, symbol, exchange and
// currency (a conId once known). The default grammar covers the common cases; anything else is named
// explicitly in the client's options (`contracts`).
//   "AAPL"            stock, routed SMART, in USD
//   "EUR/USD"         forex pair on IDEALPRO (symbol EUR, currency USD)
//   "ES-202503@CME"   future: root, contract month (YYYYMM or YYYYMMDD), exchange; in USD
import type { Contract } from '@stoqey/ib';
import { InputError } from '../../core/errors.ts';

export type IbSecType = 'STK' | 'CASH' | 'FUT';

/** The fields of an IB contract this adapter sends (the library's Contract, narrowed). */
export interface IbContractSpec {
  readonly secType: IbSecType;
  readonly symbol: string;
  readonly exchange: string;
  readonly currency: string;
  readonly primaryExch?: string;
  readonly lastTradeDateOrContractMonth?: string;
  /** Units per contract (futures); 1 otherwise. */
  readonly multiplier?: number;
}

const STOCK = /^[A-Z][A-Z0-9.]{0,11}$/;
const FOREX = /^([A-Z]{3})\/([A-Z]{3})$/;
const FUTURE = /^([A-Z0-9]{1,8})-(\d{6}|\d{8})@([A-Z0-9]+)$/;

export class IbSymbols {
  readonly #explicit: ReadonlyMap<string, IbContractSpec>;

  constructor(explicit: Readonly<Record<string, IbContractSpec>> = {}) {
    this.#explicit = new Map(Object.entries(explicit));
  }

  /** The contract for a Sextant symbol; InputError naming the symbol when the grammar does not cover it. */
  contractOf(symbol: string): IbContractSpec {
    const known = this.#explicit.get(symbol);
    if (known !== undefined) return known;
    const fx = FOREX.exec(symbol);
    if (fx !== null) return { secType: 'CASH', symbol: fx[1]!, currency: fx[2]!, exchange: 'IDEALPRO' };
    const fut = FUTURE.exec(symbol);
    if (fut !== null) return { secType: 'FUT', symbol: fut[1]!, lastTradeDateOrContractMonth: fut[2]!, exchange: fut[3]!, currency: 'USD' };
    if (STOCK.test(symbol)) return { secType: 'STK', symbol, exchange: 'SMART', currency: 'USD' };
    throw new InputError(`symbol "${symbol}": not an IB stock (AAPL), forex pair (EUR/USD) or future (ES-202503@CME); name its contract in the IB client's "contracts" option`);
  }

  /** The Sextant symbol of a contract IB reports (an execution, a position, an open order). */
  symbolOf(c: { readonly secType?: string; readonly symbol?: string; readonly currency?: string; readonly lastTradeDateOrContractMonth?: string; readonly exchange?: string }): string {
    const symbol = c.symbol ?? '';
    for (const [name, spec] of this.#explicit) {
      if (spec.symbol === symbol && spec.secType === c.secType && spec.currency === c.currency) return name;
    }
    if (c.secType === 'CASH') return `${symbol}/${c.currency ?? ''}`;
    // IB reports a future's full expiry date (YYYYMMDD); the month form is the one most users write.
    if (c.secType === 'FUT') return `${symbol}-${(c.lastTradeDateOrContractMonth ?? '').slice(0, 6)}@${c.exchange ?? ''}`;
    return symbol;
  }

  /** The library's Contract for an order. */
  toContract(spec: IbContractSpec): Contract {
    return {
      secType: spec.secType as Contract['secType'],
      symbol: spec.symbol,
      exchange: spec.exchange,
      currency: spec.currency,
      ...(spec.primaryExch !== undefined && { primaryExch: spec.primaryExch }),
      ...(spec.lastTradeDateOrContractMonth !== undefined && { lastTradeDateOrContractMonth: spec.lastTradeDateOrContractMonth }),
      ...(spec.multiplier !== undefined && spec.secType === 'FUT' && { multiplier: spec.multiplier }),
    };
  }
}
