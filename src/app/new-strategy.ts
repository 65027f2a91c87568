// `sextant new strategy <name>`: writes a commented template strategy and a test for it (as
// Freqtrade's new-strategy does). The templates are files beside this module (templates/*.tmpl),
// read at run time, so sources and the built package (dist/) serve the same text.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';

export interface NewStrategyRequest {
  /** The strategy's name: letters, digits, '-' or '_', starting with a letter (e.g. `my-trend`, `MyTrend`). */
  readonly name: string;
  /** Where to write; default the current directory. Created when missing. */
  readonly dir?: string;
  /** Overwrite existing files; default false. */
  readonly force?: boolean;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Words of a name: `MyTrend2`, `my-trend2`, `my_trend2` -> ['my', 'trend2']. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** The file name (kebab case) and class name (Pascal case) for a strategy name. */
export function strategyNames(name: string): { file: string; className: string } {
  if (!NAME.test(name) || !/[A-Za-z0-9]$/.test(name)) {
    throw new ConfigError(`bad strategy name "${name}": use letters, digits, '-' or '_', starting with a letter and ending with a letter or digit (e.g. my-trend)`, { field: 'name' });
  }
  const w = words(name);
  return { file: w.join('-'), className: w.map((x) => x[0]!.toUpperCase() + x.slice(1)).join('') };
}

function template(file: string): string {
  return readFileSync(new URL(`./templates/${file}`, import.meta.url), 'utf8');
}

/** Writes `<dir>/<kebab-name>.ts` and `<dir>/<kebab-name>.test.ts`; returns their paths. */
export async function writeStrategyTemplate(req: NewStrategyRequest): Promise<{ files: string[] }> {
  const { file, className } = strategyNames(req.name);
  const dir = resolve(req.dir ?? '.');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ConfigError(`not a directory: ${dir}`, { field: '--dir' });
  const out = [
    { path: join(dir, `${file}.ts`), text: template('strategy.ts.tmpl') },
    { path: join(dir, `${file}.test.ts`), text: template('strategy.test.ts.tmpl') },
  ];
  if (req.force !== true) {
    const taken = out.find((f) => existsSync(f.path));
    if (taken !== undefined) throw new ConfigError('already exists; use --force to overwrite it', { file: taken.path });
  }
  mkdirSync(dir, { recursive: true });
  for (const f of out) writeFileSync(f.path, f.text.replaceAll('__CLASS__', className).replaceAll('__FILE__', file));
  return { files: out.map((f) => f.path) };
}
