// The per-command flag reference of docs/cli.md, rendered from the command definitions so docs and
// `--help` cannot drift (test/cli/docs.test.ts compares, and rewrites with UPDATE_DOCS=1).
import { COMMANDS, CONFIG_FLAG, commandName } from './commands.ts';
import { allowedText, flagUsage, type CommandDef, type FlagDef } from './spec.ts';

export const GENERATED_BEGIN = '<!-- generated:begin (src/cli/docs.ts; regenerate: UPDATE_DOCS=1 npx vitest run test/cli/docs.test.ts) -->';
export const GENERATED_END = '<!-- generated:end -->';

/** Text for a table cell: pipes escaped, and < > as entities so `csv:<path>` is not taken for HTML. */
function cell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Code for a table cell: only pipes need escaping inside backticks. */
function code(s: string): string {
  return `\`${s.replaceAll('|', '\\|')}\``;
}

function allowed(f: FlagDef): string {
  const a = allowedText(f);
  const what = a ?? (f.kind === 'output-file' ? `a file in an existing, writable folder${f.stdout ? '; `-` = stdout' : ''}` : f.kind === 'input-file' ? 'an existing file' : f.kind === 'dir' ? 'a folder (not a file)' : f.kind === 'date' ? 'YYYY-MM-DD or ISO 8601' : f.kind === 'key-value' ? 'key=value' : f.kind === 'boolean' ? 'switch' : 'text');
  return f.repeat ? `${what}; repeatable` : what;
}

function usageLine(def: CommandDef): string {
  const args = (def.args ?? []).map((a) => (a.required ? `<${a.name}>` : `[${a.name}${a.variadic ? '...' : ''}]`));
  const required = def.flags.filter((f) => f.required).map(flagUsage);
  return ['sextant', ...def.path, ...args, ...required, '[flags]'].join(' ');
}

function section(def: CommandDef): string {
  const rows = [...def.flags, CONFIG_FLAG].map((f) => `| ${code(flagUsage(f))} | ${cell(f.description)} | ${cell(allowed(f))} | ${f.required ? 'required' : f.default !== undefined ? cell(f.default) : '—'} |`);
  const args = (def.args ?? []).map((a) => `- ${code(a.required ? `<${a.name}>` : `[${a.name}]`)}: ${a.description}`);
  return [
    `### ${commandName(def)}`,
    cell(def.summary.charAt(0).toUpperCase() + def.summary.slice(1)) + '.',
    '',
    '```',
    usageLine(def),
    '```',
    ...(args.length ? ['', ...args] : []),
    '',
    '| flag | meaning | allowed | default |',
    '|---|---|---|---|',
    ...rows,
    '',
    `Example${def.examples.length > 1 ? 's' : ''}:`,
    '```',
    ...def.examples,
    '```',
  ].join('\n');
}

/** The generated block of docs/cli.md (between the markers, markers excluded). */
export function renderCliReference(): string {
  const index = COMMANDS.map((c) => `| [${code(commandName(c))}](#${commandName(c).replace(' ', '-')}) | ${cell(c.summary)} |`);
  return ['| command | what it does |', '|---|---|', ...index, '', ...COMMANDS.map(section).flatMap((s) => [s, ''])].join('\n').trimEnd();
}

/** `text` with its generated block replaced by `block`; null when the markers are missing. */
export function replaceGenerated(text: string, block: string): string | null {
  const b = text.indexOf(GENERATED_BEGIN);
  const e = text.indexOf(GENERATED_END);
  if (b < 0 || e < b) return null;
  return `${text.slice(0, b + GENERATED_BEGIN.length)}\n${block}\n${text.slice(e)}`;
}

/** The generated block of `text`, or null. */
export function currentGenerated(text: string): string | null {
  const b = text.indexOf(GENERATED_BEGIN);
  const e = text.indexOf(GENERATED_END);
  if (b < 0 || e < b) return null;
  return text.slice(b + GENERATED_BEGIN.length, e).replace(/^\n/, '').replace(/\n$/, '');
}
