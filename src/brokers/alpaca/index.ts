// Alpaca (stocks and crypto) through @alpacahq/alpaca-trade-api: the execution client the engine builds.
export { ALPACA_CAPABILITIES, AlpacaExecutionClient, createAlpacaExecutionClient, type AlpacaClientOptions } from './client.ts';
export { AlpacaRejectedError, AlpacaRetryableError } from './errors.ts';
export { AlpacaPayloadError } from './parse.ts';
export { AlpacaLiveFeed, createAlpacaLiveFeed, type AlpacaFeedOptions } from './feed.ts';
export { AlpacaHistory, type AlpacaHistoryOptions } from './history.ts';
