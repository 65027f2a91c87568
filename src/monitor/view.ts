// The monitor's screen as plain lines: a snapshot of a bot (client.ts) and the UI state (selected order,
// pending confirmation, last message) mapped to at most `rows - 1` lines of at most `cols` cells. The ink
// component (app.ts) only prints these lines, so the layout is tested without a terminal. One line is left
// free at the bottom: ink redraws in place only while its output is shorter than the terminal.
import type { Snapshot } from './client.ts';
import { sparkline } from './sparkline.ts';
import { clock, fit, money, qty, row, signed } from './text.ts';

export type Tone = 'normal' | 'title' | 'good' | 'bad' | 'warn' | 'selected' | 'dim';
export interface Line {
  readonly text: string;
  readonly tone: Tone;
}

export type Confirm = 'kill' | 'flatten';
export interface UiState {
  /** Index of the selected open order. */
  readonly selected: number;
  /** A kill waiting for y/n. */
  readonly confirm: Confirm | null;
  readonly message: { readonly text: string; readonly error: boolean } | null;
}
export const INITIAL_UI: UiState = { selected: 0, confirm: null, message: null };

/** How many table rows each section gets out of the screen's height. */
export interface Budget {
  readonly positions: number;
  readonly orders: number;
  readonly fills: number;
  readonly logs: number;
}

/** Lines besides table rows: header, sparkline, four section titles, status, keys. */
const FIXED_LINES = 8;

export function budget(rows: number): Budget {
  const avail = Math.max(4, rows - 1 - FIXED_LINES);
  // Positions: its column header and at least one row.
  const positions = Math.max(2, Math.floor(avail * 0.2));
  const orders = Math.max(1, Math.floor(avail * 0.27));
  const fills = Math.max(1, Math.floor(avail * 0.27));
  return { positions, orders, fills, logs: Math.max(1, avail - positions - orders - fills) };
}

/** The bot's state word: its lifecycle state, HALTED when trading is halted (paused or killed). */
export function stateWord(s: Snapshot): string {
  const halted = s.account?.halted === true || s.risk?.halted === true;
  return `${s.bot.state.toUpperCase()}${halted ? ' HALTED' : ''}`;
}

/** The breakers in a few words: none, "2 ok", or "TRIPPED name,name". */
export function breakersWord(s: Snapshot): string {
  if (s.risk === null) return '-';
  if (s.risk.tripped.length > 0) return `TRIPPED ${s.risk.tripped.map((t) => t.breaker).join(',')}`;
  return s.risk.breakers.length === 0 ? 'none' : `${s.risk.breakers.length} ok`;
}

export function headerLine(s: Snapshot): Line {
  const a = s.account;
  const text = [
    `${s.bot.id} ${s.bot.mode} ${stateWord(s)}`,
    `eq ${money(a?.equity)}`,
    `today ${signed(a?.pnlToday)}`,
    `breakers ${breakersWord(s)}`,
    // The name last: a long one is what the width cuts.
    ...(s.bot.name === s.bot.id ? [] : [s.bot.name]),
  ].join(' | ');
  const bad = s.bot.state !== 'running' || stateWord(s).includes('HALTED') || (s.risk?.tripped.length ?? 0) > 0;
  return { text, tone: bad ? 'bad' : 'good' };
}

export function equityLine(values: readonly number[], cols: number): Line {
  if (values.length === 0) return { text: 'equity: no points yet', tone: 'dim' };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const range = ` ${money(lo, 0)}..${money(hi, 0)}`;
  return { text: `eq ${sparkline(values, cols - 3 - range.length)}${range}`, tone: 'normal' };
}

function title(name: string, cols: number): Line {
  const head = `── ${name} `;
  return { text: head + '─'.repeat(Math.max(0, cols - head.length)), tone: 'title' };
}

/** The first `n` of `items`, or a window of `n` that keeps index `keep` in view. */
function windowOf<T>(items: readonly T[], n: number, keep = 0): { shown: readonly T[]; start: number } {
  const start = Math.min(Math.max(0, keep - n + 1), Math.max(0, items.length - n));
  return { shown: items.slice(start, start + n), start };
}

export function positionLines(s: Snapshot, n: number): Line[] {
  if (s.positions.length === 0) return [{ text: '  (no open positions)', tone: 'dim' }];
  const head = row([['symbol', 10], ['strategy', 12], ['qty', 12, true], ['avg', 11, true], ['last', 11, true], ['uPnL', 12, true]]);
  const lines = windowOf(s.positions, n - 1).shown.map((p): Line => ({
    text: row([[p.symbol, 10], [p.strategyId, 12], [qty(p.qty), 12, true], [money(p.avgPrice), 11, true], [money(p.lastPrice), 11, true], [signed(p.unrealizedPnl), 12, true]]),
    tone: (p.unrealizedPnl ?? 0) < 0 ? 'bad' : 'normal',
  }));
  return [{ text: head, tone: 'dim' }, ...lines];
}

