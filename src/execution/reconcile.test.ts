import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MassStatus } from './mass-status.ts';
import { EXTERNAL_STRATEGY, reconcile, type LocalOrder, type LocalState, type ReconcileResult } from './reconcile.ts';
import type { FillReport, OrderStatusReport } from './reports.ts';

const NOW = 1_700_000_000_000;

function order(id: string, over: Partial<LocalOrder> = {}): LocalOrder {
  return { clientOrderId: id, strategyId: 's1', symbol: 'AAPL', side: 'buy', qty: 10, status: 'accepted', filledQty: 0, avgFillPrice: 0, ...over };
}

function venueOrder(id: string, over: Partial<OrderStatusReport> = {}): OrderStatusReport {
  return {
    clientOrderId: id, venueOrderId: `V-${id}`, symbol: 'AAPL', side: 'buy', type: 'limit', tif: 'GTC', status: 'accepted', qty: 10, filledQty: 0, avgFillPrice: 0,
    limitPrice: 100, stopPrice: null, reduceOnly: false, reason: '', createdMs: NOW - 5000, updatedMs: NOW - 1000, ...over,
  };
}

function fill(id: string, qty: number, price: number, over: Partial<FillReport> = {}): FillReport {
  return { tradeId: `T-${id}-${qty}-${price}`, clientOrderId: id, venueOrderId: `V-${id}`, symbol: 'AAPL', side: 'buy', qty, price, commission: 0.1, liquidity: 'maker', tsEventMs: NOW - 2000, ...over };
}

function status(over: Partial<MassStatus> = {}): MassStatus {
  return { venue: 'testvenue', sinceMs: NOW - 86_400_000, openOrders: [], fills: [], positions: [], balances: [], ...over };
}

function local(open: LocalOrder[], positions: Record<string, number>, known: string[] = []): LocalState {
  const ids = new Set([...open.map((o) => o.clientOrderId), ...known]);
  return { openOrders: open, isKnownOrder: (id) => ids.has(id), positions: new Map(Object.entries(positions)) };
}

function kinds(r: ReconcileResult): string[] {
  return r.actions.map((a) => (a.kind === 'book-fill' ? `book ${a.fill.clientOrderId} ${a.fill.qty}@${a.fill.price}${a.fill.inferred ? ' inferred' : ''}` : a.kind === 'adopt-order' ? `adopt ${a.report.clientOrderId}` : a.kind === 'finish-order' ? `finish ${a.clientOrderId} ${a.status}` : `resend ${a.clientOrderId}`));
}

