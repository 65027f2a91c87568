// One WebSocket to /api/v1/ws for the whole page: subscriptions by (bot, topic) with any number of listeners,
// a visible connection state, and automatic reconnection that resubscribes and resumes the resumable topics
// (`events`, `logs`) after the last epoch/seq seen, so nothing is missed. A `gap` (the server no longer holds
// what was missed, or the bot restarted) is passed to listeners, which re-read through REST.
export type Topic = 'events' | 'equity' | 'positions' | 'logs' | 'candles' | 'bots' | 'jobs';
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LiveMessage {
  readonly type: 'message';
  readonly bot: string;
  readonly topic: Topic;
  readonly epoch: string;
  readonly seq: number;
  readonly time: string;
  readonly data: unknown;
}
export interface LiveGap {
  readonly type: 'gap';
  readonly bot: string;
  readonly epoch: string;
  readonly from: number;
  readonly to: number;
  readonly message: string;
}
export type LiveListener = (m: LiveMessage | LiveGap) => void;

export interface IndicatorAsk {
  readonly name: string;
  readonly params: Record<string, number | string>;
}

const RESUMABLE = new Set<Topic>(['events', 'logs']);
const keyOf = (bot: string | null, topic: Topic): string => `${bot ?? ''}\u0000${topic}`;

class LiveSocket {
  #ws: WebSocket | null = null;
  #state: ConnectionState = 'closed';
  #retryMs = 500;
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #listeners = new Map<string, Set<LiveListener>>();
  /** Indicators asked with a bot's candles (the last asker's). */
  readonly #indicators = new Map<string, readonly IndicatorAsk[]>();
  /** The last epoch and seq seen per bot (resume point). */
  readonly #cursor = new Map<string, { epoch: string; seq: number }>();
  readonly #stateListeners = new Set<(s: ConnectionState) => void>();
  #wanted = false;

  get state(): ConnectionState {
    return this.#state;
  }

  onState(l: (s: ConnectionState) => void): () => void {
    this.#stateListeners.add(l);
    return () => this.#stateListeners.delete(l);
  }

  /** Listens to a topic (of a bot, or of the server for `bots`/`jobs`); returns the unsubscribe. */
  subscribe(bot: string | null, topic: Topic, listener: LiveListener, indicators?: readonly IndicatorAsk[]): () => void {
    const key = keyOf(bot, topic);
    let set = this.#listeners.get(key);
    const first = set === undefined;
    if (set === undefined) this.#listeners.set(key, (set = new Set()));
    set.add(listener);
    if (bot !== null && topic === 'candles' && indicators !== undefined) {
      this.#indicators.set(bot, indicators);
      if (!first) this.#send({ op: 'subscribe', bot, topics: ['candles'], indicators });
    }
    if (first) this.#subscribeOne(bot, topic);
    this.#ensureOpen();
    return () => {
      set.delete(listener);
      if (set.size > 0) return;
      this.#listeners.delete(key);
      this.#send({ op: 'unsubscribe', ...(bot === null ? {} : { bot }), topics: [topic] });
    };
  }

  /** Starts (after login) or stops (logout) the connection. */
  setWanted(wanted: boolean): void {
    this.#wanted = wanted;
    if (wanted) this.#ensureOpen();
    else {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#ws?.close(1000);
      this.#ws = null;
      this.#cursor.clear();
      this.#setState('closed');
    }
  }

  #setState(s: ConnectionState): void {
    if (s === this.#state) return;
    this.#state = s;
    for (const l of this.#stateListeners) l(s);
  }

  #ensureOpen(): void {
    if (!this.#wanted || this.#ws !== null) return;
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/v1/ws`;
    const ws = new WebSocket(url);
    this.#ws = ws;
    this.#setState(this.#state === 'closed' || this.#state === 'connecting' ? 'connecting' : 'reconnecting');
    ws.onopen = () => {
      this.#retryMs = 500;
      this.#setState('open');
      for (const key of this.#listeners.keys()) {
        const [bot, topic] = key.split('\u0000') as [string, Topic];
        this.#subscribeOne(bot === '' ? null : bot, topic);
      }
    };
    ws.onmessage = (ev) => this.#receive(String(ev.data));
    ws.onclose = (ev) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (!this.#wanted || ev.code === 4001) return this.#setState('closed');
      this.#setState('reconnecting');
      this.#timer = setTimeout(() => this.#ensureOpen(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, 10_000);
    };
  }

  #subscribeOne(bot: string | null, topic: Topic): void {
    const msg: Record<string, unknown> = { op: 'subscribe', topics: [topic] };
    if (bot !== null) msg.bot = bot;
    const cursor = bot === null ? undefined : this.#cursor.get(bot);
    if (cursor !== undefined && RESUMABLE.has(topic)) Object.assign(msg, { since: cursor.seq, epoch: cursor.epoch });
    if (bot !== null && topic === 'candles') {
      const ind = this.#indicators.get(bot);
      if (ind !== undefined) msg.indicators = ind;
    }
    this.#send(msg);
  }

  #send(msg: Record<string, unknown>): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(msg));
  }

  #receive(text: string): void {
    let m: { type?: string; bot?: string; topic?: Topic; epoch?: string; seq?: number };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      return;
    }
    if (m.type === 'message' && m.topic !== undefined) {
      const msg = m as LiveMessage;
      if (RESUMABLE.has(msg.topic)) {
        const c = this.#cursor.get(msg.bot);
        if (c === undefined || c.epoch !== msg.epoch || msg.seq > c.seq) this.#cursor.set(msg.bot, { epoch: msg.epoch, seq: msg.seq });
      }
      const server = msg.topic === 'bots' || msg.topic === 'jobs';
      for (const l of this.#listeners.get(keyOf(server ? null : msg.bot, msg.topic)) ?? []) l(msg);
      if (server) return;
    } else if (m.type === 'gap' && m.bot !== undefined) {
      const gap = m as LiveGap;
      this.#cursor.delete(gap.bot);
      for (const topic of RESUMABLE) for (const l of this.#listeners.get(keyOf(gap.bot, topic)) ?? []) l(gap);
    }
  }
}

/** The page's one live connection. */
export const live = new LiveSocket();