export function orderLines(s: Snapshot, n: number, selected: number): Line[] {
  if (s.openOrders.length === 0) return [{ text: '  (no open orders)', tone: 'dim' }];
  const { shown, start } = windowOf(s.openOrders, n, selected);
  return shown.map((o, i): Line => {
    const price = o.limitPrice ?? o.stopPrice;
    const sel = start + i === selected;
    return {
      text: `${sel ? '>' : ' '}${row([[o.clientOrderId, 14], [o.symbol, 10], [o.side, 4], [o.type, 10], [qty(o.qty), 12, true], [price === null ? 'mkt' : money(price), 11, true], [o.status, 10]])}`,
      tone: sel ? 'selected' : 'normal',
    };
  });
}

export function fillLines(s: Snapshot, n: number): Line[] {
  if (s.fills.length === 0) return [{ text: '  (no fills yet)', tone: 'dim' }];
  return s.fills.slice(0, n).map((f): Line => ({
    text: row([[clock(f.time), 8], [f.symbol, 10], [f.side, 4], [qty(f.qty), 12, true], [money(f.price), 11, true], [f.orderId, 14]]),
    tone: f.side === 'buy' ? 'good' : 'warn',
  }));
}

export function logLines(s: Snapshot, n: number): Line[] {
  if (s.logs.length === 0) return [{ text: '  (no log entries)', tone: 'dim' }];
  // Oldest first from the API: the last n are the newest.
  return s.logs.slice(-n).map((l): Line => ({
    text: `${clock(l.time)} ${l.level.padEnd(5)} ${l.source}: ${l.message.replace(/\s+/g, ' ')}`,
    tone: l.level === 'error' ? 'bad' : l.level === 'warn' ? 'warn' : 'normal',
  }));
}

export const KEYS_HELP = 'p pause  r resume  ↑↓ select  c cancel order  k kill  F kill+flatten  q quit';

export function statusLine(s: Snapshot | null, ui: UiState): Line {
  if (ui.confirm !== null && s !== null) {
    const what = ui.confirm === 'flatten' ? 'halt, cancel every order AND close every position' : 'halt and cancel every order';
    return { text: `Kill ${s.bot.id}: ${what}? y/n`, tone: 'warn' };
  }
  if (ui.message !== null) return { text: ui.message.text.replace(/\s+/g, ' '), tone: ui.message.error ? 'bad' : 'good' };
  return { text: s === null ? '' : `updated ${clock(new Date(s.fetchedMs).toISOString())} UTC`, tone: 'dim' };
}

/** The whole screen: never more than max(1, rows - 1) lines, none longer than `cols`. */
export function screen(s: Snapshot | null, ui: UiState, cols: number, rows: number, server: string): Line[] {
  const lines: Line[] = [];
  if (s === null) {
    lines.push({ text: `sextant monitor: connecting to ${server}...`, tone: 'dim' }, statusLine(s, ui), { text: KEYS_HELP, tone: 'dim' });
  } else {
    const b = budget(rows);
    lines.push(headerLine(s), equityLine(s.equity, cols));
    lines.push(title(`Positions (${s.positions.length})`, cols), ...pad(positionLines(s, b.positions), b.positions));
    lines.push(title(`Open orders (${s.openOrders.length})`, cols), ...pad(orderLines(s, b.orders, ui.selected), b.orders));
    lines.push(title('Recent fills', cols), ...pad(fillLines(s, b.fills), b.fills));
    lines.push(title('Log', cols), ...pad(logLines(s, b.logs), b.logs));
    lines.push(statusLine(s, ui), { text: KEYS_HELP, tone: 'dim' });
  }
  const max = Math.max(1, rows - 1);
  // Too short a terminal: keep the header and the last lines (status, keys).
  const kept = lines.length <= max ? lines : [...lines.slice(0, Math.max(0, max - 2)), ...lines.slice(-Math.min(2, max))].slice(0, max);
  return kept.map((l) => ({ text: fit(l.text, cols), tone: l.tone }));
}

/** Exactly `n` lines: cut, or filled with blank ones (so the layout does not jump as lists grow). */
function pad(lines: readonly Line[], n: number): Line[] {
  const out = lines.slice(0, n);
  while (out.length < n) out.push({ text: '', tone: 'normal' });
  return out;
}
