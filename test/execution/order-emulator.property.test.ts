// Property: a trailing stop emulated on a venue with market and limit orders only fills at the same price, time
// and quantity as the simulated venue's native trailing stop, over random quote paths (either side, by an
// amount or a percent). Quoted sizes are large: a native stop's rest keeps its trigger level after a partial
// fill while a released market order does not, so fills in parts are compared by the scenario tests instead.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderSide, TrailingOffset } from '../../src/model/order.ts';
import { Harness } from './emulator-harness.ts';

const cents = (x: number): number => Math.round(x * 100) / 100;

interface Path {
  readonly side: OrderSide;
  readonly trailing: TrailingOffset;
  readonly start: number;
  /** Moves of the mid in cents, one quote each. */
  readonly moves: readonly number[];
  /** Half the spread in cents. */
  readonly halfSpread: number;
  /** The order goes in after this many quotes. */
  readonly after: number;
}

function fills(mode: 'native' | 'emulated', p: Path): [string, string, number, number, number][] {
  const h = new Harness(mode);
  let mid = p.start;
  const quote = (): void => h.quote(cents(mid - p.halfSpread / 100), cents(mid + p.halfSpread / 100));
  quote();
  p.moves.forEach((m, k) => {
    if (k === p.after) h.submit('T', { side: p.side, type: 'trailing-stop', trailing: p.trailing, qty: 10 });
    mid = Math.max(1, cents(mid + m / 100));
    quote();
  });
  return h.node.fills();
}

const path: fc.Arbitrary<Path> = fc.record({
  side: fc.constantFrom<OrderSide>('buy', 'sell'),
  trailing: fc.oneof(
    fc.record({ kind: fc.constant('amount' as const), value: fc.integer({ min: 5, max: 500 }).map((c) => c / 100) }),
    fc.record({ kind: fc.constant('percent' as const), value: fc.double({ min: 0.05, max: 5, noNaN: true }) }),
  ),
  start: fc.integer({ min: 20, max: 500 }),
  moves: fc.array(fc.integer({ min: -150, max: 150 }), { minLength: 1, maxLength: 80 }),
  halfSpread: fc.integer({ min: 1, max: 10 }),
  after: fc.integer({ min: 0, max: 5 }),
});

describe('emulated trailing stop = native trailing stop', () => {
  it('fills at the same price, time and quantity on random quote paths', () => {
    let filled = 0;
    fc.assert(
      fc.property(path, (p) => {
        const native = fills('native', p);
        expect(fills('emulated', p)).toEqual(native);
        if (native.length > 0) filled++;
      }),
      { numRuns: 300 },
    );
    // The paths exercise fills, not only quiet markets.
    expect(filled).toBeGreaterThan(50);
  });
});