describe('reconcile: the venue changed while the node was down', () => {
  const cases: { name: string; local: LocalState; venue: MassStatus; queried?: [string, OrderStatusReport | null][]; actions: string[]; ok: boolean; mismatch?: RegExp }[] = [
    {
      name: 'nothing changed: a working order still working, positions equal',
      local: local([order('a')], { AAPL: 5 }),
      venue: status({ openOrders: [venueOrder('a')], positions: [{ symbol: 'AAPL', qty: 5, avgPrice: 90, tsMs: NOW }] }),
      actions: [], ok: true,
    },
    {
      name: 'a working order filled completely: its fill is booked, the order finished',
      local: local([order('a')], {}),
      venue: status({ fills: [fill('a', 10, 99.5)], positions: [{ symbol: 'AAPL', qty: 10, avgPrice: 99.5, tsMs: NOW }] }),
      queried: [['a', venueOrder('a', { status: 'filled', filledQty: 10, avgFillPrice: 99.5 })]],
      actions: ['book a 10@99.5', 'finish a filled'], ok: true,
    },
    {
      name: 'a partial fill on a still working order: only the new part is booked',
      local: local([order('a', { status: 'partially-filled', filledQty: 4, avgFillPrice: 100 })], { AAPL: 4 }),
      venue: status({ openOrders: [venueOrder('a', { status: 'partially-filled', filledQty: 7, avgFillPrice: 99 })], fills: [fill('a', 4, 100), fill('a', 3, 97.666666666667)], positions: [{ symbol: 'AAPL', qty: 7, avgPrice: 99, tsMs: NOW }] }),
      actions: ['book a 3@97.666666666667'], ok: true,
    },
    {
      name: 'fills beyond the venue list\'s reach: one inferred fill at the price that gives the venue\'s average',
      local: local([order('a', { status: 'partially-filled', filledQty: 4, avgFillPrice: 100 })], { AAPL: 4 }),
      venue: status({ positions: [{ symbol: 'AAPL', qty: 10, avgPrice: 99.4, tsMs: NOW }] }),
      queried: [['a', venueOrder('a', { status: 'filled', filledQty: 10, avgFillPrice: 99.4 })]],
      actions: ['book a 6@99 inferred', 'finish a filled'], ok: true,
    },
    {
      name: 'canceled at the venue: finished as canceled, nothing booked',
      local: local([order('a')], {}),
      venue: status(),
      queried: [['a', venueOrder('a', { status: 'canceled', reason: 'canceled by the operator' })]],
      actions: ['finish a canceled'], ok: true,
    },
    {
      name: 'an unknown order appeared at the venue: adopted as external, its filled part booked',
      local: local([], {}),
      venue: status({ openOrders: [venueOrder('manual-1', { status: 'partially-filled', filledQty: 2, avgFillPrice: 101 })], fills: [fill('manual-1', 2, 101)], positions: [{ symbol: 'AAPL', qty: 2, avgPrice: 101, tsMs: NOW }] }),
      actions: ['adopt manual-1', 'book manual-1 2@101'], ok: true,
    },
    {
      name: 'an external trade (finished order, not ours): booked under the external strategy',
      local: local([], { MSFT: 0 }),
      venue: status({ fills: [fill('web-9', 3, 300, { symbol: 'MSFT', side: 'sell' })], positions: [{ symbol: 'MSFT', qty: -3, avgPrice: 300, tsMs: NOW }] }),
      actions: ['book web-9 3@300'], ok: true,
    },
    {
      name: 'an intent persisted but never sent: sent now',
      local: local([order('a', { status: 'initialized' })], {}),
      venue: status(),
      queried: [['a', null]],
      actions: ['resend a'], ok: true,
    },
    {
      name: 'sent but unknown to the venue, nothing filled: marked rejected, not re-sent',
      local: local([order('a', { status: 'submitted' })], {}),
      venue: status(),
      queried: [['a', null]],
      actions: ['finish a rejected'], ok: true,
    },
    {
      name: 'a position nothing explains: a mismatch, the node must not trade',
      local: local([], { AAPL: 5 }),
      venue: status({ positions: [{ symbol: 'AAPL', qty: 8, avgPrice: 90, tsMs: NOW }] }),
      actions: [], ok: false, mismatch: /position AAPL: store 5, testvenue 8 \(no order or fill explains the difference of 3\)/,
    },
    {
      name: 'the store has more filled than the venue: a mismatch',
      local: local([order('a', { status: 'partially-filled', filledQty: 6, avgFillPrice: 100 })], { AAPL: 6 }),
      venue: status({ openOrders: [venueOrder('a', { status: 'partially-filled', filledQty: 2, avgFillPrice: 100 })], positions: [{ symbol: 'AAPL', qty: 2, avgPrice: 100, tsMs: NOW }] }),
      actions: [], ok: false, mismatch: /order a has 6 filled in the store but only 2 at testvenue/,
    },
    {
      name: 'a finished order of ours working at the venue: a mismatch',
      local: local([], {}, ['old-1']),
      venue: status({ openOrders: [venueOrder('old-1')] }),
      actions: [], ok: false, mismatch: /order old-1 is finished in the store but working at testvenue/,
    },
    {
      name: 'a filled order the venue forgot: a mismatch',
      local: local([order('a', { status: 'partially-filled', filledQty: 3, avgFillPrice: 100 })], { AAPL: 3 }),
      venue: status({ positions: [{ symbol: 'AAPL', qty: 3, avgPrice: 100, tsMs: NOW }] }),
      queried: [['a', null]],
      actions: [], ok: false, mismatch: /order a has 3 filled in the store but testvenue does not know it/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = reconcile(c.local, c.venue, new Map(c.queried ?? []), NOW);
      expect(kinds(r)).toEqual(c.actions);
      expect(r.ok).toBe(c.ok);
      if (c.mismatch) expect(r.report.join('\n')).toMatch(c.mismatch);
      // One line per action and per mismatch.
      expect(r.report.length).toBe(r.actions.length + r.mismatches.length);
    });
  }

  it('external fills and adopted orders carry the external strategy; the report names each action', () => {
    const r = reconcile(local([], {}), status({ openOrders: [venueOrder('m', { filledQty: 1, avgFillPrice: 100, status: 'partially-filled' })], fills: [fill('m', 1, 100)], positions: [{ symbol: 'AAPL', qty: 1, avgPrice: 100, tsMs: NOW }] }), new Map(), NOW);
    const booked = r.actions.find((a) => a.kind === 'book-fill');
    expect(booked?.kind === 'book-fill' && booked.fill.strategyId).toBe(EXTERNAL_STRATEGY);
    expect(r.report).toEqual([
      'adopted external order m (venue V-m): AAPL buy 10 limit @ 100, 1 filled',
      'booked fill of m (external): AAPL buy 1 @ 100 (trade T-m-1-100): external order',
    ]);
  });
});

