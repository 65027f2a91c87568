// Near misses: an order that passes a limit but uses at least a set share of it (default 90%). A check
// that can report them holds a NearMissPort; the RiskEngine attaches its sink only when someone listens
// (the kernel publishes them as `compliance-near-miss` risk events), so without a listener the check
// pays one null test on the orders it passes. docs/compliance.md lists the format and the checks.
import type { Order } from '../../model/order.ts';
import { reportsNearMisses, type NearMiss, type NearMissSink, type PreTradeCheck } from '../risk-engine.ts';
import { pct, trim } from './format.ts';

export const DEFAULT_NEAR_MISS_PCT = 90;

/** The risk event kind a near miss is published and stored under. */
export const NEAR_MISS_KIND = 'compliance-near-miss';

/** A check's link to the engine's near-miss sink, with the share of a limit that counts as near. */
export class NearMissPort {
  sink: NearMissSink | null = null;
  /** 0.9 for 90%; Infinity when near misses are off (nothing is ever near). */
  readonly fraction: number;

  constructor(nearMissPct: number | null | undefined) {
    this.fraction = nearMissPct === null || nearMissPct === undefined ? Infinity : nearMissPct / 100;
  }

  /** Whether `used` of `limit` is a near miss someone hears (callers pass only values within the limit). */
  isNear(used: number, limit: number): boolean {
    return this.sink !== null && limit > 0 && used / limit >= this.fraction;
  }

  /**
   * Notes a near miss (after isNear). Checks build the text only then, and without a closure: a closure over
   * a check's locals made V8 allocate a context on every call (the risk bench's pass took ~25% longer).
   */
  note(check: string, used: number, limit: number, text: string): void {
    this.sink?.note(check, used / limit, text);
  }
}

/** Registers `check` with the RiskEngine as one that notes near misses through `port`, when they are on. */
export function withNearMisses<C extends PreTradeCheck>(check: C, port: NearMissPort): C {
  if (port.fraction !== Infinity) {
    reportsNearMisses(check, (sink) => {
      port.sink = sink;
    });
  }
  return check;
}

/**
 * The reason of a near-miss risk event: `<code>: <order id> <side> <qty> <symbol> at <usage> of the limit: <text>`,
 * e.g. `max-position-pct: P-12 buy 48 AAPL at 96% of the limit: AAPL position would be 4.8% of equity (...), max 5%`.
 */
export function formatNearMiss(order: Order, miss: NearMiss): string {
  return `${miss.check}: ${order.id} ${order.side} ${trim(order.qty)} ${order.symbol} at ${pct(Math.floor(miss.usage * 1000) / 10)} of the limit: ${miss.text}`;
}

export interface ParsedNearMiss {
  readonly code: string;
  readonly orderId: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly symbol: string;
  /** Percent of the limit used (96 = 96%). */
  readonly usagePct: number;
  readonly text: string;
}

const NEAR_MISS = /^([a-z][a-z0-9-]*): (\S+) (buy|sell) (\S+) (\S+) at ([0-9.]+)% of the limit: (.*)$/s;

/** The parts of a near-miss reason (formatNearMiss), or null for any other text. */
export function parseNearMiss(reason: string): ParsedNearMiss | null {
  const m = NEAR_MISS.exec(reason);
  if (m === null) return null;
  return { code: m[1]!, orderId: m[2]!, side: m[3] as 'buy' | 'sell', qty: Number(m[4]), symbol: m[5]!, usagePct: Number(m[6]), text: m[7]! };
}
