// Market data for the fake TWS (./fake-tws.ts): the requests a market-data client sends (reqMktData,
// reqTickByTickData, reqRealTimeBars, reqHistoricalData, their cancels, reqMarketDataType) read field by
// field as @stoqey/ib's encoder writes them for server version 176, and the messages TWS answers with
// (TICK_PRICE v6 with its size, TICK_SIZE, MARKET_DATA_TYPE, TICK_REQ_PARAMS, TICK_BY_TICK AllLast /
// BidAsk, REAL_TIME_BARS, HISTORICAL_DATA with start/end and bar counts), in the order the TWS API docs
// describe. Entitlements per symbol reproduce IB's market-data errors: 200 (no contract), 354 (not
// subscribed), 10167 (delayed data shown instead, with the DELAYED_* tick types), 10168 (delayed not enabled).
// The test drives the market: quote(), trade(), bar5s() push to every open subscription of the symbol.
import type { FakeTws, ExtensionRequest } from './fake-tws.ts';
import type { WireContract } from './messages.ts';
import type { FieldCursor, Field } from './wire.ts';

const IN = { TICK_PRICE: 1, TICK_SIZE: 2, HISTORICAL_DATA: 17, REAL_TIME_BARS: 50, MARKET_DATA_TYPE: 58, TICK_REQ_PARAMS: 81, TICK_BY_TICK: 99, ERR_MSG: 4 } as const;
export const MD_OUT = {
  REQ_MKT_DATA: 1, CANCEL_MKT_DATA: 2, REQ_HISTORICAL_DATA: 20, CANCEL_HISTORICAL_DATA: 25, REQ_REAL_TIME_BARS: 50, CANCEL_REAL_TIME_BARS: 51,
  REQ_MARKET_DATA_TYPE: 59, REQ_TICK_BY_TICK_DATA: 97, CANCEL_TICK_BY_TICK_DATA: 98,
} as const;

export type Entitlement = 'live' | 'delayed' | 'none-delayed-disabled';

export interface Subscription {
  readonly kind: 'mkt' | 'tbt-last' | 'tbt-bidask' | 'rtb';
  readonly reqId: number;
  readonly symbol: string;
  readonly clientId: number | null;
  readonly delayed: boolean;
  readonly whatToShow?: string;
  readonly r: ExtensionRequest;
}

export interface HistoryAsk {
  readonly symbol: string;
  readonly endDateTime: string;
  readonly barSize: string;
  readonly duration: string;
  readonly whatToShow: string;
  readonly formatDate: number;
}

export interface FakeBar {
  readonly time: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** What reqHistoricalData answers: bars, or an error code and text. */
export type HistoryAnswer = readonly FakeBar[] | { readonly code: number; readonly text: string };

const errorMsg = (id: number, code: number, text: string): Field[] => [IN.ERR_MSG, 2, id, code, text, ''];

export class FakeIbMarket {
  readonly #subs = new Map<string, Subscription>();
  readonly #entitled = new Map<string, Entitlement>();
  readonly #types = new Map<number | null, number>();
  readonly historyAsks: HistoryAsk[] = [];
  /** Answers reqHistoricalData (default: no bars). */
  history: (ask: HistoryAsk) => HistoryAnswer = () => [];
  /** Requests canceled, by kind. */
  readonly canceled: { kind: string; reqId: number }[] = [];

