// Market hours for live trading: an order that must execute at once (market, IOC, FOK) is denied while
// its instrument's session is closed (an equity outside NYSE hours), instead of reaching a venue that
// would queue it for the open or reject it. Orders that rest (limits and stops, DAY or GTC) pass: the
// venue holds them until the session opens. 24/7 calendars (crypto) are always open.
import { isSessionOpen } from '../../data/sessions.ts';
import type { Instrument, TradingCalendar } from '../../model/instrument.ts';
import type { Order } from '../../model/order.ts';
import type { PreTradeCheck, RiskView } from '../risk-engine.ts';

export class MarketHoursCheck implements PreTradeCheck {
  readonly name = 'market-hours';
  readonly #calendars: ReadonlyMap<string, TradingCalendar>;

  constructor(instruments: readonly Instrument[]) {
    this.#calendars = new Map(instruments.map((i) => [i.symbol, i.calendar]));
  }

  check(order: Order, _refPrice: number, view: RiskView): string | null {
    const calendar = this.#calendars.get(order.symbol);
    if (calendar === undefined || calendar.kind === '24/7') return null;
    const immediate = order.type === 'market' || order.tif === 'IOC' || order.tif === 'FOK';
    if (!immediate) return null;
    if (view.nowMs === undefined) return 'the risk view does not provide nowMs()';
    if (isSessionOpen(calendar, view.nowMs())) return null;
    return `market closed: ${order.symbol} trades ${describe(calendar)}; a ${order.type === 'market' ? 'market order' : `${order.tif} order`} cannot execute now (a limit or stop order rests until the open)`;
  }
}

function describe(c: TradingCalendar & { kind: 'sessions' }): string {
  const hm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const days = c.weekdays.join(',') === '1,2,3,4,5' ? 'Monday to Friday' : `on ISO weekdays ${c.weekdays.join(',')}`;
  return `${hm(c.openMinute)}-${hm(c.closeMinute)} ${c.timeZone}, ${days}`;
}
