// Builds the commander program from the command definitions and turns a command line into a checked
// ParsedArgs (command line over --config), or a help/version answer. Commander parses (unknown flags with
// "did you mean", missing values, excess arguments, per-command help); it never exits the process and never
// prints an error itself: every bad input becomes a ConfigError naming the flag (exit 2).
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../core/errors.ts';
import type { CommandIO, FlagValue, ParsedArgs } from './args.ts';
import { commandPathOf } from './command-path.ts';
import { COMMANDS, CONFIG_FLAG, GROUPS, commandName, findCommand } from './commands.ts';
import { allowedText, flagUsage, type CommandDef, type CommandRun, type FlagDef } from './spec.ts';
import { checkValue, flagError } from './validate.ts';
import { packageVersion } from '../app/version.ts';
import { EXIT_CODES_TEXT } from './exit-codes.ts';

export type ParseOutcome = { readonly kind: 'run'; readonly def: CommandDef; readonly args: ParsedArgs } | { readonly kind: 'done'; readonly code: number };


/** The help line of a flag: description, allowed values, default. */
export function flagHelp(f: FlagDef): string {
  const allowed = f.kind === 'number' || f.kind === 'choice' ? allowedText(f) : undefined;
  const parts = [f.description];
  if (allowed) parts.push(`(${f.kind === 'choice' ? 'one of: ' : ''}${allowed})`);
  if (f.required) parts.push('(required)');
  return parts.join(' ');
}

