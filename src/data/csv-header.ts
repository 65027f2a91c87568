// Which column holds what: header names (case-insensitive, with aliases) or a user mapping.
import { InputError } from '../core/errors.ts';

export type BarField = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';
export type ColumnMapping = Partial<Record<BarField, string>>;

/** Column indexes for each role; -1 when absent (volume and time-of-day are optional). */
export interface ColumnLayout {
  readonly count: number;
  readonly time: number;
  /** A separate `Time` column next to a `Date` column (MetaTrader, backtrader generic CSV). */
  readonly timeOfDay: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Display name per column for messages: the header text, or the role when the header is blank. */
  readonly names: readonly string[];
}

// First alias found wins, in this order. `Adj Close` is deliberately not an alias: raw OHLC is used.
const ALIASES: Record<BarField, readonly string[]> = {
  time: ['datetime', 'date_time', 'date time', 'timestamp', 'date', 'time', 'ts', 'index'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c', 'last'],
  volume: ['volume', 'vol', 'v', 'tick_volume', 'tickvol'],
};

const REQUIRED: readonly BarField[] = ['time', 'open', 'high', 'low', 'close'];

/** Header cell text without surrounding spaces and quotes. */
export function cleanHeaderCell(cell: string): string {
  return cell.trim().replace(/^"(.*)"$/, '$1').trim();
}

export function resolveColumns(header: readonly string[], mapping: ColumnMapping, file: string, line: number): ColumnLayout {
  const lower = header.map((h) => h.toLowerCase());
  const roles: Record<BarField, number> = { time: -1, open: -1, high: -1, low: -1, close: -1, volume: -1 };
  const missing: string[] = [];
  for (const role of Object.keys(roles) as BarField[]) {
    const mapped = mapping[role];
    if (mapped !== undefined) {
      roles[role] = lower.indexOf(mapped.toLowerCase());
      if (roles[role] < 0) missing.push(mapped);
      continue;
    }
    for (const alias of ALIASES[role]) {
      const i = lower.indexOf(alias);
      if (i >= 0) {
        roles[role] = i;
        break;
      }
    }
    // pandas writes its DatetimeIndex under a blank first header.
    if (role === 'time' && roles.time < 0 && lower[0] === '') roles.time = 0;
    if (roles[role] < 0 && REQUIRED.includes(role)) missing.push(role);
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    const hint = /^[+-]?\d/.test(header[0] ?? '') ? ' (the first line looks like data: is the header row missing?)' : '';
    throw new InputError(`missing required column${missing.length > 1 ? 's' : ''} ${list}; header is: ${header.join(',')}${hint}`, {
      file,
      line,
      field: missing[0]!,
    });
  }
  const timeOfDay = lower[roles.time] === 'date' && mapping.time === undefined ? lower.indexOf('time') : -1;
  const names = header.map((h, i) => h || (i === roles.time ? 'time' : `column ${i + 1}`));
  return { count: header.length, ...roles, timeOfDay, names };
}
