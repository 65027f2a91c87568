// TWS -> client messages as a TWS of server version 176 writes them, field by field in the order the
// TWS API's EDecoder / EOrderDecoder reads them (IB's reference client, mirrored by @stoqey/ib's
// decoder: any field out of place there shows up as an "unprocessed data" or "underrun" error, which
// the tests assert never happens). Only what an order-routing session needs is written.
import type { Field } from './wire.ts';

export const SERVER_VERSION = 176;

/** Incoming message ids (IB's EDecoder constants). */
export const IN = {
  ORDER_STATUS: 3, ERR_MSG: 4, OPEN_ORDER: 5, NEXT_VALID_ID: 9, EXECUTION_DATA: 11, MANAGED_ACCTS: 15, CURRENT_TIME: 49, OPEN_ORDER_END: 53,
  EXECUTION_DATA_END: 55, COMMISSION_REPORT: 59, POSITION: 61, POSITION_END: 62, ACCOUNT_SUMMARY: 63, ACCOUNT_SUMMARY_END: 64,
  COMPLETED_ORDER: 101, COMPLETED_ORDERS_END: 102,
} as const;

/** Outgoing (client -> TWS) message ids. */
export const OUT = {
  PLACE_ORDER: 3, CANCEL_ORDER: 4, REQ_OPEN_ORDERS: 5, REQ_EXECUTIONS: 7, REQ_IDS: 8, REQ_AUTO_OPEN_ORDERS: 15, REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17, REQ_CURRENT_TIME: 49, REQ_GLOBAL_CANCEL: 58, REQ_POSITIONS: 61, REQ_ACCOUNT_SUMMARY: 62, CANCEL_ACCOUNT_SUMMARY: 63,
  CANCEL_POSITIONS: 64, START_API: 71, REQ_COMPLETED_ORDERS: 99,
} as const;

/** IB's "no value" for doubles in some messages (Double.MAX_VALUE). */
export const UNSET_DOUBLE = '1.7976931348623157E308';

export interface WireContract {
  readonly conId: number;
  readonly symbol: string;
  readonly secType: string;
  readonly lastTradeDateOrContractMonth?: string;
  readonly multiplier?: number;
  readonly exchange: string;
  readonly currency: string;
  readonly localSymbol: string;
  readonly tradingClass?: string;
}

export interface WireOrder {
  readonly orderId: number;
  readonly clientId: number;
  readonly permId: number;
  readonly action: 'BUY' | 'SELL';
  readonly totalQuantity: number;
  readonly orderType: string;
  readonly lmtPrice?: number;
  readonly auxPrice?: number;
  readonly tif: string;
  readonly account: string;
  readonly orderRef: string;
  readonly goodTillDate?: string;
  readonly trailStopPrice?: number;
  readonly trailingPercent?: number;
}

const contractFields = (c: WireContract): Field[] => [
  c.conId, c.symbol, c.secType, c.lastTradeDateOrContractMonth ?? '', 0, '', c.multiplier ?? '', c.exchange, c.currency, c.localSymbol, c.tradingClass ?? c.symbol,
];

export const nextValidId = (id: number): Field[] => [IN.NEXT_VALID_ID, 1, id];
export const managedAccounts = (accounts: readonly string[]): Field[] => [IN.MANAGED_ACCTS, 1, accounts.join(',')];
export const currentTime = (sec: number): Field[] => [IN.CURRENT_TIME, 1, sec];
/** An error or info message: id -1 for messages about no request (farm status, connectivity). */
export const errorMsg = (id: number, code: number, text: string, advancedOrderRejectJson = ''): Field[] => [IN.ERR_MSG, 2, id, code, text, advancedOrderRejectJson];

export function orderStatus(o: { orderId: number; status: string; filled: number; remaining: number; avgFillPrice: number; permId: number; lastFillPrice: number; clientId: number; whyHeld?: string }): Field[] {
  // From MARKET_CAP_PRICE (131) no version field; mktCapPrice last.
  return [IN.ORDER_STATUS, o.orderId, o.status, o.filled, o.remaining, o.avgFillPrice, o.permId, 0, o.lastFillPrice, o.clientId, o.whyHeld ?? '', 0];
}

