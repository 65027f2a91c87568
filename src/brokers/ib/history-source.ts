// IB's bar history as a HistorySource (src/data/history-source.ts) for `sextant data download --venue ib`:
// its own API connection to TWS / IB Gateway (opened at the first prepare), and pages of bars through
// IbHistory (./history.ts: IB's duration limits per bar size, pacing, formatDate=2 bars checked with zod).
// A request cut off by a dropped socket reconnects and is asked again (up to 3 times).
import { EventName } from '@stoqey/ib';
import { RetryableVenueError } from '../../core/errors.ts';
import type { HistoryBar, HistoryPageRequest, HistorySource } from '../../data/history-source.ts';
import { IbHistory, ibBarSize } from './history.ts';
import { IbSession } from './stream.ts';
import { IbSymbols, type IbContractSpec } from './symbols.ts';

export interface IbHistorySourceOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: number;
  readonly contracts?: Readonly<Record<string, IbContractSpec>>;
  readonly connectTimeoutMs?: number;
  /** History pacing and timeouts (./history.ts). */
  readonly history?: { readonly pacing?: { readonly requests: number; readonly perMs: number }; readonly timeoutMs?: number; readonly pacingBackoffMs?: number };
  readonly onRetry?: (reason: string, attempt: number, waitMs: number) => void;
}

/** One IB window holds at most a day of minutes (1 D of 1 min bars); the longer bar sizes hold fewer. */
const MAX_PAGE = 1_440;

export function createIbHistorySource(opts: IbHistorySourceOptions): HistorySource {
  const symbols = new IbSymbols(opts.contracts);
  let history: IbHistory | null = null;
  const session: IbSession = new IbSession(
    { host: opts.host, port: opts.port, clientId: opts.clientId },
    {
      openOrder: () => undefined, orderStatus: () => undefined, execution: () => undefined, commission: () => undefined,
      message: (code, reqId, text) => void history?.onError(reqId, code, text),
      dropped: () => history?.failAll('the link to TWS closed'),
      bad: () => undefined,
      wire: (on) =>
        on(EventName.historicalData, 'historicalData', (reqId: unknown, time: unknown, open: unknown, high: unknown, low: unknown, close: unknown, volume: unknown) => {
          history?.onBar(reqId as number, time, open, high, low, close, volume);
        }),
    },
  );
  history = new IbHistory({ api: () => session.api, symbols, ...opts.history });
  const connected = async (): Promise<void> => {
    if (!session.connected) await session.connect(opts.connectTimeoutMs ?? 5_000);
  };
  return {
    venue: 'ib',
    maxPageBars: MAX_PAGE,
    async prepare(symbol: string, timeframe: string) {
      const size = ibBarSize(timeframe);
      symbols.contractOf(symbol);
      await connected();
      return { symbol, timeframeMs: size.ms };
    },
    async fetchPage(req: HistoryPageRequest): Promise<HistoryBar[]> {
      for (let attempt = 1; ; attempt++) {
        try {
          await connected();
          return await history!.bars(req.symbol, req.timeframe, req.fromMs, req.toMs, req.limit);
        } catch (e) {
          if (!(e instanceof RetryableVenueError) || attempt >= 3) throw e;
          const wait = 500 * attempt;
          opts.onRetry?.(e.message, attempt, wait);
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    },
    async close() {
      await session.disconnect();
    },
  };
}
