// Checks one flag value against its definition before any work starts: decimal numbers in range, non-empty
// strings, allowed choices, dates, and paths of the right kind (an output's directory exists and is
// writable). A bad value is a ConfigError naming the flag (exit 2).
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { FlagValue } from './args.ts';
import { allowedText, type FlagDef } from './spec.ts';

/** Plain decimal notation only: no hex, binary, octal, NaN, Infinity, blanks or empty strings. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A ConfigError about a flag: the message starts with the flag, and `where.field` names it. */
export function flagError(flag: string, message: string): ConfigError {
  const e = new ConfigError(message);
  Object.defineProperty(e, 'where', { value: { field: flag } });
  return e;
}

/** YYYY-MM-DD[THH:MM[:SS[.s]][Z|±HH:MM]] naming a real day (2020-02-30 is not one). */
function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const day = text.slice(0, 10);
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day && !Number.isNaN(Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text));
}

function bad(flag: FlagDef, message: string): ConfigError {
  return flagError(`--${flag.name}`, `--${flag.name} ${message}`);
}

function statOf(path: string): Stats | 'missing' | 'not-a-directory' {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOTDIR' ? 'not-a-directory' : 'missing';
  }
}

export function checkNumber(flag: FlagDef, text: string): number {
  const r = flag.range ?? {};
  if (r.word !== undefined && text === r.word) return Infinity;
  const what = `${r.integer ? 'an integer' : 'a decimal number'}${r.word ? ` or ${r.word}` : ''}`;
  if (!DECIMAL.test(text)) throw bad(flag, `must be ${what}, got "${text}"`);
  const n = Number(text);
  const inRange =
    Number.isFinite(n) &&
    (!r.integer || Number.isSafeInteger(n)) &&
    (r.min === undefined || (r.minExclusive ? n > r.min : n >= r.min)) &&
    (r.max === undefined || (r.maxExclusive ? n < r.max : n <= r.max));
  if (!inRange) throw bad(flag, `must be ${allowedText(flag) ?? 'finite'}, got "${text}"`);
  return n;
}

function checkOutput(flag: FlagDef, path: string): void {
  if (path === '-') {
    if (flag.stdout) return;
    throw bad(flag, 'needs a file name ("-" for stdout is not supported here)');
  }
  const target = statOf(path);
  if (target !== 'missing' && target !== 'not-a-directory' && target.isDirectory()) throw bad(flag, `${path} is a directory, not a file`);
  const dir = dirname(resolve(path));
  const d = statOf(dir);
  if (d === 'missing' || d === 'not-a-directory' || !d.isDirectory()) throw bad(flag, `${path}: directory ${dir} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
    if (target !== 'missing' && target !== 'not-a-directory') accessSync(path, constants.W_OK);
  } catch {
    throw bad(flag, `${path}: not writable`);
  }
}

function checkPath(flag: FlagDef, path: string): void {
  const s = statOf(path);
  if (flag.kind === 'input-file') {
    if (s === 'missing' || s === 'not-a-directory') throw bad(flag, `${path}: cannot read: no such file`);
    if (!s.isFile()) throw bad(flag, `${path} is not a file`);
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw bad(flag, `${path}: cannot read: permission denied`);
    }
  } else if (flag.kind === 'dir') {
    if (s === 'not-a-directory' || (s !== 'missing' && !s.isDirectory())) throw bad(flag, `${path} is not a directory`);
  } else checkOutput(flag, path);
}

/** A value from the command line (a string, or true for a boolean flag) or a config file, checked. */
export function checkValue(flag: FlagDef, raw: unknown): FlagValue {
  if (flag.kind === 'boolean') {
    if (typeof raw !== 'boolean') throw bad(flag, `is a switch: true or false, got ${JSON.stringify(raw)}`);
    return raw;
  }
  if (typeof raw === 'number' && (flag.kind === 'number' || flag.kind === 'string') && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw !== 'string') throw bad(flag, `needs a text value, got ${JSON.stringify(raw)}`);
  if (raw.trim() === '') throw bad(flag, `must not be empty`);
  if (raw.startsWith('--')) throw bad(flag, `needs a value, got the flag "${raw}"`);
  switch (flag.kind) {
    case 'number':
      return checkNumber(flag, raw);
    case 'choice':
      if (!(flag.choices ?? []).includes(raw)) throw bad(flag, `must be one of ${(flag.choices ?? []).join(', ')}, got "${raw}"`);
      return raw;
    case 'key-value':
      if (!/^[^=\s][^=]*=/.test(raw) || /^\s*__proto__\s*=/.test(raw)) throw bad(flag, `expects key=value, got "${raw}"`);
      return raw;
    case 'date':
      if (!isDate(raw)) throw bad(flag, `must be a date (YYYY-MM-DD or ISO 8601), got "${raw}"`);
      return raw;
    case 'input-file':
    case 'output-file':
    case 'dir':
      checkPath(flag, raw);
      return raw;
    case 'string':
      return raw;
  }
}