  constructor(readonly tws: FakeTws) {
    tws.extend((r) => this.#request(r));
  }

  /** What the account may see of a symbol (default live). */
  entitle(symbol: string, e: Entitlement): void {
    this.#entitled.set(symbol, e);
  }

  /** Open subscriptions (of live sessions). */
  active(kind?: Subscription['kind']): Subscription[] {
    return [...this.#subs.values()].filter((s) => s.r.alive() && (kind === undefined || s.kind === kind));
  }

  /** New best bid/ask: TICK_PRICE with its size for each side, then the sizes as TICK_SIZE, as TWS sends them. */
  quote(symbol: string, q: { bid: number; ask: number; bidSize: number; askSize: number }): void {
    for (const s of this.active('mkt')) {
      if (s.symbol !== symbol) continue;
      const [b, a, bs, as] = s.delayed ? [66, 67, 69, 70] : [1, 2, 0, 3];
      // TWS folds the size into each TICK_PRICE and also sends the size on its own when it changed.
      s.r.send([
        [IN.TICK_PRICE, 6, s.reqId, b, q.bid, q.bidSize, 0], [IN.TICK_PRICE, 6, s.reqId, a, q.ask, q.askSize, 0],
        [IN.TICK_SIZE, 6, s.reqId, bs, q.bidSize], [IN.TICK_SIZE, 6, s.reqId, as, q.askSize],
      ]);
    }
    for (const s of this.active('tbt-bidask')) {
      if (s.symbol === symbol) s.r.send([[IN.TICK_BY_TICK, s.reqId, 3, Math.floor(this.tws.exchange.now() / 1000), q.bid, q.ask, q.bidSize, q.askSize, 0]]);
    }
  }

  /** A size change alone (TICK_SIZE). */
  size(symbol: string, side: 'bid' | 'ask', size: number): void {
    for (const s of this.active('mkt')) if (s.symbol === symbol) s.r.send([[IN.TICK_SIZE, 6, s.reqId, side === 'bid' ? (s.delayed ? 69 : 0) : s.delayed ? 70 : 3, size]]);
  }

  /** A print: tick-by-tick AllLast. */
  trade(symbol: string, price: number, size: number, timeSec: number, exchange = 'NASDAQ'): void {
    for (const s of this.active('tbt-last')) if (s.symbol === symbol) s.r.send([[IN.TICK_BY_TICK, s.reqId, 2, timeSec, price, size, 0, exchange, '']]);
  }

  /** A 5-second real-time bar (open time `timeSec`). */
  bar5s(symbol: string, timeSec: number, o: number, h: number, l: number, c: number, v: number): void {
    for (const s of this.active('rtb')) if (s.symbol === symbol) s.r.send([[IN.REAL_TIME_BARS, 3, s.reqId, timeSec, o, h, l, c, v, (h + l) / 2, v > 0 ? 3 : 0]]);
  }

  /** Raw fields to every subscription of a kind for a symbol, with its request id put first (garbled payloads). */
  raw(symbol: string, kind: Subscription['kind'], build: (reqId: number) => Field[]): void {
    for (const s of this.active(kind)) if (s.symbol === symbol) s.r.send([build(s.reqId)]);
  }

  #request(r: ExtensionRequest): boolean {
    const c = r.cursor;
    switch (r.msgId) {
      case MD_OUT.REQ_MARKET_DATA_TYPE:
        c.int();
        this.#types.set(r.clientId, c.int());
        return true;
      case MD_OUT.REQ_MKT_DATA: {
        c.int(); // version
        const reqId = c.int();
        const symbol = this.#contract(r, reqId, c);
        if (symbol === null) return true;
        const delayed = this.#entitlement(r, reqId, symbol);
        if (delayed === null) return true;
        this.#subs.set(`${r.clientId}:${reqId}`, { kind: 'mkt', reqId, symbol, clientId: r.clientId, delayed, r });
        r.send([[IN.MARKET_DATA_TYPE, 1, reqId, delayed ? 3 : 1], [IN.TICK_REQ_PARAMS, reqId, 0.01, '9c0001', 3]]);
        return true;
      }
      case MD_OUT.REQ_TICK_BY_TICK_DATA: {
        const reqId = c.int();
        const symbol = this.#contract(r, reqId, c);
        if (symbol === null) return true;
        const type = c.str();
        if (this.#entitlement(r, reqId, symbol) === null) return true;
        this.#subs.set(`${r.clientId}:${reqId}`, { kind: type === 'BidAsk' ? 'tbt-bidask' : 'tbt-last', reqId, symbol, clientId: r.clientId, delayed: false, r });
        return true;
      }
      case MD_OUT.REQ_REAL_TIME_BARS: {
        c.int(); // version
        const reqId = c.int();
        const symbol = this.#contract(r, reqId, c);
        if (symbol === null) return true;
        c.int(); // bar size
        const whatToShow = c.str();
        if (this.#entitlement(r, reqId, symbol) === null) return true;
        this.#subs.set(`${r.clientId}:${reqId}`, { kind: 'rtb', reqId, symbol, clientId: r.clientId, delayed: false, whatToShow, r });
        return true;
      }
      case MD_OUT.REQ_HISTORICAL_DATA: {
        const reqId = c.int();
        const symbol = this.#contract(r, reqId, c);
        if (symbol === null) return true;
        c.str(); // includeExpired
        const endDateTime = c.str();
        const barSize = c.str();
        const duration = c.str();
        c.str(); // useRTH
        const whatToShow = c.str();
        const formatDate = c.int();
        const ask = { symbol, endDateTime, barSize, duration, whatToShow, formatDate };
        this.historyAsks.push(ask);
        const answer = this.history(ask);
        if (!Array.isArray(answer)) {
          const e = answer as { code: number; text: string };
          r.send([errorMsg(reqId, e.code, e.text)]);
          return true;
        }
        const rows = answer as readonly FakeBar[];
        const fields: Field[] = [IN.HISTORICAL_DATA, reqId, rows[0]?.time ?? '', rows.at(-1)?.time ?? '', rows.length];
        for (const b of rows) fields.push(b.time, b.open, b.high, b.low, b.close, b.volume, (b.high + b.low) / 2, b.volume > 0 ? 5 : 0);
        r.send([fields]);
        return true;
      }
      case MD_OUT.CANCEL_MKT_DATA:
      case MD_OUT.CANCEL_REAL_TIME_BARS:
      case MD_OUT.CANCEL_HISTORICAL_DATA: {
        c.int(); // version
        return this.#cancel(r, r.msgId, c.int());
      }
      case MD_OUT.CANCEL_TICK_BY_TICK_DATA:
        return this.#cancel(r, r.msgId, c.int());
      default:
        return false;
    }
  }

  #cancel(r: ExtensionRequest, msgId: number, reqId: number): boolean {
    this.#subs.delete(`${r.clientId}:${reqId}`);
    this.canceled.push({ kind: msgId === MD_OUT.CANCEL_MKT_DATA ? 'mkt' : msgId === MD_OUT.CANCEL_REAL_TIME_BARS ? 'rtb' : msgId === MD_OUT.CANCEL_TICK_BY_TICK_DATA ? 'tbt' : 'hist', reqId });
    return true;
  }

  /** Reads the contract fields (conId .. tradingClass); answers 200 and returns null when TWS knows no such contract. */
  #contract(r: ExtensionRequest, reqId: number, c: FieldCursor): string | null {
    c.int(); // conId
    const symbol = c.str();
    const secType = c.str();
    const expiry = c.str();
    c.skip(3); // strike, right, multiplier
    c.str(); // exchange
    c.str(); // primaryExch
    const currency = c.str();
    c.skip(2); // localSymbol, tradingClass
    const contracts = this.tws.opts.contracts as Readonly<Record<string, WireContract>>;
    const name = Object.keys(contracts).find((k) => {
      const ct = contracts[k]!;
      return ct.symbol === symbol && ct.secType === secType && ct.currency === currency && (secType !== 'FUT' || ct.lastTradeDateOrContractMonth?.startsWith(expiry.slice(0, 6)));
    });
    if (name === undefined) {
      r.send([errorMsg(reqId, 200, 'No security definition has been found for the request')]);
      return null;
    }
    return name;
  }

  /** Live (false), delayed (true), or null after sending the error TWS sends. */
  #entitlement(r: ExtensionRequest, reqId: number, symbol: string): boolean | null {
    const e = this.#entitled.get(symbol) ?? 'live';
    if (e === 'live') return false;
    const type = this.#types.get(r.clientId) ?? 1;
    if (e === 'delayed' && (type === 3 || type === 4)) {
      r.send([errorMsg(reqId, 10167, 'Requested market data is not subscribed. Displaying delayed market data.')]);
      return true;
    }
    if (e === 'none-delayed-disabled' && (type === 3 || type === 4)) {
      r.send([errorMsg(reqId, 10168, 'Requested market data is not subscribed. Delayed market data is not enabled.')]);
      return null;
    }
    r.send([errorMsg(reqId, 354, 'Requested market data is not subscribed.Check API status by selecting the Account menu then under Management choose Market Data Subscription Manager and/or Subscription Manager.')]);
    return null;
  }
}