/** OPEN_ORDER at server version 176 (>= ORDER_CONTAINER: no version field; < FA_PROFILE_DESUPPORT: faProfile sent). */
export function openOrder(c: WireContract, o: WireOrder, status: string): Field[] {
  const trailStop = o.trailStopPrice ?? '';
  return [
    IN.OPEN_ORDER, o.orderId, ...contractFields(c),
    o.action, o.totalQuantity, o.orderType, o.lmtPrice ?? '', o.auxPrice ?? '', o.tif, '' /* ocaGroup */, o.account, 'O' /* openClose */, 0 /* origin */, o.orderRef,
    o.clientId, o.permId, 0 /* outsideRth */, 0 /* hidden */, 0 /* discretionaryAmt */, '' /* goodAfterTime */, '' /* sharesAllocation */,
    '', '', '', '' /* faGroup, faMethod, faPercentage, faProfile */, '' /* modelCode */, o.goodTillDate ?? '',
    '' /* rule80A */, '' /* percentOffset */, '' /* settlingFirm */, 0, '', -1 /* shortSaleSlot, designatedLocation, exemptCode */, 0 /* auctionStrategy */,
    '', '', '' /* startingPrice, stockRefPrice, delta */, '', '' /* stockRangeLower/Upper */, '' /* displaySize */,
    0, 0, 0 /* blockOrder, sweepToFill, allOrNone */, '' /* minQty */, 3 /* ocaType */, 0, 0 /* eTradeOnly, firmQuoteOnly */, '' /* nbboPriceCap */,
    0 /* parentId */, 0 /* triggerMethod */,
    '', 0, '', '', 0, 0 /* volatility, volatilityType, deltaNeutralOrderType, deltaNeutralAuxPrice, continuousUpdate, referencePriceType */,
    trailStop, o.trailingPercent ?? '',
    '', '' /* basisPoints, basisPointsType */, '' /* comboLegsDescription */, 0, 0 /* comboLegs, orderComboLegs */, 0 /* smartComboRoutingParams */,
    '', '', '' /* scaleInitLevelSize, scaleSubsLevelSize, scalePriceIncrement */, '' /* hedgeType */, 0 /* optOutSmartRouting */,
    '', '' /* clearingAccount, clearingIntent */, 0 /* notHeld */, 0 /* deltaNeutralContract */, '' /* algoStrategy */, 0 /* solicited */,
    0 /* whatIf */, status, '', '', '', '', '', '', '', '', '' /* margins before/change/after */, '', '', '', '' /* commission, min, max, currency */, '' /* warningText */,
    0, 0 /* randomizeSize, randomizePrice */, 0 /* conditions */,
    '' /* adjustedOrderType */, '' /* triggerPrice */, trailStop, '' /* lmtPriceOffset */, '', '', '', 0 /* adjusted stop, stop limit, trailing amount, unit */,
    '', '', '' /* softDollarTier */, '' /* cashQty */, 0 /* dontUseAutoPriceForHedge */, 0 /* isOmsContainer */, 0 /* discretionaryUpToLimitPrice */,
    0 /* usePriceMgmtAlgo */, '' /* duration */, '' /* postToAts */, 0 /* autoCancelParent */, '', '', '', '', '' /* peg best / peg mid offsets */,
  ];
}

export const openOrderEnd = (): Field[] => [IN.OPEN_ORDER_END, 1];