describe('reconcile: property', () => {
  // A store state, then whatever may happen at the venue while the node is down (fills of our working
  // orders, cancels, external orders and trades); the venue's positions follow from it. Reconciliation
  // must explain everything (no mismatch) and its booked fills must bring the store's positions to the
  // venue's. Any unexplained change of a venue position must then be reported.
  const symbols = ['AAA', 'BBB', 'CCC'];
  const scenario = fc.record({
    orders: fc.array(fc.record({ symbol: fc.constantFrom(...symbols), buy: fc.boolean(), qty: fc.integer({ min: 1, max: 50 }), filledBefore: fc.nat(), fillWhileDown: fc.nat(), end: fc.constantFrom('open', 'filled', 'canceled'), priceCents: fc.integer({ min: 100, max: 100000 }) }), { maxLength: 8 }),
    external: fc.array(fc.record({ symbol: fc.constantFrom(...symbols), buy: fc.boolean(), qty: fc.integer({ min: 1, max: 20 }) }), { maxLength: 3 }),
    start: fc.record({ AAA: fc.integer({ min: -100, max: 100 }), BBB: fc.integer({ min: -100, max: 100 }), CCC: fc.integer({ min: -100, max: 100 }) }),
    drift: fc.integer({ min: -5, max: 5 }),
  });

  it('books exactly what happened at the venue, and reports any position nothing explains', () => {
    fc.assert(
      fc.property(scenario, ({ orders, external, start, drift }) => {
        const pos = new Map<string, number>(Object.entries(start));
        const venuePos = new Map(pos);
        const open: LocalOrder[] = [];
        const venueOpen: OrderStatusReport[] = [];
        const fills: FillReport[] = [];
        const queried = new Map<string, OrderStatusReport | null>();
        orders.forEach((o, i) => {
          const id = `o${i}`;
          const side = o.buy ? 'buy' : 'sell';
          const before = o.filledBefore % o.qty;
          let after = Math.min(o.qty, before + (o.fillWhileDown % (o.qty + 1)));
          if (o.end === 'filled') after = o.qty;
          const price = o.priceCents / 100;
          open.push({ clientOrderId: id, strategyId: 's', symbol: o.symbol, side, qty: o.qty, status: before > 0 ? 'partially-filled' : 'accepted', filledQty: before, avgFillPrice: before > 0 ? price : 0 });
          if (before > 0) fills.push(fill(id, before, price, { symbol: o.symbol, side, tradeId: `${id}-a` }));
          if (after > before) fills.push(fill(id, after - before, price, { symbol: o.symbol, side, tradeId: `${id}-b` }));
          venuePos.set(o.symbol, (venuePos.get(o.symbol) ?? 0) + (o.buy ? 1 : -1) * (after - before));
          const rep = venueOrder(id, { symbol: o.symbol, side, qty: o.qty, filledQty: after, avgFillPrice: after > 0 ? price : 0, status: after === o.qty ? 'filled' : o.end === 'canceled' ? 'canceled' : after > 0 ? 'partially-filled' : 'accepted' });
          if (rep.status === 'filled' || rep.status === 'canceled') queried.set(id, rep);
          else venueOpen.push(rep);
        });
        external.forEach((e, i) => {
          fills.push(fill(`x${i}`, e.qty, 50, { symbol: e.symbol, side: e.buy ? 'buy' : 'sell', tradeId: `x${i}` }));
          venuePos.set(e.symbol, (venuePos.get(e.symbol) ?? 0) + (e.buy ? e.qty : -e.qty));
        });
        const venue = status({ openOrders: venueOpen, fills, positions: [...venuePos].filter(([, q]) => q !== 0).map(([symbol, qty]) => ({ symbol, qty, avgPrice: 10, tsMs: NOW })) });
        const r = reconcile(local(open, Object.fromEntries(pos)), venue, queried, NOW);
        expect(r.mismatches).toEqual([]);
        const after = new Map(pos);
        for (const a of r.actions) if (a.kind === 'book-fill') after.set(a.fill.symbol, (after.get(a.fill.symbol) ?? 0) + (a.fill.side === 'buy' ? a.fill.qty : -a.fill.qty));
        for (const s of symbols) expect(after.get(s) ?? 0).toBeCloseTo(venuePos.get(s) ?? 0, 9);
        // Every finished order is finished locally with the venue's status.
        for (const [id, rep] of queried) expect(r.actions).toContainEqual(expect.objectContaining({ kind: 'finish-order', clientOrderId: id, status: rep!.status }));

        if (drift !== 0) {
          const moved = { ...venue, positions: [...venuePos].map(([symbol, qty]) => ({ symbol, qty: symbol === 'BBB' ? qty + drift : qty, avgPrice: 10, tsMs: NOW })).filter((p) => p.qty !== 0) };
          const bad = reconcile(local(open, Object.fromEntries(pos)), moved, queried, NOW);
          expect(bad.ok).toBe(false);
          expect(bad.mismatches.map((m) => m.symbol)).toEqual(['BBB']);
        }
      }),
      { numRuns: 300 },
    );
  });
});
