// One WebSocket client: its subscriptions, the indicators it asked to see on candles, and the backpressure
// rule. Sends never wait: while the socket's unsent bytes are above SOFT_BYTES, snapshots (equity,
// positions) are held back, the newest per key replacing older ones, and sent once it drains; above
// HARD_BYTES the client is closed with 4008 (too slow), so a stuck reader costs bounded memory.
import type { WebSocket } from 'ws';
import { InputError } from '../../core/errors.ts';
import { getIndicator } from '../../indicators/registry.ts';
import type { Indicator } from '../../indicators/indicator.ts';
import type { SymbolBar } from '../../data/live/feed.ts';
import { CLOSE, type ServerMessage } from './messages.ts';

export const SOFT_BYTES = 256 * 1024;
export const HARD_BYTES = 4 * 1024 * 1024;

interface AskedIndicator {
  readonly label: string;
  readonly inputs: 'close' | 'bar';
  readonly create: () => Indicator<never, unknown>;
}

export class WsClient {
  readonly socket: WebSocket;
  readonly actor: string;
  readonly #held = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  /** Per bot: the indicators asked for, and their instances per symbol. */
  readonly #indicators = new Map<string, { asked: AskedIndicator[]; bySymbol: Map<string, Indicator<never, unknown>[]> }>();
  closed = false;
  sent = 0;

  constructor(socket: WebSocket, actor: string) {
    this.socket = socket;
    this.actor = actor;
  }

  sendObject(m: ServerMessage): void {
    this.sendText(JSON.stringify(m));
  }

  /** Sends now, or (with `coalesce`) holds the newest per key while the socket is backed up. */
  sendText(text: string, coalesce?: string): void {
    if (this.closed) return;
    const backlog = this.socket.bufferedAmount;
    if (backlog > HARD_BYTES) {
      this.close(CLOSE.TOO_SLOW, 'too slow: messages were not read fast enough');
      return;
    }
    if (coalesce !== undefined && backlog > SOFT_BYTES) {
      this.#held.set(coalesce, text);
      this.#timer ??= setTimeout(() => this.#flushHeld(), 50);
      return;
    }
    this.sent++;
    this.socket.send(text);
  }

  /** Sets the indicators shown with this client's candles of `bot` (validated: unknown names are errors). */
  setIndicators(bot: string, asks: readonly { name: string; params: Record<string, number | string> }[]): void {
    const asked = asks.map((a, i) => {
      const def = getIndicator(a.name);
      if (def.inputs === 'pair') throw new InputError(`indicators.${i}: ${def.name} needs two series; candles give one`, { field: `indicators.${i}.name` });
      const parsed = def.schema.safeParse(a.params);
      if (!parsed.success) throw new InputError(`indicators.${i}.params: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { field: `indicators.${i}.params` });
      const label = [def.name, ...Object.values(a.params).map(String)].join(':');
      return { label, inputs: def.inputs as 'close' | 'bar', create: () => def.create(parsed.data) };
    });
    this.#indicators.set(bot, { asked, bySymbol: new Map() });
  }

  sendCandle(bot: string, epoch: string, seq: number, b: SymbolBar): void {
    const ind = this.#indicators.get(bot);
    let values: Record<string, unknown> | null = null;
    if (ind !== undefined && ind.asked.length > 0) {
      let list = ind.bySymbol.get(b.symbol);
      if (list === undefined) ind.bySymbol.set(b.symbol, (list = ind.asked.map((a) => a.create())));
      values = {};
      for (let i = 0; i < list.length; i++) {
        const a = ind.asked[i]!;
        const input = a.inputs === 'close' ? b.close : { open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
        const v = (list[i] as Indicator<unknown, unknown>).update(input);
        values[a.label] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
      }
    }
    this.sendText(JSON.stringify({
      type: 'message', bot, topic: 'candles', epoch, seq, time: new Date(b.tsMs).toISOString(),
      data: { symbol: b.symbol, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, indicators: values },
    }));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#held.clear();
    try {
      this.socket.close(code, reason);
    } catch {
      this.socket.terminate();
    }
  }

  #flushHeld(): void {
    this.#timer = null;
    if (this.closed) return;
    if (this.socket.bufferedAmount > SOFT_BYTES) {
      this.#timer = setTimeout(() => this.#flushHeld(), 50);
      return;
    }
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const t of held) {
      this.sent++;
      this.socket.send(t);
    }
  }
}
