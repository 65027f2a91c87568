// The shape of a command's definition: what `sextant <cmd> --help`, the parser, the validator, the generated
// docs (src/cli/docs.ts) and the misuse tests all read. Definitions import nothing heavy: a command's
// implementation is loaded (src/cli/loaders.ts) only when that command runs.
import type { CommandIO, ParsedArgs } from './args.ts';

/** How a flag's value is read and checked (src/cli/validate.ts). */
export type FlagKind =
  | 'boolean'
  /** Free text (non-empty). */
  | 'string'
  /** One of `choices`. */
  | 'choice'
  /** A decimal number in `range`; `integer` for counts. */
  | 'number'
  /** `key=value`. */
  | 'key-value'
  /** A date: YYYY-MM-DD or an ISO 8601 time. */
  | 'date'
  /** A file that must exist (read by the command). */
  | 'input-file'
  /** A file the command writes: its directory must exist and be writable; `-` is stdout when `stdout` is set. */
  | 'output-file'
  /** A directory the command reads or creates: must not be a file. */
  | 'dir';

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** min itself is not allowed. */
  readonly minExclusive?: boolean;
  /** max itself is not allowed. */
  readonly maxExclusive?: boolean;
  readonly integer?: boolean;
  /** A word also accepted in place of a number (e.g. `--speed max`). */
  readonly word?: string;
}

export interface FlagDef {
  /** Without the leading `--`. */
  readonly name: string;
  readonly kind: FlagKind;
  /** The value's placeholder in help: `<n>`, `<file>`. */
  readonly arg?: string;
  readonly description: string;
  /** The default as shown in help and docs (the command or the app layer applies it). */
  readonly default?: string;
  readonly choices?: readonly string[];
  readonly range?: NumberRange;
  /** The flag may be given several times (values collected in order). */
  readonly repeat?: boolean;
  /** `--json -` writes to stdout. */
  readonly stdout?: boolean;
  readonly required?: boolean;
  /** A valid value, used by the examples and the misuse tests. */
  readonly sample: string;
}

export interface ArgDef {
  /** `<name>` is required, `[name]` optional, `[query...]` takes the rest. */
  readonly name: string;
  readonly required: boolean;
  readonly variadic?: boolean;
  readonly description: string;
  readonly sample: string;
}

export type CommandRun = (a: ParsedArgs, io: CommandIO) => Promise<number>;

export interface CommandDef {
  /** The words that name it: ['backtest'], ['data', 'import']. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly args?: readonly ArgDef[];
  readonly flags: readonly FlagDef[];
  /** Example command lines (without `npx`). */
  readonly examples: readonly string[];
  /** Extra lines after the flag list in help. */
  readonly notes?: readonly string[];
}

/** A parent of subcommands (`data`, `new`): only a summary. */
export interface GroupDef {
  readonly name: string;
  readonly summary: string;
}

export function flagPlaceholder(f: FlagDef): string {
  if (f.kind === 'boolean') return '';
  return f.arg ?? (f.kind === 'choice' ? `<${(f.choices ?? []).join('|')}>` : f.kind === 'number' ? '<n>' : '<value>');
}

/** `--cash <n>`; `--param <key=value>...` for a repeatable flag. */
export function flagUsage(f: FlagDef): string {
  const p = flagPlaceholder(f);
  return `--${f.name}${p ? ` ${p}` : ''}${f.repeat ? '...' : ''}`;
}

/** 1e15 rather than 1000000000000000. */
function showNumber(n: number): string {
  const k = Math.log10(n);
  return n >= 1e6 && Number.isInteger(k) ? `1e${k}` : String(n);
}

/** The allowed values of a flag in words, e.g. `> 0 and <= 1e15`, `cash|margin`. */
export function allowedText(f: FlagDef): string | undefined {
  if (f.kind === 'choice') return (f.choices ?? []).join(', ');
  if (f.kind !== 'number' || f.range === undefined) return undefined;
  const r = f.range;
  const parts: string[] = [];
  if (r.integer && r.min === 1 && !r.minExclusive) {
    const text = `a positive integer${r.max !== undefined ? ` <= ${showNumber(r.max)}` : ''}`;
    return r.word === undefined ? text : `${text} or ${r.word}`;
  }
  if (r.min !== undefined) parts.push(`${r.minExclusive ? '>' : '>='} ${showNumber(r.min)}`);
  if (r.max !== undefined) parts.push(`${r.maxExclusive ? '<' : '<='} ${showNumber(r.max)}`);
  const range = `${r.integer ? 'an integer ' : ''}${parts.join(' and ')}`.trim();
  return r.word === undefined ? range : `${range} or ${r.word}`;
}
