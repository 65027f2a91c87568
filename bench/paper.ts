// Paper runtime hot path, persistence excluded: 500 instruments streaming quotes through the kernel.
// Latency = from a quote entering the kernel to the order intent reaching the execution client
// (strategy decision and pre-trade risk included); throughput = quotes processed per second.
import { SimulatedClock } from '../src/core/clock.ts';
import { Rng } from '../src/core/rng.ts';
import { BarSeries, type Bar } from '../src/model/bar.ts';
import { makeInstrument } from '../src/model/instrument.ts';
import type { QuoteTick } from '../src/model/market.ts';
import type { Order } from '../src/model/order.ts';
import { DEFAULT_VENUE_CONFIG, SimulatedVenue } from '../src/execution/simulated-venue.ts';
import { ForwardingExecutionClient } from '../src/execution/forwarding-client.ts';
import { Feed } from '../src/engine/feed.ts';
import { Kernel } from '../src/engine/kernel.ts';
import { Portfolio } from '../src/portfolio/portfolio.ts';
import { RiskEngine } from '../src/risk/risk-engine.ts';
import { riskChecksFromConfig } from '../src/risk/checks/index.ts';
import type { StrategyContext } from '../src/strategies/context.ts';
import { Strategy } from '../src/strategies/strategy.ts';
import { sizers } from '../src/strategies/sizing.ts';
import { peakRssMb, type BenchResult } from './types.ts';

const N_INST = 500;
const QUOTES = 1_000_000;

/** Trades a quote whose mid moved more than a threshold since its last trade: a real decision per tick. */
class QuoteMomentum extends Strategy<object> {
  readonly #ref = new Map<string, number>();
  override onBar(_bar: Bar, _ctx: StrategyContext): void {}
  override onQuote(q: QuoteTick, ctx: StrategyContext): void {
    const mid = (q.bid + q.ask) / 2;
    const ref = this.#ref.get(q.symbol);
    if (ref === undefined) {
      this.#ref.set(q.symbol, mid);
      return;
    }
    const move = mid / ref - 1;
    if (move > 0.002 && ctx.position(q.symbol).isFlat) {
      ctx.buy(q.symbol, 1);
      this.#ref.set(q.symbol, mid);
    } else if (move < -0.002 && ctx.position(q.symbol).isLong) {
      ctx.close(q.symbol);
      this.#ref.set(q.symbol, mid);
    }
  }
}

export async function run(): Promise<BenchResult[]> {
  const rng = new Rng(9);
  const symbols = Array.from({ length: N_INST }, (_, i) => `S${i}`);
  const mids = symbols.map(() => 50 + rng.next() * 100);
  const quotes: QuoteTick[] = new Array(QUOTES);
  for (let k = 0; k < QUOTES; k++) {
    const i = k % N_INST;
    mids[i]! *= Math.exp(0.0008 * rng.normal());
    const m = Math.round(mids[i]! * 100) / 100;
    quotes[k] = { symbol: symbols[i]!, tsEventMs: 1_700_000_000_000 + k, bid: m - 0.01, ask: m + 0.01, bidSize: 500, askSize: 500 };
  }

  const clock = new SimulatedClock();
  const portfolio = new Portfolio({ type: 'cash', startingCash: 10_000_000 });
  const risk = new RiskEngine({}, riskChecksFromConfig({ maxPositionPct: 100, maxSectorPct: 100 }));
  const kernel = new Kernel({ clock, portfolio, risk, defaultSizer: sizers.qty(1) });
  kernel.matchOnBars = false;
  const venue = new SimulatedVenue({ ...DEFAULT_VENUE_CONFIG, dailyBars: false }, kernel, kernel);
  let tickStart = 0;
  const latencies: number[] = [];
  const client = new (class extends ForwardingExecutionClient {
    override submit(order: Order, nowMs: number): void {
      latencies.push(performance.now() - tickStart);
      venue.submit(order, nowMs);
    }
  })(venue);
  kernel.attachVenue(venue, client);
  symbols.forEach((s, i) => {
    const inst = makeInstrument(s, { sector: `sector${i % 10}` });
    kernel.addFeed(new Feed(i, BarSeries.empty(s), inst, venue.addInstrument(inst), portfolio.position(s)));
  });
  kernel.addStrategy(new QuoteMomentum({}), 'momentum');
  kernel.start();
  // Warm up the JIT on the first 10% (not measured).
  const warm = QUOTES / 10;
  for (let k = 0; k < warm; k++) {
    const q = quotes[k]!;
    clock.advanceTo(q.tsEventMs);
    tickStart = performance.now();
    kernel.onQuote(q);
  }
  latencies.length = 0;
  const t0 = performance.now();
  for (let k = warm; k < QUOTES; k++) {
    const q = quotes[k]!;
    clock.advanceTo(q.tsEventMs);
    tickStart = performance.now();
    kernel.onQuote(q);
  }
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 1000);
  const ticks = QUOTES - warm;
  return [
    { name: 'paper.tick-throughput', work: `${ticks} quotes, ${N_INST} instruments`, seconds, rate: ticks / seconds, peakRssMb: peakRssMb(), target: '>= 200k ticks/s' },
    { name: 'paper.tick-to-intent-latency', work: `${latencies.length} order intents`, seconds, rate: latencies.length / seconds, peakRssMb: peakRssMb(), p50Us: pct(0.5), p99Us: pct(0.99), target: 'p99 <= 50 us' },
  ];
}