function trimNl(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

interface ParseState {
  matched?: { def: CommandDef; cmd: Command };
  /** Raw values per flag name, in command-line order (undefined for a switch). */
  readonly given: Map<string, unknown[]>;
  readonly subs: Map<Command, CommandDef>;
}

function addCommand(parent: Command, def: CommandDef, state: ParseState): void {
  const cmd = parent.command(def.path[def.path.length - 1]!).description(def.summary);
  for (const a of def.args ?? []) cmd.argument(a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`, a.description);
  for (const f of [...def.flags, CONFIG_FLAG]) {
    const o = new Option(flagUsage(f).replace(/\.\.\.$/, ''), flagHelp(f));
    if (f.default !== undefined) o.default(f.default, f.default);
    cmd.addOption(o);
    cmd.on(`option:${f.name}`, (value: unknown) => {
      const list = state.given.get(f.name) ?? [];
      list.push(value);
      state.given.set(f.name, list);
    });
  }
  const examples = def.examples.map((e) => `  ${e}`).join('\n');
  cmd.addHelpText('after', `\nExample${def.examples.length > 1 ? 's' : ''}:\n${examples}${def.notes ? `\n\n${def.notes.join('\n')}` : ''}`);
  cmd.action(() => {
    state.matched = { def, cmd };
  });
  state.subs.set(cmd, def);
}

/** The whole program (cheap: definitions only). */
export function buildProgram(io: CommandIO, state: ParseState = { given: new Map(), subs: new Map() }): Command {
  const program = new Command('sextant')
    .description('Sextant: one deterministic engine for backtests, research, paper and live trading.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(trimNl(s)), writeErr: (s) => io.err(trimNl(s)), outputError: () => {} })
    .showSuggestionAfterError(true)
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpCommand('help [command]', 'help for a command')
    .addHelpText('after', `\nRun "sextant <command> --help" for its flags, defaults and an example. Every command takes --config <file.json>.\n${EXIT_CODES_TEXT}`);
  const groups = new Map<string, Command>();
  for (const g of GROUPS) groups.set(g.name, program.command(g.name).description(g.summary));
  for (const def of COMMANDS) addCommand(def.path.length > 1 ? groups.get(def.path[0]!)! : program, def, state);
  return program;
}

/** `usage: sextant data import <source> | sextant data list` for a group's subcommands. */
function groupUsage(group: string): string {
  const subs = COMMANDS.filter((c) => c.path.length > 1 && c.path[0] === group);
  return `usage: ${subs.map((c) => ['sextant', ...c.path, ...(c.args ?? []).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)), '[flags]'].join(' ')).join(' | ')}`;
}

/** A commander message in our words, naming the flag or argument. */
function fromCommander(e: CommanderError, state: ParseState, argv: readonly string[]): ConfigError {
  const msg = e.message.replace(/^error: /, '');
  const group = GROUPS.find((g) => g.name === argv[0])?.name;
  const atGroup = group !== undefined && !COMMANDS.some((c) => c.path[0] === group && c.path[1] === argv[1]);
  if (atGroup && e.code === 'commander.unknownCommand') return new ConfigError(`unknown subcommand "${argv[1]}"; ${groupUsage(group)}`, { field: 'subcommand' });
  if (atGroup) return new ConfigError(`${group} needs a subcommand; ${groupUsage(group)}`, { field: 'subcommand' });
  switch (e.code) {
    case 'commander.unknownOption': {
      const m = /^unknown option '([^']*)'(?:\s*\(Did you mean (.*)\?\))?/s.exec(msg);
      const token = m?.[1] ?? '';
      let hint = m?.[2] ? ` (did you mean ${m[2]}?)` : '';
      if (!hint && /^-[^-]/.test(token)) hint = ` (flags start with two dashes, e.g. -${token.split('=')[0]})`;
      if (!hint && /^--[^=]+=/.test(token)) hint = ` (${token.split('=')[0]} is a switch: give it without a value)`;
      return flagError(token, `unknown flag ${token}${hint}`);
    }
    case 'commander.optionMissingArgument': {
      const m = /option '(--[\w-]+) ?([^']*)' argument missing/.exec(msg);
      return flagError(m?.[1] ?? '', `${m?.[1] ?? 'a flag'} needs a value${m?.[2] ? ` ${m[2]}` : ''}`);
    }
    case 'commander.excessArguments': {
      for (const [cmd, def] of state.subs) {
        const extra = cmd.args.slice(def.args?.length ?? 0);
        if (cmd.args.length > 0 && extra.length > 0) return new ConfigError(`unexpected argument "${extra[0]}" (${commandName(def)} takes ${def.args?.length ? def.args.map((a) => a.name).join(', ') : 'no arguments'}; flags start with --)`);
      }
      return new ConfigError(msg);
    }
    case 'commander.missingArgument': {
      const name = /argument '([^']*)'/.exec(msg)?.[1] ?? 'argument';
      const def = [...state.subs.values()].find((d) => argv.join(' ').startsWith(commandName(d)));
      return new ConfigError(`missing <${name}>: name one ${name} to ${def?.path[def.path.length - 1] ?? 'use'}${def ? ` (sextant ${commandName(def)} --help)` : ''}`, { field: name });
    }
    case 'commander.unknownCommand': {
      const m = /^unknown command '([^']*)'(?:\s*\(Did you mean (.*)\?\))?/s.exec(msg);
      return new ConfigError(`unknown command "${m?.[1] ?? ''}"${m?.[2] ? ` (did you mean ${m[2]}?)` : ''}; "sextant --help" lists the commands`);
    }
    default:
      return new ConfigError(msg.replace(/\n/g, ' '));
  }
}

/** The flags of a --config file: a JSON object of flag names (no --) and values. */
function readConfig(def: CommandDef, file: string): Map<string, FlagValue[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read the config: ${(e as Error).message}`, { file, field: '--config' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('the config must be a JSON object { "flag-name": value }', { file, field: '--config' });
  const byName = new Map(def.flags.map((f) => [f.name, f]));
  const out = new Map<string, FlagValue[]>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const f = byName.get(key.replace(/^--/, ''));
    if (f === undefined) throw new ConfigError(`unknown key "${key}"; ${commandName(def)} takes: ${def.flags.map((x) => x.name).join(', ')}`, { file, field: key });
    let values: unknown[] = Array.isArray(value) ? value : [value];
    if (f.kind === 'key-value' && typeof value === 'object' && value !== null && !Array.isArray(value)) values = Object.entries(value).map(([k, v]) => `${k}=${String(v)}`);
    if (values.length > 1 && !f.repeat) throw new ConfigError(`--${f.name} takes one value, got ${values.length}`, { file, field: key });
    try {
      out.set(f.name, values.map((v) => checkValue(f, v)));
    } catch (e) {
      throw e instanceof ConfigError ? flagError(`--${f.name}`, `${e.message} (key "${key}" of ${file})`) : e;
    }
  }
  return out;
}

