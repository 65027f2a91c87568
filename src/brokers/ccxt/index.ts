// Binance spot (and other ccxt exchanges) as a Sextant ExecutionClient: docs/venues/binance.md.
import type { ExecutionClient, ExecutionSink } from '../../execution/execution-client.ts';
import { readCredentials } from '../shared/credentials.ts';
import { CcxtExecutionClient, type CcxtExecutionClientOptions } from './client.ts';

export { CcxtExecutionClient, CCXT_SPOT_CAPABILITIES, type CcxtExecutionClientOptions } from './client.ts';
export { classifyCcxtError, toSextantError, type CcxtErrorKind } from './errors.ts';
export { VenuePayloadError } from './parse.ts';

/** Options of the factory: the client's, with the credentials optional (read from the environment when absent). */
export type CcxtFactoryOptions = Omit<CcxtExecutionClientOptions, 'exchangeId' | 'apiKey' | 'secret'> & {
  readonly exchangeId?: string;
  readonly apiKey?: string;
  readonly secret?: string;
  /** Where credentials are read when not given (default process.env): BINANCE_API_KEY / BINANCE_API_SECRET. */
  readonly env?: Readonly<Record<string, string | undefined>>;
};

/**
 * The engine's entry point. Credentials come from `opts` or the environment
 * (`<EXCHANGE>_API_KEY` / `<EXCHANGE>_API_SECRET`, e.g. BINANCE_API_KEY); a missing one is a ConfigError
 * naming the variable. The client starts disconnected: call connect().
 */
export function createCcxtExecutionClient(opts: CcxtFactoryOptions, sink: ExecutionSink): ExecutionClient & CcxtExecutionClient {
  const exchangeId = opts.exchangeId ?? 'binance';
  let apiKey = opts.apiKey;
  let secret = opts.secret;
  if (apiKey === undefined || secret === undefined) {
    const prefix = exchangeId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    const creds = readCredentials(opts.env ?? process.env, `${prefix}_API_KEY`, `${prefix}_API_SECRET`, { required: true, what: exchangeId })!;
    apiKey = creds.key;
    secret = creds.secret;
  }
  return new CcxtExecutionClient({ ...opts, exchangeId, apiKey, secret }, sink);
}
