// The short scan and short eviction given to ccxt's user-data caches (src/brokers/ccxt/order-cache.ts) leave
// each cache exactly as ccxt's own append would: the same sequence of orders and trades (new ids, updates of
// held ids, several symbols, a full cache evicting, polls of all symbols and of one) is fed to a plain
// ArrayCacheBySymbolById and to a shortened one, and after every step the array, the id maps and what a
// watch would be handed are compared.
import { describe, expect, it } from 'vitest';
// ccxt does not export its caches; the test reads the class the installed ccxt.pro uses.
import { ArrayCacheBySymbolById } from '../../node_modules/ccxt/js/src/base/ws/Cache.js';
import { shortenCache, type KeyedCache } from '../../src/brokers/ccxt/order-cache.ts';

type Cache = KeyedCache & { getLimit(symbol: string | undefined, limit: number | undefined): number };

/** Deterministic pseudo-random numbers (a run is the same every time). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const snapshot = (c: Cache): unknown => ({
  rows: c.map((o) => `${String(o.symbol)}:${String(o.id)}:${String(o.status)}`),
  maps: Object.fromEntries(Object.entries(c.hashmap).map(([k, m]) => [k, Object.keys(m ?? {}).sort()]).sort(([a], [b]) => String(a).localeCompare(String(b)))),
  // A held row is the same object as its map entry.
  linked: c.every((o) => c.hashmap[o.symbol as string]?.[o.id as string] === o),
});

describe('ccxt user-data caches with the short scan and eviction', () => {
  for (const [symbols, maxSize, seed] of [[['BTC/USDT'], 50, 1], [['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], 40, 2], [['BTC/USDT', 'ETH/USDT'], 7, 3]] as const) {
    it(`matches ccxt's own cache: ${symbols.length} symbol(s), ${maxSize} entries at most`, () => {
      const plain = new ArrayCacheBySymbolById(maxSize) as unknown as Cache;
      const short = new ArrayCacheBySymbolById(maxSize) as unknown as Cache;
      shortenCache(short);
      const rand = rng(seed);
      let next = 0;
      for (let step = 0; step < 4000; step++) {
        const r = rand();
        const symbol = symbols[Math.floor(rand() * symbols.length)]!;
        // New orders, updates of recent and of old ones (some already evicted), ids shared across symbols.
        const id = r < 0.45 ? String(next++) : String(Math.max(0, next - 1 - Math.floor(rand() * (r < 0.8 ? 5 : 3 * maxSize))));
        const order = () => ({ symbol, id, status: step % 3 === 0 ? 'closed' : 'open', step, info: { i: step } });
        plain.append(order());
        short.append(order());
        expect(snapshot(short)).toEqual(snapshot(plain));
        const poll = rand();
        if (poll < 0.2) {
          const p = plain.getLimit(undefined, undefined);
          expect(short.getLimit(undefined, undefined)).toBe(p);
        } else if (poll < 0.3) {
          const s = symbols[0];
          expect(short.getLimit(s, undefined)).toBe(plain.getLimit(s, undefined));
        }
      }
      expect(plain.length).toBe(maxSize);
    });
  }
});
