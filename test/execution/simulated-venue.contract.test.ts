// The ExecutionClient contract on the simulated venue, driven by quotes through its onQuote: once with
// everything native, once narrowed to play a venue without stop-limit or trailing stops, without native
// modify (cancel-replace), without fractions or short sales.
import { FractionCommission } from '../../src/execution/commission.ts';
import type { ExecutionCapabilities, ExecutionSink } from '../../src/execution/execution-client.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../../src/execution/simulated-venue.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { executionClientContract, type ContractSetup } from './execution-client.contract.ts';

const T0 = Date.UTC(2024, 0, 2, 14, 30);

function simSetup(sink: ExecutionSink, capabilities: Partial<ExecutionCapabilities> = {}): ContractSetup {
  let now = T0;
  const venue = new SimulatedVenue(
    { ...DEFAULT_VENUE_CONFIG, dailyBars: false, commission: new FractionCommission(0.001) },
    sink,
    { rejectReason: () => null, positionQty: () => 0 },
    { connected: false, journal: true, capabilities, account: { currency: 'USD', cash: 100_000 }, clock: () => now },
  );
  const symbols = ['AAA', 'BBB'] as const;
  const slots = symbols.map((s) => venue.addInstrument(makeInstrument(s)));
  return {
    client: venue,
    driver: {
      symbols,
      startingCash: 100_000,
      currency: 'USD',
      now: () => now,
      async quote(symbol, q) {
        now += 1000;
        venue.onQuote(slots[symbols.indexOf(symbol as 'AAA')]!, { symbol, tsEventMs: now, bid: q.bid, ask: q.ask, bidSize: q.bidSize ?? 1e6, askSize: q.askSize ?? 1e6 });
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

executionClientContract('SimulatedVenue', (sink) => simSetup(sink));

executionClientContract('SimulatedVenue narrowed (no stop-limit or trailing, cancel-replace, whole units, no shorting, GTC/DAY only)', (sink) =>
  simSetup(sink, {
    orderTypes: ['market', 'limit', 'stop'], timeInForce: ['GTC', 'DAY'], nativeModify: false, fractionalQty: false, shorting: false,
  }),
);
