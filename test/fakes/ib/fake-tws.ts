// A fake TWS / IB Gateway on 127.0.0.1: the TWS API socket protocol (handshake, framed NUL-separated
// messages, server version 176) over the shared FakeExchange. It answers what an order-routing client
// sends (START_API, placeOrder incl. native modify, cancelOrder, reqGlobalCancel, reqOpenOrders /
// reqAllOpenOrders, reqCompletedOrders, reqExecutions, reqPositions, reqAccountSummary, reqIds,
// reqCurrentTime) with the messages real TWS sends (openOrder, orderStatus, execDetails +
// commissionReport, error codes 200/201/202/103/104/10147/10148, the farm "OK" info messages), and
// pushes order and execution events to the client that owns the order, as TWS does. Like TWS, it keeps
// nothing for a disconnected client: what happened while away must be asked for again.
// Test hooks: drop/refuse connections, send connectivity codes or raw messages, swallow the answers
// to the next placeOrder, correct an execution, and a log of every request.
import { createServer, type Server, type Socket } from 'node:net';
import { FakeExchange, isWorking, type FakeFill, type FakeOrder, type FakeType } from '../fake-exchange.ts';
import * as M from './messages.ts';
import { FieldCursor, FrameReader, frame, type Field } from './wire.ts';

export interface FakeTwsOptions {
  readonly account: string;
  /** Contracts of the exchange's symbols as TWS describes them. */
  readonly contracts: Readonly<Record<string, M.WireContract>>;
  /** Zone TWS writes execution times in. */
  readonly timeZone?: string;
  readonly nextOrderId?: number;
}

interface Session {
  readonly socket: Socket;
  clientId: number | null;
  started: boolean;
}

interface TwsOrder {
  readonly key: string;
  readonly orderId: number;
  readonly clientId: number;
  readonly permId: number;
  readonly orderRef: string;
  readonly contract: M.WireContract;
  readonly symbol: string;
  wire: M.WireOrder;
  fakeId: string;
  /** Answers withheld (the test's lost placeOrder answer). */
  muted: boolean;
}

interface TwsExec {
  readonly execId: string;
  readonly order: TwsOrder;
  readonly fill: FakeFill;
  readonly cumQty: number;
  readonly avgPrice: number;
  readonly corrected?: { readonly qty: number; readonly price: number };
}

/** A request the fake's own switch does not answer, offered to extensions (market data: ./market-data.ts). */
export interface ExtensionRequest {
  readonly msgId: number;
  readonly cursor: FieldCursor;
  readonly clientId: number | null;
  /** Sends messages to the session that asked (dropped once its socket is gone). */
  send(messages: readonly (readonly Field[])[]): void;
  alive(): boolean;
}

export interface LoggedRequest {
  readonly clientId: number | null;
  readonly msgId: number;
  readonly fields: readonly string[];
}

const TYPE_OF: Readonly<Record<string, FakeType>> = { MKT: 'market', LMT: 'limit', STP: 'stop', 'STP LMT': 'stop-limit', TRAIL: 'trailing-stop' };

export class FakeTws {
  readonly requests: LoggedRequest[] = [];
  readonly #extensions: ((r: ExtensionRequest) => boolean)[] = [];
  readonly #sessions = new Set<Session>();
  readonly #orders = new Map<string, TwsOrder>();
  readonly #byFakeId = new Map<string, TwsOrder>();
  readonly #execs: TwsExec[] = [];
  readonly #commissionCcy: string;
  #server: Server | null = null;
  #refusing = false;
  #nextOrderId: number;
  #placing: TwsOrder | null = null;
  #muteNextPlace = false;
  #session = Math.floor(Math.random() * 0xffffff);

