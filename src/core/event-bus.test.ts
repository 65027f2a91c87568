import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUS_ERROR_TOPIC, EventBus, type BusError, type BusMessage } from './event-bus.ts';

type Topics = { 'order.filled': { id: string; qty: number }; 'bar': { close: number } };

function bus(startMs = 1_000): { bus: EventBus<Topics>; tick: () => void } {
  let now = startMs;
  return { bus: new EventBus<Topics>(() => now), tick: () => void (now += 1) };
}

describe('EventBus', () => {
  it('stamps every message with a gap-free global sequence and the clock time, across topics', () => {
    const { bus: b, tick } = bus();
    const seen: BusMessage[] = [];
    b.subscribe('*', (m) => seen.push(m));
    b.publish('bar', { close: 10 });
    tick();
    b.publish('order.filled', { id: 'a', qty: 1 });
    b.publish('bar', { close: 11 }, 5_000);
    expect(seen.map((m) => [m.seq, m.topic, m.tsMs])).toEqual([[1, 'bar', 1_000], [2, 'order.filled', 1_001], [3, 'bar', 5_000]]);
    expect(b.seq).toBe(3);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('delivers a topic only to its subscribers, in subscription order, synchronously', () => {
    const { bus: b } = bus();
    const order: string[] = [];
    b.subscribe('bar', () => order.push('first'));
    b.subscribe('bar', () => order.push('second'));
    b.subscribe('order.filled', () => order.push('fills'));
    b.publish('bar', { close: 1 });
    expect(order).toEqual(['first', 'second']);
  });

  it('isolates a throwing subscriber: the publisher and later subscribers go on, the error is counted and reported', () => {
    const { bus: b } = bus();
    const errors: BusError[] = [];
    const later: number[] = [];
    b.subscribe(BUS_ERROR_TOPIC, (m) => errors.push(m.payload));
    b.subscribe('bar', () => { throw new Error('disk full'); }, { name: 'store' });
    b.subscribe('bar', (m) => later.push(m.payload.close), { name: 'portfolio' });
    expect(() => b.publish('bar', { close: 7 })).not.toThrow();
    b.publish('bar', { close: 8 });
    expect(later).toEqual([7, 8]);
    expect(errors.map((e) => [e.subscriber, e.topic, e.seq, e.kind, e.message])).toEqual([
      ['store', 'bar', 1, 'threw', 'disk full'],
      ['store', 'bar', 3, 'threw', 'disk full'],
    ]);
    const store = b.stats().find((s) => s.name === 'store')!;
    expect([store.delivered, store.errors]).toEqual([0, 2]);
  });

  it('does not loop when an error subscriber throws too', () => {
    const { bus: b } = bus();
    b.subscribe(BUS_ERROR_TOPIC, () => { throw new Error('again'); }, { name: 'alerts' });
    b.subscribe('bar', () => { throw new Error('first'); });
    b.publish('bar', { close: 1 });
    expect(b.stats().find((s) => s.name === 'alerts')!.errors).toBe(1);
    expect(b.seq).toBe(2);
  });

  it('queued subscribers run after the publishing call stack, in order, and never block the publisher', async () => {
    const { bus: b } = bus();
    const got: number[] = [];
    b.subscribe('bar', (m) => got.push(m.payload.close), { queue: { capacity: 10 } });
    b.publish('bar', { close: 1 });
    b.publish('bar', { close: 2 });
    expect(got).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([1, 2]);
  });

  it('a full queue drops its oldest message, counts it and reports an overflow', () => {
    const { bus: b } = bus();
    const got: number[] = [];
    const errors: BusError[] = [];
    b.subscribe(BUS_ERROR_TOPIC, (m) => errors.push(m.payload));
    b.subscribe('bar', (m) => got.push(m.payload.close), { name: 'ws', queue: { capacity: 2 } });
    for (const close of [1, 2, 3, 4]) b.publish('bar', { close });
    b.flush();
    expect(got).toEqual([3, 4]);
    expect(errors.map((e) => [e.kind, e.seq])).toEqual([['overflow', 1], ['overflow', 2]]);
    expect(b.stats().find((s) => s.name === 'ws')!.dropped).toBe(2);
  });

  it('unsubscribing stops delivery, including messages already queued', () => {
    const { bus: b } = bus();
    const got: number[] = [];
    const off = b.subscribe('bar', (m) => got.push(m.payload.close), { queue: { capacity: 5 } });
    b.publish('bar', { close: 1 });
    off();
    b.flush();
    b.publish('bar', { close: 2 });
    b.flush();
    expect(got).toEqual([]);
  });

  it('says whether a topic has a subscriber: its own, or a wildcard one (which never hears bus errors)', () => {
    const { bus: b } = bus();
    expect([b.hasSubscribers('bar'), b.hasSubscribers('order.filled'), b.hasSubscribers(BUS_ERROR_TOPIC)]).toEqual([false, false, false]);
    const off = b.subscribe('bar', () => undefined);
    expect([b.hasSubscribers('bar'), b.hasSubscribers('order.filled')]).toEqual([true, false]);
    off();
    expect(b.hasSubscribers('bar')).toBe(false);
    b.subscribe('*', () => undefined);
    expect([b.hasSubscribers('bar'), b.hasSubscribers('order.filled'), b.hasSubscribers(BUS_ERROR_TOPIC)]).toEqual([true, true, false]);
    b.subscribe(BUS_ERROR_TOPIC, () => undefined);
    expect(b.hasSubscribers(BUS_ERROR_TOPIC)).toBe(true);
  });

  it('rejects a queue capacity that is not a positive integer', () => {
    const { bus: b } = bus();
    expect(() => b.subscribe('bar', () => {}, { queue: { capacity: 0 } })).toThrow(/positive integer/);
  });

  it('property: any mix of topics and failing subscribers yields seq 1..n to a wildcard subscriber', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ topic: fc.constantFrom('bar' as const, 'order.filled' as const), fail: fc.boolean() }), { maxLength: 50 }), (steps) => {
        const { bus: b } = bus();
        const seqs: number[] = [];
        b.subscribe('*', (m) => seqs.push(m.seq));
        let failNext = false;
        b.subscribe('bar', () => { if (failNext) throw new Error('x'); });
        for (const s of steps) {
          failNext = s.fail;
          if (s.topic === 'bar') b.publish('bar', { close: 1 });
          else b.publish('order.filled', { id: 'o', qty: 1 });
        }
        // Error reports take sequence numbers of their own but are not delivered to wildcard subscribers.
        const errors = steps.filter((s) => s.topic === 'bar' && s.fail).length;
        expect(seqs.length).toBe(steps.length);
        expect(b.seq).toBe(steps.length + errors);
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
      }),
    );
  });
});
