// Symbols between Sextant and Alpaca. Equities are the same ticker on both sides ('AAPL'); crypto pairs
// are 'BTC/USD' in Sextant and in Alpaca's orders, but Alpaca's positions (and some activities) spell
// them without the slash ('BTCUSD'). Crypto also narrows what an order may be: GTC or IOC only.

/** Quote currencies Alpaca lists crypto pairs against, longest first (so 'USDT' wins over 'USD'). */
const CRYPTO_QUOTES = ['USDT', 'USDC', 'USD', 'BTC'] as const;

export function isCrypto(symbol: string): boolean {
  return symbol.includes('/');
}

/** The symbol Alpaca's order endpoints take for a Sextant symbol. */
export function toAlpacaSymbol(symbol: string): string {
  return symbol.toUpperCase();
}

/**
 * A symbol as Alpaca reported it, in Sextant's spelling. `assetClass` is the payload's `asset_class`:
 * a crypto symbol without its slash gets it back ('BTCUSD' -> 'BTC/USD').
 */
export function fromAlpacaSymbol(symbol: string, assetClass?: string | null): string {
  if (assetClass !== 'crypto' || symbol.includes('/')) return symbol;
  for (const q of CRYPTO_QUOTES) if (symbol.length > q.length && symbol.endsWith(q)) return `${symbol.slice(0, -q.length)}/${q}`;
  return symbol;
}