/** COMPLETED_ORDER (no order id: the permId and orderRef identify it). */
export function completedOrder(c: WireContract, o: WireOrder, status: string, filled: number, completedTime: string, completedStatus: string): Field[] {
  const trailStop = o.trailStopPrice ?? '';
  return [
    IN.COMPLETED_ORDER, ...contractFields(c),
    o.action, o.totalQuantity, o.orderType, o.lmtPrice ?? '', o.auxPrice ?? '', o.tif, '', o.account, 'O', 0, o.orderRef,
    o.permId, 0, 0, 0, '' /* outsideRth, hidden, discretionaryAmt, goodAfterTime */, '', '', '' /* FA params */, '' /* modelCode */, o.goodTillDate ?? '',
    '', '', '' /* rule80A, percentOffset, settlingFirm */, 0, '', -1 /* short sale */, '', '', '' /* box */, '', '' /* peg to stock */, '' /* displaySize */,
    0, 0 /* sweepToFill, allOrNone */, '' /* minQty */, 3 /* ocaType */, 0 /* triggerMethod */,
    '', 0, '', '', 0, 0 /* volatility order params */, trailStop, o.trailingPercent ?? '',
    '', 0, 0 /* combo legs */, 0 /* smart combo routing */, '', '', '' /* scale */, '' /* hedgeType */, '', '' /* clearing */, 0 /* notHeld */, 0 /* deltaNeutral */,
    '' /* algoStrategy */, 0 /* solicited */, status, 0, 0 /* randomize */, 0 /* conditions */, trailStop, '' /* lmtPriceOffset */,
    '' /* cashQty */, 0, 0 /* dontUseAutoPriceForHedge, isOmsContainer */, '' /* autoCancelDate */, filled, 0 /* refFuturesConId */, 0 /* autoCancelParent */,
    '' /* shareholder */, 0, 0 /* imbalanceOnly, routeMarketableToBbo */, 0 /* parentPermId */, completedTime, completedStatus, '', '', '', '', '',
  ];
}

export const completedOrdersEnd = (): Field[] => [IN.COMPLETED_ORDERS_END];

export interface WireExecution {
  readonly reqId: number;
  readonly orderId: number;
  readonly execId: string;
  /** "yyyyMMdd HH:mm:ss <zone>" */
  readonly time: string;
  readonly account: string;
  readonly exchange: string;
  readonly side: 'BOT' | 'SLD';
  readonly shares: number;
  readonly price: number;
  readonly permId: number;
  readonly clientId: number;
  readonly cumQty: number;
  readonly avgPrice: number;
  readonly orderRef: string;
  /** 1 added liquidity, 2 removed, 3 routed out. */
  readonly lastLiquidity: number;
}

/** EXECUTION_DATA at server version >= LAST_LIQUIDITY (no version field). */
export function execDetails(c: WireContract, e: WireExecution): Field[] {
  return [
    IN.EXECUTION_DATA, e.reqId, e.orderId, ...contractFields(c),
    e.execId, e.time, e.account, e.exchange, e.side, e.shares, e.price, e.permId, e.clientId, 0 /* liquidation */, e.cumQty, e.avgPrice, e.orderRef,
    '', '' /* evRule, evMultiplier */, '' /* modelCode */, e.lastLiquidity,
  ];
}

export const execDetailsEnd = (reqId: number): Field[] => [IN.EXECUTION_DATA_END, 1, reqId];

export const commissionReport = (execId: string, commission: number, currency: string): Field[] => [IN.COMMISSION_REPORT, 1, execId, commission, currency, UNSET_DOUBLE, UNSET_DOUBLE, 0];

export const position = (account: string, c: WireContract, pos: number, avgCost: number): Field[] => [
  IN.POSITION, 3, account, c.conId, c.symbol, c.secType, c.lastTradeDateOrContractMonth ?? '', 0, '', c.multiplier ?? '', c.exchange, c.currency, c.localSymbol, c.tradingClass ?? c.symbol, pos, avgCost,
];
export const positionEnd = (): Field[] => [IN.POSITION_END, 1];

export const accountSummary = (reqId: number, account: string, tag: string, value: string, currency: string): Field[] => [IN.ACCOUNT_SUMMARY, 1, reqId, account, tag, value, currency];
export const accountSummaryEnd = (reqId: number): Field[] => [IN.ACCOUNT_SUMMARY_END, 1, reqId];
