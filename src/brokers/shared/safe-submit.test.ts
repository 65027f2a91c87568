import { describe, expect, it } from 'vitest';
import { submitSafely, type FailureKind, type SafeSubmitPolicy } from './safe-submit.ts';

class Timeout extends Error {}
class Rejected extends Error {}
class Duplicate extends Error {}
const classify = (e: unknown): FailureKind => (e instanceof Rejected ? 'rejected' : e instanceof Duplicate ? 'duplicate' : 'ambiguous');

/** A venue that takes an order, possibly after answering the sender with a timeout. */
function venue(script: ('ok' | 'timeout-taken' | 'timeout-lost' | 'reject' | 'duplicate')[], lookups: ('answer' | 'fail')[] = []) {
  const orders: string[] = [];
  let sends = 0;
  let looks = 0;
  return {
    orders,
    get sends() { return sends; },
    send: async () => {
      const step = script[sends++] ?? 'ok';
      if (step === 'reject') throw new Rejected('insufficient funds');
      if (step === 'duplicate') throw new Duplicate('duplicate client id');
      if (step !== 'timeout-lost') orders.push('C1');
      if (step.startsWith('timeout')) throw new Timeout('timed out');
      return 'V1';
    },
    lookup: async () => {
      if ((lookups[looks++] ?? 'answer') === 'fail') throw new Timeout('lookup timed out');
      return orders.length > 0 ? 'V1' : null;
    },
  };
}
let clock = 0;
const policy: SafeSubmitPolicy = { maxSends: 3, maxLookups: 4, baseMs: 10, maxMs: 100, sleep: async (ms) => void (clock += ms), now: () => clock, random: () => 0.5 };

describe('submitSafely', () => {
  it('a timeout after the venue took the order is resolved by lookup, never by a second send', async () => {
    const v = venue(['timeout-taken']);
    const r = await submitSafely({ send: v.send, lookup: v.lookup, classify, policy });
    expect(r).toMatchObject({ kind: 'found', value: 'V1', sends: 1 });
    expect(v.orders).toEqual(['C1']);
  });

  it('a timeout before the venue saw the order sends again once the venue says it does not know it', async () => {
    const v = venue(['timeout-lost', 'ok']);
    const r = await submitSafely({ send: v.send, lookup: v.lookup, classify, policy });
    expect(r).toMatchObject({ kind: 'sent', sends: 2 });
    expect(v.orders).toEqual(['C1']);
  });

  it('a rejection is surfaced at once without a lookup or resend', async () => {
    const v = venue(['reject']);
    const r = await submitSafely({ send: v.send, lookup: v.lookup, classify, policy });
    expect(r).toMatchObject({ kind: 'rejected', reason: 'insufficient funds' });
    expect(v.sends).toBe(1);
  });

  it('lookups that keep failing leave the order unresolved rather than resend it', async () => {
    const v = venue(['timeout-lost'], ['fail', 'fail', 'fail', 'fail']);
    const r = await submitSafely({ send: v.send, lookup: v.lookup, classify, policy });
    expect(r.kind).toBe('unresolved');
    expect(v.sends).toBe(1);
  });

  it('a duplicate the venue cannot find is unresolved, not sent a third time', async () => {
    const v = venue(['timeout-lost', 'duplicate']);
    const r = await submitSafely({ send: v.send, lookup: v.lookup, classify, policy });
    expect(r.kind).toBe('unresolved');
    expect(v.sends).toBe(2);
  });

  it('does not trust "unknown" until the send window has passed (a late request could still land)', async () => {
    const orders: string[] = [];
    let sends = 0;
    const r = await submitSafely({
      send: async () => {
        if (sends++ === 0) {
          setTimeout(() => orders.push('late'), 20);
          throw new Timeout('t');
        }
        orders.push('again');
        return 'V';
      },
      lookup: async () => (orders.length > 0 ? 'V-late' : null),
      classify,
      policy: { maxSends: 3, maxLookups: 4, baseMs: 10, maxMs: 10, trustAbsentAfterMs: 60, random: () => 0.5 },
    });
    expect(r).toMatchObject({ kind: 'found', value: 'V-late', sends: 1 });
    expect(orders).toEqual(['late']);
  });
});
