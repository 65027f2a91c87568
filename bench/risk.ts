// Pre-trade risk speed: one full check pass per order (RiskEngine built-ins, the circuit-breaker
// check and every check of riskChecksFromConfig switched on), and the breakers' market-data hook.
// Every order passes, so each is measured through the whole list (a denial would stop early).
import { breakerCheck, circuitBreakerSetFromConfig, type CircuitBreakerSet } from '../src/risk/breakers/index.ts';
import { MemoryRiskView, riskChecksFromConfig } from '../src/risk/checks/index.ts';
import { RiskEngine } from '../src/risk/risk-engine.ts';
import { Order, type OrderSide } from '../src/model/order.ts';
import { bestOf, peakRssMb, type BenchResult } from './types.ts';

const CHECKS_PER_RUN = 1_000_000;
const ORDERS = 10_000;

/**
 * A view whose aggregates (equity, gross and per-sector exposure) are kept up to date when positions
 * or marks change, as the kernel can keep them (O(1) per fill or mark), instead of summed per query.
 */
class MaintainedView extends MemoryRiskView {
  #gross = 0;
  readonly #bySector = new Map<string, number>();
  refresh(): void {
    this.#bySector.clear();
    this.#gross = super.grossExposure();
    for (const [s, q] of this.positions) {
      const sector = this.sectorOf(s);
      this.#bySector.set(sector, (this.#bySector.get(sector) ?? 0) + Math.abs(q * this.lastPrice(s) * this.multiplier(s)));
    }
    this.buyingPowerOverride = Math.max(0, 3 * this.equity() - this.#gross);
  }
  override grossExposure(): number {
    return this.#gross;
  }
  override sectorExposure(sector: string): number {
    return this.#bySector.get(sector) ?? 0;
  }
}

function setup(symbols: number, maintained: boolean): { engine: RiskEngine; view: MemoryRiskView; orders: Order[]; breakers: CircuitBreakerSet } {
  const names = Array.from({ length: symbols }, (_, i) => `S${i}`);
  const init = { cash: 10_000_000, equity: 10_000_000, openOrders: 5 };
  const view = maintained ? new MaintainedView(init) : new MemoryRiskView(init);
  names.forEach((s, i) => {
    view.positions.set(s, i % 4 === 3 ? 0 : 100);
    view.prices.set(s, 100 + i);
    view.sectors.set(s, `sector-${i % 8}`);
  });
  if (view instanceof MaintainedView) view.refresh();
  const breakers = circuitBreakerSetFromConfig({
    dailyLoss: {}, maxDrawdown: {}, consecutiveLosses: {}, volatilitySpike: {}, venueErrors: {},
    staleData: { maxAgeMs: 1e15 },
  });
  const checks = riskChecksFromConfig({
    maxOrderNotional: 1_000_000,
    maxOpenOrders: 100,
    orderRate: { maxOrders: 1000, windowMs: 10 },
    restrictedSymbols: ['ZZZ'],
    shortSale: { noShortSymbols: ['ZZZ'], uptickRule: true },
  });
  const engine = new RiskEngine({ maxOrderNotional: 1_000_000, maxPositionValue: 1_000_000 }, [breakerCheck(breakers), ...checks]);
  // Rising prices: every symbol's last move is up, so short sales pass the uptick rule.
  names.forEach((s, i) => {
    engine.onMarketData(s, 0, 99 + i);
    engine.onMarketData(s, 1, 100 + i);
    breakers.onMarketData(s, 1, 100 + i);
  });
  breakers.onEquity(1, 10_000_000);
  // Buys, sells within the long, and short sales of the flat symbols (through the uptick rule).
  const orders = Array.from({ length: ORDERS }, (_, i) => {
    const s = names[i % symbols]!;
    const side: OrderSide = i % 3 === 0 ? 'sell' : 'buy';
    return new Order(`B-${i}`, 'bench', { symbol: s, side, qty: 10, type: 'market' }, 0);
  });
  return { engine, view, orders, breakers };
}

function checkPass(symbols: number, maintained: boolean): BenchResult {
  const { engine, view, orders } = setup(symbols, maintained);
  let denied = '';
  // The summing view is slow at 200 symbols: time fewer orders with it.
  const n = maintained ? CHECKS_PER_RUN : CHECKS_PER_RUN / 10;
  const run = (): void => {
    for (let k = 0; k < n; k++) {
      const o = orders[k % ORDERS]!;
      view.timeMs++;
      const reason = engine.check(o, view.prices.get(o.symbol)!, view);
      if (reason !== null) denied = reason;
    }
  };
  const seconds = bestOf(5, run);
  if (denied !== '') throw new Error(`an order was denied, so the pass was not measured in full: ${denied}`);
  return {
    name: `risk.pre-trade.all-checks.${symbols}-symbols.${maintained ? 'maintained-view' : 'summing-view'}`,
    work: `${n.toLocaleString('en-US')} orders x ${engine.checks.length} checks`,
    seconds,
    rate: n / seconds,
    usPerOrder: Math.round((seconds / n) * 1e6 * 1000) / 1000,
    peakRssMb: peakRssMb(),
    target: '<= 2 us per order',
    note: maintained ? 'view keeps gross/sector exposure up to date' : 'view sums gross/sector exposure over all positions per query',
  };
}

function breakerMarketData(): BenchResult {
  const { breakers } = setup(20, true);
  const ticks = 1_000_000;
  let t = 2;
  let p = 100;
  const run = (): void => {
    for (let k = 0; k < ticks; k++) {
      p *= k % 2 === 0 ? 1.001 : 1 / 1.001;
      breakers.onMarketData(`S${k % 20}`, t++, p);
    }
  };
  const seconds = bestOf(5, run);
  return { name: 'risk.breakers.on-market-data', work: `${ticks.toLocaleString('en-US')} ticks, 20 symbols`, seconds, rate: ticks / seconds, peakRssMb: peakRssMb() };
}

export async function run(): Promise<BenchResult[]> {
  return [checkPass(20, true), checkPass(200, true), checkPass(20, false), checkPass(200, false), breakerMarketData()];
}
