// Everything the bot sends goes through here, within Telegram's limits (about 30 messages a second overall,
// about one a second per chat): a global token bucket for every call, and per chat a queue of alerts sent
// at most once per `perChatMs`, coalesced (the alerts waiting for a chat go out as one message, up to
// `maxChars`), so a burst of fills is a message or two rather than a flood. Answers to commands (`request`)
// go first and are not held to the per-chat pace. A 429 pauses everything for its retry_after; other failures
// are logged (alerts dropped, requests rejected), never thrown at the caller of `alert`.
export interface OutboxOptions {
  /** Sends one message (HTML) to a chat. */
  readonly send: (chatId: string, html: string) => Promise<unknown>;
  /** The seconds to wait when `e` is Telegram's "too many requests", else null. */
  readonly retryAfter: (e: unknown) => number | null;
  readonly log: (line: string) => void;
  readonly perChatMs?: number;
  readonly globalPerSecond?: number;
  /** Alerts kept waiting per chat; older ones are dropped (and counted in the next message). */
  readonly maxPendingPerChat?: number;
  readonly maxChars?: number;
}

interface ChatQueue {
  readonly chatId: string;
  readonly pending: string[];
  dropped: number;
  nextMs: number;
  busy: boolean;
}

interface Job {
  readonly fn: () => Promise<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  tries: number;
}

export class Outbox {
  readonly #o: Required<OutboxOptions>;
  readonly #chats = new Map<string, ChatQueue>();
  readonly #requests: Job[] = [];
  readonly #perMs: number;
  #tokens: number;
  #atMs = Date.now();
  #pausedUntil = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(opts: OutboxOptions) {
    this.#o = { perChatMs: 1000, globalPerSecond: 25, maxPendingPerChat: 200, maxChars: 3800, ...opts };
    this.#perMs = this.#o.globalPerSecond / 1000;
    this.#tokens = this.#o.globalPerSecond;
  }

  /** A call to Telegram ahead of the alerts (a reply, an edit, a callback answer); retried after a 429. */
  request<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the Telegram bot is stopping'));
    return new Promise<T>((resolve, reject) => {
      this.#requests.push({ fn, resolve: resolve as (v: unknown) => void, reject, tries: 0 });
      this.#pump();
    });
  }

  /** Queues an alert for a chat. */
  alert(chatId: string, html: string): void {
    if (this.#closed) return;
    let c = this.#chats.get(chatId);
    if (c === undefined) this.#chats.set(chatId, (c = { chatId, pending: [], dropped: 0, nextMs: 0, busy: false }));
    c.pending.push(html);
    if (c.pending.length > this.#o.maxPendingPerChat) {
      c.dropped += c.pending.length - this.#o.maxPendingPerChat;
      c.pending.splice(0, c.pending.length - this.#o.maxPendingPerChat);
    }
    this.#pump();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    for (const j of this.#requests.splice(0)) j.reject(new Error('the Telegram bot is stopping'));
    this.#chats.clear();
  }

  #wake(ms: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pump();
    }, Math.max(1, Math.ceil(ms)));
    this.#timer.unref();
  }

  #pump(): void {
    if (this.#closed) return;
    for (;;) {
      const now = Date.now();
      if (now < this.#pausedUntil) return this.#wake(this.#pausedUntil - now);
      this.#tokens = Math.min(this.#o.globalPerSecond, this.#tokens + (now - this.#atMs) * this.#perMs);
      this.#atMs = now;
      const job = this.#requests[0];
      let ready: ChatQueue | undefined;
      let nextMs = Number.POSITIVE_INFINITY;
      if (job === undefined) {
        for (const c of this.#chats.values()) {
          if (c.busy || c.pending.length === 0) continue;
          if (c.nextMs <= now) {
            ready = c;
            break;
          }
          nextMs = Math.min(nextMs, c.nextMs);
        }
        if (ready === undefined) {
          if (Number.isFinite(nextMs)) this.#wake(nextMs - now);
          return;
        }
      }
      if (this.#tokens < 1) return this.#wake((1 - this.#tokens) / this.#perMs);
      this.#tokens -= 1;
      if (job !== undefined) void this.#run(this.#requests.shift()!);
      else void this.#sendAlerts(ready!, now);
    }
  }

  async #run(job: Job): Promise<void> {
    try {
      job.resolve(await job.fn());
    } catch (e) {
      const wait = this.#o.retryAfter(e);
      if (wait !== null && job.tries < 2 && !this.#closed) {
        job.tries++;
        this.#pausedUntil = Date.now() + wait * 1000;
        this.#requests.unshift(job);
      } else job.reject(e);
    } finally {
      this.#pump();
    }
  }

  async #sendAlerts(c: ChatQueue, now: number): Promise<void> {
    const batch: string[] = [];
    let size = 0;
    while (c.pending.length > 0 && (batch.length === 0 || size + c.pending[0]!.length + 2 <= this.#o.maxChars)) {
      const next = c.pending.shift()!;
      batch.push(next);
      size += next.length + 2;
    }
    const dropped = c.dropped;
    c.dropped = 0;
    c.busy = true;
    c.nextMs = now + this.#o.perChatMs;
    try {
      await this.#o.send(c.chatId, [...(dropped > 0 ? [`<i>… ${dropped} older alert${dropped === 1 ? '' : 's'} dropped (too many at once)</i>`] : []), ...batch].join('\n\n'));
    } catch (e) {
      const wait = this.#o.retryAfter(e);
      if (wait !== null && !this.#closed) {
        c.pending.unshift(...batch);
        c.dropped += dropped;
        this.#pausedUntil = Date.now() + wait * 1000;
        c.nextMs = this.#pausedUntil;
      } else this.#o.log(`telegram: ${batch.length} alert${batch.length === 1 ? '' : 's'} to chat ${c.chatId} not sent: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      c.busy = false;
      // Round robin: this chat goes behind the others.
      if (this.#chats.get(c.chatId) === c) {
        this.#chats.delete(c.chatId);
        this.#chats.set(c.chatId, c);
      }
      this.#pump();
    }
  }
}
