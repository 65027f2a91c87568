// The trade_updates stream through the SDK's TradingStream (JSON frames: authenticate, then listen).
// The SDK reconnects with backoff and sends `listen` again after each authentication; this wrapper turns
// its lifecycle into three things the client needs: the link is down (report 'reconnecting'), the link is
// back and listening again (gap-fill what was missed), and a frame could not be read (gap-fill too: a
// garbled frame may have been a fill).
import { streaming } from '@alpacahq/alpaca-trade-api';
import { redact } from '../shared/credentials.ts';

export interface TradeStreamOptions {
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** First reconnect delay; doubles up to `maxReconnectMs`. */
  readonly initialReconnectMs: number;
  readonly maxReconnectMs: number;
  /** How long connect() waits for authentication and the listen acknowledgement. */
  readonly handshakeTimeoutMs: number;
  readonly pingIntervalMs: number;
  /** Lifecycle lines for the operator log. */
  readonly log?: (line: string) => void;
}

export interface TradeStreamHandlers {
  /** One trade update frame's data (the SDK's mapped object; raw snake_case keys preserved). */
  onUpdate(data: Record<string, unknown>): void;
  /** The link dropped unexpectedly; the SDK is reconnecting. */
  onDown(reason: string): void;
  /** Listening again after a drop. */
  onUp(): void;
  /** A frame that could not be decoded or processed, or a stream error (already redacted). */
  onError(message: string): void;
  /** Alpaca refused the credentials on a reconnect: the stream has stopped for good. */
  onFatal(message: string): void;
}

export class TradeStream {
  readonly #stream: streaming.TradingStream;
  #started = false;
  #stopping = false;
  #down = false;
  #listening = false;
  #waiters: ((ok: boolean) => void)[] = [];

  constructor(
    private readonly opts: TradeStreamOptions,
    private readonly handlers: TradeStreamHandlers,
  ) {
    this.#stream = new streaming.TradingStream({
      url: opts.url,
      credentials: { keyId: opts.keyId, secret: opts.secretKey },
      maxReconnectAttempts: streaming.UNLIMITED_RECONNECT_ATTEMPTS,
      initialReconnectMs: opts.initialReconnectMs,
      maxReconnectMs: opts.maxReconnectMs,
      pingIntervalMs: opts.pingIntervalMs,
      pongWaitMs: Math.max(1000, opts.pingIntervalMs),
    });
    this.#stream.onTradeUpdate((u) => this.handlers.onUpdate(u as unknown as Record<string, unknown>));
    this.#stream.on(streaming.EVENT.SUBSCRIPTION, (streams: unknown) => this.#listened(streams));
    this.#stream.onError((msg) => this.#error(msg));
    this.#stream.onStateChange((state) => this.#state(state));
  }

  /** Connects, authenticates and listens; rejects (redacted) when any step fails or times out. */
  async start(): Promise<void> {
    this.#stopping = false;
    this.#down = false;
    this.#listening = false;
    this.#started = true;
    const listening = new Promise<boolean>((resolve) => this.#waiters.push(resolve));
    this.#stream.subscribeTradeUpdates();
    this.#stream.connect();
    const auth = await this.#stream.waitForAuthenticationResult(this.opts.handshakeTimeoutMs);
    if (!auth.authenticated) {
      this.stop();
      throw new Error(this.#redact(`trade_updates stream: ${auth.status}: ${auth.message}`));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ok = await Promise.race([listening, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.opts.handshakeTimeoutMs)))]);
    clearTimeout(timer);
    if (!ok) {
      this.stop();
      throw new Error('trade_updates stream: no listen acknowledgement');
    }
  }

  stop(): void {
    this.#stopping = true;
    this.#started = false;
    this.#listening = false;
    this.#stream.disconnect();
    for (const w of this.#waiters.splice(0)) w(false);
  }

  get listening(): boolean {
    return this.#listening;
  }

  #listened(streams: unknown): void {
    if (!Array.isArray(streams) || !streams.includes('trade_updates')) return;
    this.#listening = true;
    for (const w of this.#waiters.splice(0)) w(true);
    if (this.#down) {
      this.#down = false;
      this.handlers.onUp();
    }
  }

  #state(state: string): void {
    this.opts.log?.(`stream state ${state}`);
    if (state !== streaming.STATE.DISCONNECTED || !this.#started || this.#stopping) return;
    this.#listening = false;
    if (!this.#down) {
      this.#down = true;
      this.handlers.onDown('trade_updates stream closed');
    }
  }

  #error(message: string): void {
    const text = this.#redact(message);
    if (/auth failed|not authorized|unauthorized/i.test(text) && this.#started && !this.#stopping) {
      this.#started = false;
      this.handlers.onFatal(`trade_updates stream: ${text}`);
      return;
    }
    this.handlers.onError(text);
  }

  #redact(text: string): string {
    return redact(text, [this.opts.keyId, this.opts.secretKey]);
  }
}
