// The ExecutionClient contract on the OrderEmulator over a venue with market and limit orders only (the
// SimulatedVenue narrowed, driven by quotes): with the emulator in front, the client declares and passes every
// order type (stops, stop-limits and trailing stops held and released as market or limit orders).
import { FractionCommission } from '../../src/execution/commission.ts';
import type { ExecutionSink } from '../../src/execution/execution-client.ts';
import { OrderEmulator } from '../../src/execution/order-emulator.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../../src/execution/simulated-venue.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { MARKET_LIMIT_ONLY } from './emulator-harness.ts';
import { executionClientContract, type ContractSetup } from './execution-client.contract.ts';

const T0 = Date.UTC(2024, 0, 2, 14, 30);

function setup(sink: ExecutionSink): ContractSetup {
  let now = T0;
  const emulator = new OrderEmulator(sink);
  const venue = new SimulatedVenue(
    { ...DEFAULT_VENUE_CONFIG, dailyBars: false, commission: new FractionCommission(0.001) },
    emulator,
    { rejectReason: () => null, positionQty: () => 0 },
    { connected: false, journal: true, capabilities: MARKET_LIMIT_ONLY, account: { currency: 'USD', cash: 100_000 }, clock: () => now },
  );
  emulator.attach(venue);
  const symbols = ['AAA', 'BBB'] as const;
  const slots = symbols.map((s) => venue.addInstrument(makeInstrument(s)));
  return {
    client: emulator,
    driver: {
      symbols,
      startingCash: 100_000,
      currency: 'USD',
      now: () => now,
      async quote(symbol, q) {
        now += 1000;
        const tick = { symbol, tsEventMs: now, bid: q.bid, ask: q.ask, bidSize: q.bidSize ?? 1e6, askSize: q.askSize ?? 1e6 };
        emulator.onQuote(tick);
        venue.onQuote(slots[symbols.indexOf(symbol as 'AAA')]!, tick);
      },
      settle: async () => undefined,
      async dropConnection() {
        venue.dropConnection();
      },
      async restoreConnection() {
        venue.restoreConnection();
      },
    },
  };
}

executionClientContract('OrderEmulator over a market+limit venue', (sink) => setup(sink));
