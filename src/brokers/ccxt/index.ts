// Binance spot (and other ccxt exchanges) as a Sextant ExecutionClient: docs/venues/binance.md.
import { ConfigError } from '../../core/errors.ts';
import type { ExecutionClient, ExecutionSink } from '../../execution/execution-client.ts';
import { readCredentials } from '../shared/credentials.ts';
import { CcxtExecutionClient, type CcxtExecutionClientOptions } from './client.ts';

export { CcxtExecutionClient, CCXT_SPOT_CAPABILITIES, type CcxtExecutionClientOptions } from './client.ts';
export { classifyCcxtError, toSextantError, type CcxtErrorKind } from './errors.ts';
export { VenuePayloadError } from './parse.ts';

/** Options of the factory: the client's, with the credentials optional (read from the environment when absent). */
export type CcxtFactoryOptions = Omit<CcxtExecutionClientOptions, 'exchangeId' | 'apiKey' | 'secret' | 'password'> & {
  readonly exchangeId?: string;
  readonly apiKey?: string;
  readonly secret?: string;
  /** ccxt's `password` (OKX's API passphrase). */
  readonly password?: string;
  /** Where credentials are read when not given (default process.env): BINANCE_API_KEY / BINANCE_API_SECRET, OKX_API_PASSWORD. */
  readonly env?: Readonly<Record<string, string | undefined>>;
};

/**
 * The engine's entry point. Credentials come from `opts` or the environment
 * (`<EXCHANGE>_API_KEY` / `<EXCHANGE>_API_SECRET`, e.g. BINANCE_API_KEY); a missing one is a ConfigError
 * naming the variable. An exchange whose keys come with a passphrase (ccxt's `password`: OKX) reads it from
 * `<EXCHANGE>_API_PASSWORD` (OKX_API_PASSWORD), required there. The client starts disconnected: call connect().
 */
export function createCcxtExecutionClient(opts: CcxtFactoryOptions, sink: ExecutionSink): ExecutionClient & CcxtExecutionClient {
  const exchangeId = opts.exchangeId ?? 'binance';
  let apiKey = opts.apiKey;
  let secret = opts.secret;
  const prefix = exchangeId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const password = opts.password ?? (opts.env ?? process.env)[`${prefix}_API_PASSWORD`]?.trim();
  if (apiKey === undefined || secret === undefined) {
    const creds = readCredentials(opts.env ?? process.env, `${prefix}_API_KEY`, `${prefix}_API_SECRET`, { required: true, what: exchangeId })!;
    apiKey = creds.key;
    secret = creds.secret;
  }
  const client = new CcxtExecutionClient({ ...opts, exchangeId, apiKey, secret, ...(password !== undefined && password !== '' && { password }) }, sink);
  // Asked of the client's own exchange object (ccxt's requiredCredentials): no second one is made for it.
  if (client.missingPassword) throw new ConfigError(`${prefix}_API_PASSWORD must be set in the environment to trade on ${exchangeId} (the API key's passphrase)`);
  return client;
}
