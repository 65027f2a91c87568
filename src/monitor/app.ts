// The terminal monitor (ink): polls a bot's snapshot from the server every `intervalMs` (and at once when the
// server's WebSocket says the bot's orders, positions or log changed), prints the lines of
// view.ts, and maps keys to the operator's actions (p pause, r resume, ↑↓ select, c cancel the selected order,
// k / F kill or kill+flatten after a y/n confirmation, q quit). Written with createElement (no JSX build step).
import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { createElement as h, useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { MonitorClient, Snapshot } from './client.ts';
import { INITIAL_UI, screen, type Confirm, type Tone, type UiState } from './view.ts';

export interface MonitorAppProps {
  readonly client: MonitorClient;
  /** The bot to watch; the first running one when not given. */
  readonly botId?: string;
  readonly intervalMs?: number;
  /** The terminal's size, instead of stdout's (tests). */
  readonly size?: { readonly cols: number; readonly rows: number };
  /** Read keys even when stdin cannot be put in raw mode (tests); default: only when it can. */
  readonly keys?: boolean;
}

const STYLE: Record<Tone, Record<string, unknown>> = {
  normal: {}, title: { bold: true, color: 'cyan' }, good: { color: 'green' }, bad: { color: 'red' }, warn: { color: 'yellow' },
  selected: { inverse: true }, dim: { dimColor: true },
};

/** The least time between two refreshes caused by live (WebSocket) messages. */
const LIVE_SPACING_MS = 500;

function errorText(e: unknown): string {
  if (e instanceof Error) return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message;
  return String(e);
}

/** A poll's error goes away with the next good poll; an action's message stays until the next key. */
type State = UiState & { readonly sticky: boolean };

export function MonitorApp(props: MonitorAppProps): ReactElement {
  const { client, botId, intervalMs = 1000 } = props;
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { isRawModeSupported } = useStdin();
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [ui, setUi] = useState<State>({ ...INITIAL_UI, sticky: false });
  const [term, setTerm] = useState({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const inFlight = useRef(false);
  const shown = useRef<Snapshot | null>(null);
  const again = useRef(false);
  const drawn = useRef<{ ui: State; snap: Snapshot | null }>({ ui, snap });

  // Redraw at the new size when the terminal is resized.
  useEffect(() => {
    const onResize = (): void => setTerm({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);

  const refresh = useCallback(async (): Promise<void> => {
    if (inFlight.current) {
      // Asked again while fetching: once more when this one ends, so a change is never left for the next poll.
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      // Without --bot: the bot first shown stays the one watched, even once it stops.
      const s = await client.snapshot(botId ?? shown.current?.bot.id);
      const before = shown.current;
      shown.current = s;
      setSnap(s);
      setUi((u) => {
        // The selection follows its order when newer ones arrive above it (newest first).
        const id = before?.openOrders[u.selected]?.clientOrderId;
        const at = s.openOrders.findIndex((o) => o.clientOrderId === id);
        const selected = at >= 0 ? at : Math.max(0, Math.min(u.selected, s.openOrders.length - 1));
        return { ...u, selected, message: u.sticky ? u.message : null };
      });
    } catch (e) {
      setUi((u) => ({ ...u, message: { text: errorText(e), error: true }, sticky: false }));
    } finally {
      inFlight.current = false;
    }
    if (again.current) {
      again.current = false;
      await refreshRef.current();
    }
  }, [client, botId]);
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [refresh, intervalMs]);

  // Live updates: an order event, fill, position change or log line of the bot refreshes at once, at most
  // twice a second; the poll goes on for equity and in case the socket is down.
  const watchedBot = snap?.bot.id;
  useEffect(() => {
    if (watchedBot === undefined) return;
    let last = 0;
    let pending: NodeJS.Timeout | null = null;
    const soon = (): void => {
      if (pending !== null) return;
      pending = setTimeout(() => {
        pending = null;
        last = Date.now();
        void refresh();
      }, Math.max(0, last + LIVE_SPACING_MS - Date.now()));
    };
    const stop = client.watch(watchedBot, soon);
    return () => {
      stop();
      if (pending !== null) clearTimeout(pending);
    };
  }, [client, watchedBot, refresh]);

  const say = (text: string, error = false): void => setUi((u) => ({ ...u, confirm: null, message: { text, error }, sticky: true }));
  const act = (label: string, run: () => Promise<void>): void => {
    say(`${label}...`);
    void run().then(
      async () => {
        say(`${label}: done`);
        await refresh();
      },
      (e: unknown) => say(`${label} failed: ${errorText(e)}`, true),
    );
  };

  drawn.current = { ui, snap };
  useInput((chunk, key) => {
    // Keys typed faster than a read arrive together ("nq"): only the last one counts, so a paste never answers
    // a kill's question by itself.
    const input = chunk.length > 1 ? chunk.slice(-1) : chunk;
    // What is on screen now: a key can arrive after a frame is drawn and before this handler is replaced.
    const { ui, snap } = drawn.current;
    if (ui.confirm !== null) {
      const flatten: boolean = ui.confirm === 'flatten';
      const id = snap?.bot.id;
      if ((input === 'y' || input === 'Y') && id !== undefined) act(flatten ? `kill+flatten ${id}` : `kill ${id}`, () => client.kill(id, flatten));
      else say('kill canceled');
      return;
    }
    if (input === 'q' || key.escape) {
      exit();
      return;
    }
    if (snap === null) return;
    const id = snap.bot.id;
    const confirm = (c: Confirm): void => setUi((u) => ({ ...u, confirm: c, message: null, sticky: false }));
    if (key.upArrow || key.downArrow) {
      const n = snap.openOrders.length;
      setUi((u) => ({ ...u, selected: Math.max(0, Math.min(n - 1, u.selected + (key.upArrow ? -1 : 1))), message: null, sticky: false }));
    } else if (input === 'p') act(`pause ${id}`, () => client.pause(id));
    else if (input === 'r') act(`resume ${id}`, () => client.resume(id));
    else if (input === 'k') confirm('kill');
    else if (input === 'F') confirm('flatten');
    else if (input === 'c') {
      const order = snap.openOrders[ui.selected];
      if (order === undefined) say('no open order to cancel', true);
      else act(`cancel ${order.clientOrderId}`, () => client.cancel(id, order.clientOrderId));
    }
  }, { isActive: props.keys ?? isRawModeSupported });

  const size = props.size ?? term;
  const lines = screen(snap, ui, size.cols, size.rows, client.origin);
  return h(Box, { flexDirection: 'column' }, ...lines.map((l, i) => h(Text, { key: i, wrap: 'truncate', ...STYLE[l.tone] }, l.text === '' ? ' ' : l.text)));
}