  constructor(
    readonly exchange: FakeExchange,
    readonly opts: FakeTwsOptions,
  ) {
    this.#nextOrderId = opts.nextOrderId ?? 1;
    this.#commissionCcy = exchange.opts.currency;
    exchange.on('order', (o) => this.#onOrder(o));
    exchange.on('fill', (f, o) => this.#onFill(f, o));
  }

  async listen(): Promise<number> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port');
    return addr.port;
  }

  async close(): Promise<void> {
    for (const s of this.#sessions) s.socket.destroy();
    this.#sessions.clear();
    const server = this.#server;
    this.#server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Closes every client socket and refuses new ones until `restore()` (the venue keeps matching). */
  drop(): void {
    this.#refusing = true;
    for (const s of this.#sessions) s.socket.destroy();
    this.#sessions.clear();
  }

  restore(): void {
    this.#refusing = false;
  }

  /** Sends a message to every started session (connectivity codes, garbage, ...). */
  broadcast(fields: readonly Field[]): void {
    for (const s of this.#sessions) if (s.started) s.socket.write(frame(fields));
  }

  /** Sends raw bytes to every started session. */
  broadcastRaw(bytes: Buffer): void {
    for (const s of this.#sessions) if (s.started) s.socket.write(bytes);
  }

  /** Offers requests the fake does not answer itself to `fn` (true: handled). */
  extend(fn: (r: ExtensionRequest) => boolean): void {
    this.#extensions.push(fn);
  }

  /** The next placeOrder is carried out, but TWS's answers about it are lost until the client asks. */
  muteNextPlace(): void {
    this.#muteNextPlace = true;
  }

  /** Publishes a correction of a fill (same execId up to the last period, next suffix). */
  correct(tradeId: string, to: { qty: number; price: number }): string {
    const first = this.#execs.find((e) => e.fill.tradeId === tradeId);
    if (first === undefined) throw new Error(`no execution for trade ${tradeId}`);
    const n = this.#execs.filter((e) => e.fill.tradeId === tradeId).length + 1;
    const execId = `${first.execId.slice(0, first.execId.lastIndexOf('.'))}.${String(n).padStart(2, '0')}`;
    const ex: TwsExec = { ...first, execId, corrected: to };
    this.#execs.push(ex);
    this.#toOwner(first.order, [M.execDetails(first.order.contract, this.#wireExec(ex, -1)), M.commissionReport(execId, first.fill.commission, this.#commissionCcy)]);
    return execId;
  }

  /** Orders TWS holds, by orderRef (tests). */
  ordersByRef(orderRef: string): readonly { orderId: number; permId: number; status: string }[] {
    return [...this.#orders.values()].filter((o) => o.orderRef === orderRef).map((o) => ({ orderId: o.orderId, permId: o.permId, status: this.#fake(o)?.status ?? 'unknown' }));
  }

  #accept(socket: Socket): void {
    if (this.#refusing) {
      socket.destroy();
      return;
    }
    const s: Session = { socket, clientId: null, started: false };
    this.#sessions.add(s);
    const reader = new FrameReader(
      () => socket.write(frame([M.SERVER_VERSION, twsTime(this.exchange.now(), this.opts.timeZone ?? 'US/Eastern')])),
      (fields) => this.#request(s, fields),
    );
    socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('close', () => this.#sessions.delete(s));
    socket.on('error', () => this.#sessions.delete(s));
  }

  #send(s: Session, messages: readonly (readonly Field[])[]): void {
    if (s.socket.destroyed) return;
    for (const m of messages) s.socket.write(frame(m));
  }

  #toOwner(o: TwsOrder, messages: readonly (readonly Field[])[]): void {
    if (o.muted) return;
    for (const s of this.#sessions) if (s.started && s.clientId === o.clientId) this.#send(s, messages);
  }

  #request(s: Session, fields: string[]): void {
    const c = new FieldCursor(fields);
    const msgId = c.int();
    this.requests.push({ clientId: s.clientId, msgId, fields });
    switch (msgId) {
      case M.OUT.START_API: {
        c.int(); // version
        const clientId = c.int();
        if ([...this.#sessions].some((x) => x !== s && x.started && x.clientId === clientId)) {
          this.#send(s, [M.errorMsg(-1, 326, 'Unable to connect as the client id is already in use. Retry with a unique client id.')]);
          s.socket.end();
          return;
        }
        s.clientId = clientId;
        s.started = true;
        this.#send(s, [
          M.managedAccounts([this.opts.account]),
          M.nextValidId(this.#nextOrderId),
          M.errorMsg(-1, 2104, 'Market data farm connection is OK:usfarm'),
          M.errorMsg(-1, 2106, 'HMDS data farm connection is OK:ushmds'),
          M.errorMsg(-1, 2158, 'Sec-def data farm connection is OK:secdefnj'),
        ]);
        return;
      }
      case M.OUT.PLACE_ORDER:
        return this.#placeOrder(s, c);
      case M.OUT.CANCEL_ORDER: {
        c.int(); // version
        return this.#cancelOrder(s, c.int());
      }
      case M.OUT.REQ_GLOBAL_CANCEL:
        for (const o of this.exchange.openOrders()) {
          const tws = this.#byFakeId.get(o.venueOrderId);
          if (tws !== undefined) this.#toOwner(tws, [M.errorMsg(tws.orderId, 202, 'Order Canceled - reason:')]);
        }
        this.exchange.cancelAll();
        return;
      case M.OUT.REQ_OPEN_ORDERS:
      case M.OUT.REQ_ALL_OPEN_ORDERS: {
        const out: Field[][] = [];
        for (const o of this.#orders.values()) {
          const f = this.#fake(o);
          if (f === undefined || !isWorking(f)) continue;
          if (msgId === M.OUT.REQ_OPEN_ORDERS && o.clientId !== s.clientId) continue;
          o.muted = false;
          out.push(M.openOrder(o.contract, this.#wireOrder(o, f), twsStatus(f)), this.#status(o, f));
        }
        out.push(M.openOrderEnd());
        return this.#send(s, out);
      }
      case M.OUT.REQ_COMPLETED_ORDERS: {
        const out: Field[][] = [];
        for (const o of this.#orders.values()) {
          const f = this.#fake(o);
          if (f === undefined || isWorking(f)) continue;
          const completedStatus = f.status === 'filled' ? 'Filled' : f.status === 'rejected' ? `Rejected: ${f.reason}` : f.status === 'expired' ? 'Cancelled: expired' : 'Cancelled by Trader';
          out.push(M.completedOrder(o.contract, this.#wireOrder(o, f), twsStatus(f), f.filledQty, twsTime(f.updatedMs, this.opts.timeZone ?? 'US/Eastern'), completedStatus));
        }
        out.push(M.completedOrdersEnd());
        return this.#send(s, out);
      }
      case M.OUT.REQ_EXECUTIONS: {
        c.int(); // version
        const reqId = c.int();
        const clientId = c.str();
        const acct = c.str();
        const time = c.str();
        const symbol = c.str();
        c.str(); // secType
        c.str(); // exchange
        const side = c.str();
        const sinceMs = time === '' ? 0 : filterTimeMs(time);
        const out: Field[][] = [];
        for (const e of this.#execs) {
          if (clientId !== '' && clientId !== '0' && Number(clientId) !== e.order.clientId) continue;
          if (acct !== '' && acct !== this.opts.account) continue;
          if (symbol !== '' && symbol !== e.order.contract.symbol) continue;
          if (side !== '' && side !== (e.fill.side === 'buy' ? 'BUY' : 'SELL')) continue;
          if (Math.floor(e.fill.tsMs / 1000) * 1000 < sinceMs) continue;
          out.push(M.execDetails(e.order.contract, this.#wireExec(e, reqId)), M.commissionReport(e.execId, e.fill.commission, this.#commissionCcy));
        }
        out.push(M.execDetailsEnd(reqId));
        return this.#send(s, out);
      }
      case M.OUT.REQ_POSITIONS: {
        const held = new Map(this.exchange.positions().map((p) => [p.symbol, p]));
        const out: Field[][] = [];
        // TWS lists positions closed during the day too, at 0.
        const traded = new Set(this.exchange.fills().map((f) => f.symbol));
        for (const symbol of new Set([...held.keys(), ...traded])) {
          const p = held.get(symbol);
          const contract = this.opts.contracts[symbol]!;
          const mult = contract.multiplier ?? 1;
          out.push(M.position(this.opts.account, contract, p?.qty ?? 0, (p?.avgPrice ?? 0) * mult));
        }
        out.push(M.positionEnd());
        return this.#send(s, out);
      }
      case M.OUT.REQ_ACCOUNT_SUMMARY: {
        c.int(); // version
        const reqId = c.int();
        c.str(); // group
        const tags = c.str().split(',');
        const b = this.exchange.balance();
        const values: Record<string, string> = { TotalCashValue: String(b.total), AvailableFunds: String(b.free), NetLiquidation: String(b.total), BuyingPower: String(b.free * 4) };
        const out: Field[][] = [M.accountSummary(reqId, this.opts.account, 'AccountType', 'INDIVIDUAL', '')];
        for (const tag of tags) if (values[tag] !== undefined) out.push(M.accountSummary(reqId, this.opts.account, tag, values[tag], b.currency));
        out.push(M.accountSummaryEnd(reqId));
        return this.#send(s, out);
      }
      case M.OUT.REQ_IDS:
        return this.#send(s, [M.nextValidId(this.#nextOrderId)]);
      case M.OUT.REQ_CURRENT_TIME:
        return this.#send(s, [M.currentTime(Math.floor(this.exchange.now() / 1000))]);
      default:
        for (const ext of this.#extensions) {
          if (ext({ msgId, cursor: c, clientId: s.clientId, send: (m) => this.#send(s, m), alive: () => !s.socket.destroyed && this.#sessions.has(s) })) return;
        }
        return; // cancelPositions, cancelAccountSummary, reqAutoOpenOrders, ...: nothing to answer
    }
  }

  #placeOrder(s: Session, c: FieldCursor): void {
    const orderId = c.int();
    c.int(); // conId
    const symbol = c.str();
    const secType = c.str();
    const expiry = c.str();
    c.skip(3); // strike, right, multiplier
    const exchange = c.str();
    c.str(); // primaryExch
    const currency = c.str();
    c.skip(4); // localSymbol, tradingClass, secIdType, secId
    const action = c.str();
    const qty = Number(c.str());
    const orderType = c.str();
    const lmtPrice = c.num();
    const auxPrice = c.num();
    const tif = c.str();
    c.str(); // ocaGroup
    const account = c.str();
    c.skip(2); // openClose, origin
    const orderRef = c.str();
    c.skip(8); // transmit, parentId, blockOrder, sweepToFill, displaySize, triggerMethod, outsideRth, hidden
    c.skip(3); // sharesAllocation, discretionaryAmt, goodAfterTime
    const goodTillDate = c.str();
    c.skip(5); // faGroup, faMethod, faPercentage, faProfile, modelCode
    c.skip(3); // shortSaleSlot, designatedLocation, exemptCode
    c.skip(15); // ocaType, rule80A, settlingFirm, allOrNone, minQty, percentOffset, eTradeOnly, firmQuoteOnly, nbboPriceCap, auctionStrategy, startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper
    c.skip(3); // overridePercentageConstraints, volatility, volatilityType
    const dnType = c.str();
    c.str(); // deltaNeutralAuxPrice
    if (dnType !== '') c.skip(8);
    c.skip(2); // continuousUpdate, referencePriceType
    const trailStopPrice = c.num();
    const trailingPercent = c.num();

    const clientId = s.clientId ?? 0;
    const key = `${clientId}:${orderId}`;
    const reply = (code: number, text: string): void => this.#send(s, [M.errorMsg(orderId, code, text)]);
    const known = this.#orders.get(key);
    if (known !== undefined) return this.#modify(s, known, { qty, lmtPrice, auxPrice });
    if (!(orderId > 0)) return reply(103, 'Duplicate order id');

    const sym = Object.keys(this.opts.contracts).find((k) => {
      const ct = this.opts.contracts[k]!;
      return ct.symbol === symbol && ct.secType === secType && ct.currency === currency && (secType !== 'FUT' || ct.lastTradeDateOrContractMonth?.startsWith(expiry.slice(0, 6)));
    });
    if (sym === undefined) return reply(200, 'No security definition has been found for the request');
    if (account !== this.opts.account) return reply(321, `Error validating request.-'bN' : cause - The account code ${account === '' ? 'is required' : 'is not valid'}`);
    const type = TYPE_OF[orderType];
    if (type === undefined) return reply(387, 'Unsupported order type for this exchange and security type.');
    if (!['DAY', 'GTC', 'IOC', 'FOK', 'GTD'].includes(tif)) return reply(201, `Order rejected - reason:Invalid time in force ${tif}`);
    if (tif === 'GTD' && goodTillDate === '') return reply(201, 'Order rejected - reason:Good till date is required for GTD orders');
    void exchange;

    const contract = this.opts.contracts[sym]!;
    this.#nextOrderId = Math.max(this.#nextOrderId, orderId + 1);
    const muted = this.#muteNextPlace;
    this.#muteNextPlace = false;
    const wire: M.WireOrder = {
      orderId, clientId, permId: 0, action: action === 'BUY' ? 'BUY' : 'SELL', totalQuantity: qty, orderType, tif, account, orderRef,
      ...(lmtPrice !== undefined && { lmtPrice }), ...(auxPrice !== undefined && { auxPrice }),
      ...(goodTillDate !== '' && { goodTillDate }), ...(trailStopPrice !== undefined && { trailStopPrice }), ...(trailingPercent !== undefined && { trailingPercent }),
    };
    const pending: TwsOrder = { key, orderId, clientId, permId: 0, orderRef, contract, symbol: sym, wire, fakeId: '', muted };
    this.#placing = pending;
    const res = this.exchange.place({
      clientOrderId: key,
      symbol: sym,
      side: action === 'BUY' ? 'buy' : 'sell',
      type,
      tif,
      qty,
      ...(lmtPrice !== undefined && (type === 'limit' || type === 'stop-limit') && { limitPrice: lmtPrice }),
      ...(auxPrice !== undefined && (type === 'stop' || type === 'stop-limit') && { stopPrice: auxPrice }),
      ...(type === 'trailing-stop' && { trailing: trailingPercent !== undefined ? { kind: 'percent' as const, value: trailingPercent } : { kind: 'amount' as const, value: auxPrice ?? 0 } }),
    });
    this.#placing = null;
    if (!res.ok) {
      if (res.code === 'duplicate') return reply(103, 'Duplicate order id');
      if (res.code === 'unknown-symbol') return reply(200, 'No security definition has been found for the request');
      reply(201, `Order rejected - reason:${res.message}`);
      this.#send(s, [M.orderStatus({ orderId, status: 'Inactive', filled: 0, remaining: qty, avgFillPrice: 0, permId: 0, lastFillPrice: 0, clientId })]);
    }
  }

  #modify(s: Session, o: TwsOrder, m: { qty: number; lmtPrice: number | undefined; auxPrice: number | undefined }): void {
    const f = this.#fake(o);
    if (f === undefined) return;
    if (!isWorking(f)) {
      this.#send(s, [M.errorMsg(o.orderId, f.status === 'filled' ? 104 : 105, f.status === 'filled' ? "Can't modify a filled order." : 'Order being modified does not match original order.')]);
      return;
    }
    const changes = {
      ...(m.qty !== f.qty && { qty: m.qty }),
      ...((f.type === 'limit' || f.type === 'stop-limit') && m.lmtPrice !== undefined && m.lmtPrice !== f.limitPrice && { limitPrice: m.lmtPrice }),
      ...((f.type === 'stop' || f.type === 'stop-limit') && m.auxPrice !== undefined && m.auxPrice !== f.stopPrice && { stopPrice: m.auxPrice }),
    };
    o.wire = { ...o.wire, totalQuantity: m.qty, ...(m.lmtPrice !== undefined && { lmtPrice: m.lmtPrice }), ...(m.auxPrice !== undefined && { auxPrice: m.auxPrice }) };
    if (Object.keys(changes).length === 0) {
      // The same terms again (a resend of a lost placeOrder): TWS answers with the order as it stands.
      this.#send(s, [M.openOrder(o.contract, this.#wireOrder(o, f), twsStatus(f)), this.#status(o, f)]);
      return;
    }
    const res = this.exchange.modify({ venueOrderId: o.fakeId }, changes);
    if (!res.ok) this.#send(s, [M.errorMsg(o.orderId, 201, `Order rejected - reason:${res.message}`)]);
  }

  #cancelOrder(s: Session, orderId: number): void {
    const o = this.#orders.get(`${s.clientId ?? 0}:${orderId}`);
    if (o === undefined) return this.#send(s, [M.errorMsg(orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`)]);
    const f = this.#fake(o);
    if (f === undefined || !isWorking(f)) return this.#send(s, [M.errorMsg(orderId, 10148, `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${f === undefined ? 'Unknown' : twsStatus(f)}.`)]);
    this.#toOwner(o, [M.errorMsg(orderId, 202, 'Order Canceled - reason:')]);
    this.exchange.cancel({ venueOrderId: o.fakeId });
  }

  #fake(o: TwsOrder): FakeOrder | undefined {
    return this.exchange.order({ venueOrderId: o.fakeId });
  }

  #onOrder(f: FakeOrder): void {
    let o = this.#byFakeId.get(f.venueOrderId);
    if (o === undefined) {
      const p = this.#placing;
      if (p === null) return;
      o = { ...p, permId: Number(f.venueOrderId), fakeId: f.venueOrderId };
      o.wire = { ...o.wire, permId: o.permId };
      this.#orders.set(o.key, o);
      this.#byFakeId.set(f.venueOrderId, o);
    }
    const status = twsStatus(f);
    // TWS sends openOrder while an order works or as it ends, and orderStatus with every change.
    this.#toOwner(o, [M.openOrder(o.contract, this.#wireOrder(o, f), status), this.#status(o, f)]);
  }

  #onFill(fill: FakeFill, f: FakeOrder): void {
    const o = this.#byFakeId.get(f.venueOrderId) ?? this.#placing;
    if (o === null || o === undefined) return;
    if (o.fakeId === '') this.#onOrder(f);
    const owner = this.#byFakeId.get(f.venueOrderId)!;
    const execId = `${(0x1000 + Number(fill.tradeId) % 0xffff).toString(16).padStart(8, '0')}.${this.#session.toString(16).padStart(8, '0')}.01.01`;
    const ex: TwsExec = { execId, order: owner, fill, cumQty: f.filledQty, avgPrice: f.avgFillPrice };
    this.#execs.push(ex);
    this.#toOwner(owner, [M.execDetails(owner.contract, this.#wireExec(ex, -1)), M.commissionReport(execId, fill.commission, this.#commissionCcy)]);
  }

  #wireOrder(o: TwsOrder, f: FakeOrder): M.WireOrder {
    return {
      ...o.wire,
      totalQuantity: f.qty,
      ...(f.limitPrice !== null && { lmtPrice: f.limitPrice }),
      ...(f.type !== 'trailing-stop' && f.stopPrice !== null && { auxPrice: f.stopPrice }),
      ...(f.type === 'trailing-stop' && f.stopPrice !== null && { trailStopPrice: f.stopPrice }),
    };
  }

  #status(o: TwsOrder, f: FakeOrder): Field[] {
    return M.orderStatus({ orderId: o.orderId, status: twsStatus(f), filled: f.filledQty, remaining: f.qty - f.filledQty, avgFillPrice: f.avgFillPrice, permId: o.permId, lastFillPrice: 0, clientId: o.clientId });
  }

  #wireExec(e: TwsExec, reqId: number): M.WireExecution {
    return {
      reqId, orderId: e.order.orderId, execId: e.execId, time: twsTime(e.fill.tsMs, this.opts.timeZone ?? 'US/Eastern'), account: this.opts.account, exchange: 'ISLAND',
      side: e.fill.side === 'buy' ? 'BOT' : 'SLD', shares: e.corrected?.qty ?? e.fill.qty, price: e.corrected?.price ?? e.fill.price, permId: e.order.permId,
      clientId: e.order.clientId, cumQty: e.cumQty, avgPrice: e.avgPrice, orderRef: e.order.orderRef, lastLiquidity: e.fill.liquidity === 'maker' ? 1 : 2,
    };
  }
}

/** TWS's order status words for the fake's states (a held stop is PreSubmitted until it triggers). */
function twsStatus(f: FakeOrder): string {
  switch (f.status) {
    case 'new':
      return (f.type === 'stop' || f.type === 'stop-limit' || f.type === 'trailing-stop') && !f.triggered ? 'PreSubmitted' : 'Submitted';
    case 'partially-filled':
      return 'Submitted';
    case 'filled':
      return 'Filled';
    case 'canceled':
    case 'expired':
      return 'Cancelled';
    case 'rejected':
      return 'Inactive';
  }
}

/** "yyyyMMdd HH:mm:ss <zone>": wall time in the zone, as TWS writes execution and connection times. */
export function twsTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(ms);
  const g = (t: string): string => parts.find((p) => p.type === t)!.value;
  return `${g('year')}${g('month')}${g('day')} ${g('hour')}:${g('minute')}:${g('second')} ${zone}`;
}

/** An execution filter's time: "yyyyMMdd-HH:mm:ss" is UTC. */
function filterTimeMs(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})[- ](\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (m === null) return 0;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}
