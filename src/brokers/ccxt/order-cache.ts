// ccxt.pro keeps what it hears on the user-data stream in two ArrayCacheBySymbolById caches (Binance: orders up
// to `ordersLimit`, trades up to `tradesLimit`, 1,000 each). Two steps of ccxt's append cost time in proportion
// to the cache's size, on every user-data update once the cache is full (profile of the orders/s bench: most of
// ccxt's user-data handling on the node's thread):
// - an update of an order it holds (every order: NEW, then TRADE) moves it to the end of the array by scanning
//   from the front, reading id and symbol of each entry (dictionary-mode objects);
// - a new entry in a full cache evicts the oldest, then asks whether its symbol's id map is now empty with
//   Object.keys on that map (1,000 keys when one symbol trades).
// The caches stay ccxt's, fed by ccxt with every update and of the same size; nothing is dropped. Only those two
// steps are made short, leaving the cache exactly as ccxt's own append would (same array order, same id maps,
// same new-update counts):
// - the held entry is found by identity (Array.prototype.indexOf, native) and moved to the front, keeping the
//   others' order, so ccxt's scan stops at its first entry;
// - when ccxt is about to evict, the evicted entry's id map is lent to ccxt as a map of that one entry (ccxt
//   deletes it there and asks Object.keys of a map of at most two), then the real map gets the same change; the
//   count of entries per symbol kept here says whether the real map is empty.
// ccxt replaces a cache when it cleans its WebSocket data (`this.orders = undefined`, a new one at the next
// update): every cache assigned to the exchange's `orders` or `myTrades` is treated the same way.
// Binance spot executionReports no longer reach these caches (execution-report.ts reads them); the caches serve
// the other exchanges' user-data streams (OKX's orders channel).
import type { Exchange } from 'ccxt';

type Entry = Record<string, unknown>;
type IdMap = Record<string, Entry>;
export interface KeyedCache extends Array<Entry> {
  hashmap: Record<string, IdMap | undefined>;
  keyField?: string;
  maxSize?: number;
  append(item: Entry): void;
}

const isKeyedCache = (v: unknown): v is KeyedCache =>
  Array.isArray(v) && typeof (v as Partial<KeyedCache>).append === 'function' && typeof (v as Partial<KeyedCache>).hashmap === 'object';

const patched = new WeakSet<object>();

/** Gives one ArrayCacheBySymbolById the short scan and the short eviction (idempotent). */
export function shortenCache(c: KeyedCache): void {
  if (patched.has(c)) return;
  patched.add(c);
  const append = c.append;
  // Entries per key (symbol), as ccxt's id maps hold them; counted once for a cache that is not empty.
  const counts = new Map<string, number>();
  for (const [k, m] of Object.entries(c.hashmap)) if (m !== undefined) counts.set(k, Object.keys(m).length);
  const field = (): string => c.keyField ?? 'symbol';

  const shortAppend = (item: Entry): void => {
    const kf = field();
    const key = item[kf] as string;
    const id = item.id as string;
    const held = c.hashmap[key]?.[id];
    if (held !== undefined) {
      const i = Array.prototype.indexOf.call(c, held);
      // Held but not in the array (ccxt then leaves the array as it is): ccxt's own append, unchanged.
      if (i < 0) return append.call(c, item);
      for (let j = i; j > 0; j--) c[j] = c[j - 1]!;
      c[0] = held;
      // ccxt finds it first, removes it (the array is one shorter, so nothing is evicted) and appends it.
      return append.call(c, item);
    }
    const full = c.maxSize !== undefined && c.maxSize > 0 && c.length === c.maxSize;
    if (!full) {
      append.call(c, item);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return;
    }
    const evicted = c[0]!;
    const ek = evicted[kf] as string;
    const eid = evicted.id as string;
    const real = c.hashmap[ek];
    if (real === undefined) return append.call(c, item);
    const lent: IdMap = { [eid]: evicted };
    c.hashmap[ek] = lent;
    append.call(c, item);
    // ccxt deleted the evicted id from the lent map (and the new item went into it when it has the same key).
    delete real[eid];
    for (const k of Object.keys(lent)) real[k] = lent[k]!;
    const left = (counts.get(ek) ?? 1) - 1;
    counts.set(ek, left);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (ek === key || left > 0) c.hashmap[ek] = real;
    else counts.delete(ek);
  };
  // Not enumerable: the cache is an Array its readers iterate.
  Object.defineProperty(c, 'append', { configurable: true, writable: true, value: shortAppend });
}

/** Every orders and my-trades cache this exchange holds, now and after ccxt replaces it, gets the short steps. */
export function useShortUserDataCaches(ex: Exchange): void {
  const host = ex as unknown as Record<'orders' | 'myTrades', unknown>;
  for (const name of ['orders', 'myTrades'] as const) {
    let current = host[name];
    if (isKeyedCache(current)) shortenCache(current);
    Object.defineProperty(host, name, {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (v: unknown) => {
        current = v;
        if (isKeyedCache(v)) shortenCache(v);
      },
    });
  }
}
