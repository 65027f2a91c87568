// A running bot's candles for a chart: the bars its node holds in memory for a symbol (every bar its feed
// pushed since the node started; a restarted node starts again empty), aggregated and with indicators as
// asked (app/candle-window.ts), and the bot's fills of that symbol in the window (entries and exits).
// A stopped bot has no bars to show: its node, and so its bars, are gone (409).
import { InputError } from '../../core/errors.ts';
import type { FillLog } from '../../engine/fill-log.ts';
import { inferTimeframeMs } from '../../data/timeframe.ts';
import { ConflictError } from '../app-errors.ts';
import { candleWindow } from '../candle-window.ts';
import { bucketMs, formatTimeframe, parseIndicatorList, timeframesFor, type BotCandlesQuery, type CandleFill, type Candles } from '../candles.ts';
import type { BotService } from './bot-service.ts';

export class BotCandles {
  readonly #bots: BotService;

  constructor(bots: BotService) {
    this.#bots = bots;
  }

  candles(id: string, q: BotCandlesQuery): Candles {
    const session = this.#bots.sessionOrNull(id);
    if (session === null) throw new ConflictError(`bot "${id}" is not running: a bot's bars are kept by its running node only (start it to chart it, or chart a stored data set)`, { field: 'id' });
    const node = session.node.node;
    const symbols = node.feeds.map((f) => f.symbol);
    const symbol = q.symbol ?? symbols[0];
    const feed = symbol === undefined ? undefined : node.feedOf(symbol);
    if (symbol === undefined || feed === undefined) throw new InputError(`bot "${id}" does not trade ${q.symbol ?? 'any symbol'}; its symbols: ${symbols.join(', ')}`, { field: 'symbol' });
    const indicators = parseIndicatorList(q.indicators);
    const series = feed.series;
    const barMs = series.timeframeMs > 0 ? series.timeframeMs : inferTimeframeMs(series.time, series.length);
    const size = bucketMs(q.timeframe, barMs, symbol);
    const win = candleWindow(series, { bucketMs: size, limit: q.limit, indicators });
    return {
      source: `bot:${id}`, symbol, symbols, timeframe: q.timeframe ?? formatTimeframe(size), timeframeMs: size, barMs, timeframes: timeframesFor(barMs),
      ...win,
      fills: win.bars.length === 0 ? [] : this.#fills(session.node.kernel.fills, symbol, win.bars[0]!.tsMs),
      note: `${formatTimeframe(barMs)} bars of the running node since it started (kept in its memory)`,
    };
  }

  /** The fills of `symbol` at or after `fromMs`, oldest first (the log is in booking order: walked from its end). */
  #fills(log: FillLog, symbol: string, fromMs: number): CandleFill[] {
    const out: CandleFill[] = [];
    for (let i = log.length - 1; i >= 0; i--) {
      const f = log.at(i)!;
      if (f.tsMs < fromMs) break;
      if (f.symbol === symbol) out.push({ tsMs: f.tsMs, side: f.side, price: f.price, qty: f.qty, strategyId: f.strategyId, orderId: f.orderId });
    }
    return out.reverse();
  }
}