/** The checked arguments of a command that commander matched. */
function resolveArgs(def: CommandDef, cmd: Command, given: Map<string, unknown[]>): ParsedArgs {
  const flags = new Map<string, FlagValue[]>();
  const configRaw = given.get('config');
  if (configRaw !== undefined) {
    if (configRaw.length > 1) throw flagError('--config', '--config given twice');
    const file = String(checkValue(CONFIG_FLAG, configRaw[0]));
    for (const [k, v] of readConfig(def, file)) flags.set(k, v);
  }
  // In command-line order, values before paths (a typo is reported before a missing file).
  const byName = new Map(def.flags.map((f) => [f.name, f]));
  const isPath = (f: FlagDef): boolean => f.kind === 'input-file' || f.kind === 'output-file' || f.kind === 'dir';
  for (const paths of [false, true]) {
    for (const [name, raw] of given) {
      const f = byName.get(name);
      if (f === undefined || isPath(f) !== paths) continue;
      if (raw.length > 1 && !f.repeat) throw flagError(`--${f.name}`, `--${f.name} given twice`);
      flags.set(f.name, raw.map((v) => checkValue(f, v === undefined ? true : v)));
    }
  }
  for (const f of def.flags) {
    if (f.required && !flags.has(f.name)) throw flagError(`--${f.name}`, `--${f.name} is required: ${f.description}`);
  }
  return { positional: [...cmd.args], flags };
}

/**
 * `-cash 5000`: commander would read `-c` + `ash` (or `-h` + `orizon` as help), so a single dash followed by
 * a word is refused first; a flag's value (`--rate -0.5`, `--symbol -X`) is not a flag.
 */
function singleDashWord(argv: readonly string[]): string | undefined {
  const def = findCommand(commandPathOf(argv).split(' '));
  const takesValue = new Set([...(def?.flags ?? []), CONFIG_FLAG].filter((f) => f.kind !== 'boolean').map((f) => `--${f.name}`));
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--') return undefined;
    if (/^-[A-Za-z][^=]/.test(t) && !(i > 0 && takesValue.has(argv[i - 1]!))) return t;
  }
  return undefined;
}

/** Parses a command line (without the program name). Help and version are answered here. */
export async function parseCommandLine(argv: readonly string[], io: CommandIO): Promise<ParseOutcome> {
  // `sextant help data import` as `sextant data import --help`.
  if (argv[0] === 'help' && argv.length > 1) {
    if (!COMMANDS.some((c) => c.path[0] === argv[1])) throw new ConfigError(`unknown command "${argv[1]}"; "sextant --help" lists the commands`);
    argv = [...argv.slice(1), '--help'];
  }
  const single = singleDashWord(argv);
  if (single !== undefined) {
    const name = single.split('=')[0]!.slice(1);
    const known = findCommand(commandPathOf(argv).split(' '))?.flags.some((f) => f.name === name);
    throw flagError(single, `unknown flag ${single} (flags start with two dashes${known ? `: did you mean --${name}?` : `, e.g. --${name}`})`);
  }
  const state: ParseState = { given: new Map(), subs: new Map() };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return { kind: 'done', code: 0 };
    // `sextant help <cmd>` (exit 0), or a group without its subcommand such as `sextant data` (help on stderr, exit 2).
    if (e.code === 'commander.help') return { kind: 'done', code: e.exitCode === 0 ? 0 : 2 };
    throw fromCommander(e, state, argv);
  }
  if (state.matched === undefined) return { kind: 'done', code: 2 };
  return { kind: 'run', def: state.matched.def, args: resolveArgs(state.matched.def, state.matched.cmd, state.given) };
}

/**
 * Runs one command in-process from its arguments (what `sextant <path...> <argv...>` does, for tests and
 * scripts); `pick` gives the implementation of the command parsed. Bad input throws.
 */
export async function invoke(
  path: readonly string[], argv: readonly string[], pick: (def: CommandDef) => CommandRun, out: (s: string) => void,
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<number> {
  const io = { out, err };
  const p = await parseCommandLine([...path, ...argv], io);
  if (p.kind === 'done') return p.code;
  return pick(p.def)(p.args, io);
}
