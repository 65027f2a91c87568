// The in-process event bus: typed topics, every message stamped with a global monotonic sequence number and a
// time, dispatched synchronously to in-loop subscribers (portfolio, strategies, breakers) and through bounded
// queues to out-of-loop subscribers (store, metrics, API fan-out). A subscriber that throws or falls behind is
// isolated: the publisher never sees its error, the failure is counted and reported on the `bus.error` topic.

/** One published message, immutable once created. */
export interface BusMessage<Topic extends string = string, Payload = unknown> {
  /** Global, gap-free, starting at 1 for the bus's first message. */
  readonly seq: number;
  readonly tsMs: number;
  readonly topic: Topic;
  readonly payload: Payload;
}

/** What the bus reports about a subscriber that threw or overflowed its queue. */
export interface BusError {
  readonly subscriber: string;
  readonly topic: string;
  readonly seq: number;
  readonly kind: 'threw' | 'overflow';
  readonly message: string;
}

export interface SubscribeOptions {
  /** A name for errors and statistics; defaults to `subscriber-<n>`. */
  readonly name?: string;
  /**
   * Deliver through a queue drained outside the publishing call stack (on the next macrotask), holding at most
   * `capacity` messages; when full, the oldest waiting message is dropped and counted. Without it, delivery is
   * synchronous inside `publish`.
   */
  readonly queue?: { readonly capacity: number };
}

export interface SubscriberStats {
  readonly name: string;
  readonly topic: string;
  readonly delivered: number;
  readonly errors: number;
  readonly dropped: number;
  readonly queued: number;
}

type Handler = (m: BusMessage) => void;

interface Subscriber {
  readonly name: string;
  readonly topic: string;
  readonly handler: Handler;
  readonly capacity: number;
  readonly queue: BusMessage[];
  delivered: number;
  errors: number;
  dropped: number;
  active: boolean;
}

export const BUS_ERROR_TOPIC = 'bus.error';
const ALL = '*';

export class EventBus<Topics extends { readonly [topic: string]: unknown }> {
  readonly #now: () => number;
  readonly #byTopic = new Map<string, Subscriber[]>();
  readonly #all: Subscriber[] = [];
  #seq = 0;
  #named = 0;
  #drainScheduled = false;
  #reportingError = false;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The sequence number of the last published message (0 before any). */
  get seq(): number {
    return this.#seq;
  }

  subscribe<K extends keyof Topics & string>(topic: K, handler: (m: BusMessage<K, Topics[K]>) => void, opts?: SubscribeOptions): () => void;
  subscribe(topic: '*', handler: (m: BusMessage<keyof Topics & string, Topics[keyof Topics]>) => void, opts?: SubscribeOptions): () => void;
  subscribe(topic: typeof BUS_ERROR_TOPIC, handler: (m: BusMessage<typeof BUS_ERROR_TOPIC, BusError>) => void, opts?: SubscribeOptions): () => void;
  subscribe(topic: string, handler: (m: never) => void, opts: SubscribeOptions = {}): () => void {
    const capacity = opts.queue?.capacity ?? 0;
    if (opts.queue !== undefined && !(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    const sub: Subscriber = {
      name: opts.name ?? `subscriber-${++this.#named}`, topic, handler: handler as Handler, capacity, queue: [],
      delivered: 0, errors: 0, dropped: 0, active: true,
    };
    const list = topic === ALL ? this.#all : this.#listFor(topic);
    list.push(sub);
    return () => {
      sub.active = false;
      sub.queue.length = 0;
      const i = list.indexOf(sub);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /**
   * True when a message on `topic` would reach a subscriber (of the topic or of every topic): a publisher
   * on a hot path may skip building messages nobody receives.
   */
  hasSubscribers(topic: string): boolean {
    if (this.#all.length !== 0 && topic !== BUS_ERROR_TOPIC) return true;
    const list = this.#byTopic.get(topic);
    return list !== undefined && list.length !== 0;
  }

  /** Stamps and delivers one message; returns it. Subscriber failures never reach the caller. */
  publish<K extends keyof Topics & string>(topic: K, payload: Topics[K], tsMs: number = this.#now()): BusMessage<K, Topics[K]> {
    const message: BusMessage<K, Topics[K]> = Object.freeze({ seq: ++this.#seq, tsMs, topic, payload });
    const subs = this.#byTopic.get(topic);
    if (subs !== undefined) for (let i = 0; i < subs.length; i++) this.#deliver(subs[i]!, message);
    if (topic !== BUS_ERROR_TOPIC) for (let i = 0; i < this.#all.length; i++) this.#deliver(this.#all[i]!, message);
    return message;
  }

  /** Delivers everything waiting in queued subscribers now (tests, shutdown). */
  flush(): void {
    this.#drainScheduled = false;
    for (const sub of this.#subscribers()) this.#drain(sub);
  }

  stats(): SubscriberStats[] {
    return this.#subscribers().map((s) => ({ name: s.name, topic: s.topic, delivered: s.delivered, errors: s.errors, dropped: s.dropped, queued: s.queue.length }));
  }

  #listFor(topic: string): Subscriber[] {
    let list = this.#byTopic.get(topic);
    if (list === undefined) this.#byTopic.set(topic, (list = []));
    return list;
  }

  #subscribers(): Subscriber[] {
    return [...[...this.#byTopic.values()].flat(), ...this.#all];
  }

  #deliver(sub: Subscriber, message: BusMessage): void {
    if (sub.capacity === 0) {
      this.#call(sub, message);
      return;
    }
    if (sub.queue.length >= sub.capacity) {
      const lost = sub.queue.shift()!;
      sub.dropped++;
      this.#reportError(sub, lost, 'overflow', `queue full (${sub.capacity}): dropped message ${lost.seq}`);
    }
    sub.queue.push(message);
    this.#scheduleDrain();
  }

  #call(sub: Subscriber, message: BusMessage): void {
    try {
      sub.handler(message);
      sub.delivered++;
    } catch (e) {
      sub.errors++;
      this.#reportError(sub, message, 'threw', e instanceof Error ? e.message : String(e));
    }
  }

  #drain(sub: Subscriber): void {
    while (sub.active && sub.queue.length > 0) this.#call(sub, sub.queue.shift()!);
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      if (this.#drainScheduled) this.flush();
    });
  }

  /** Publishes a BusError; an error raised while reporting one is counted but not reported again (no loops). */
  #reportError(sub: Subscriber, message: BusMessage, kind: BusError['kind'], text: string): void {
    if (this.#reportingError || message.topic === BUS_ERROR_TOPIC) return;
    this.#reportingError = true;
    try {
      const err: BusError = { subscriber: sub.name, topic: message.topic, seq: message.seq, kind, message: text };
      (this as unknown as EventBus<{ [BUS_ERROR_TOPIC]: BusError }>).publish(BUS_ERROR_TOPIC, err);
    } finally {
      this.#reportingError = false;
    }
  }
}
