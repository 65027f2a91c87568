// The parsed and validated arguments a command's implementation receives (commander parses, src/cli/validate.ts
// checks), and the accessors the commands read them with.
import { ConfigError } from '../core/errors.ts';

export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  /** Positional arguments, in order. */
  readonly positional: string[];
  /** Every flag given (command line over --config), its values in order; numbers are numbers. */
  readonly flags: Map<string, FlagValue[]>;
}

/** Where a command writes: `out` is stdout, `err` is stderr (tests pass collectors). */
export interface CommandIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

export function str(a: ParsedArgs, name: string): string | undefined {
  const v = a.flags.get(name)?.[0];
  return v === undefined ? undefined : String(v);
}
export function num(a: ParsedArgs, name: string): number | undefined {
  const v = a.flags.get(name)?.[0];
  return typeof v === 'number' ? v : undefined;
}
export function bool(a: ParsedArgs, name: string): boolean {
  return a.flags.get(name)?.[0] === true;
}
export function strs(a: ParsedArgs, name: string): string[] {
  return (a.flags.get(name) ?? []).map(String);
}

/** `key=value` pairs of a repeated flag such as --param (the validator has checked their shape). */
export function keyValues(list: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new ConfigError(`${flag} expects key=value, got "${kv}"`, { field: flag });
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return out;
}
