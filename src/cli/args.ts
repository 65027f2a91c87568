// A small, strict flag parser: every command declares its flags; anything else is a ConfigError (exit 2).
import { ConfigError } from '../core/errors.ts';

export interface FlagSpec {
  readonly name: string;
  readonly kind: 'string' | 'number' | 'boolean';
  readonly repeat?: boolean;
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, (string | number | boolean)[]>;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags = new Map<string, (string | number | boolean)[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = byName.get(name);
    if (spec === undefined) throw new ConfigError(`unknown flag --${name}; known: ${specs.map((s) => `--${s.name}`).join(' ')}`, { field: `--${name}` });
    let value: string | number | boolean;
    if (spec.kind === 'boolean') {
      value = eq > 0 ? arg.slice(eq + 1) !== 'false' : true;
    } else {
      const raw = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (raw === undefined) throw new ConfigError(`--${name} needs a value`, { field: `--${name}` });
      if (spec.kind === 'number') {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`--${name} must be a number, got "${raw}"`, { field: `--${name}` });
        value = n;
      } else value = raw;
    }
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new ConfigError(`--${name} given twice`, { field: `--${name}` });
    list.push(value);
    flags.set(name, list);
  }
  return { positional, flags };
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

/** `key=value` pairs of repeated --param flags. */
export function keyValues(list: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new ConfigError(`${flag} expects key=value, got "${kv}"`, { field: flag });
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return out;
}
