// Reads the files a strategy's params name (src/strategies/file-params.ts): `--param model=model.json` becomes
// the loaded model before the config is validated. Every failure is a ConfigError that names the file, the
// line (bad JSON) or the field inside the file, and the param (CLI exit 2).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { FileParamError, fileParamsOf } from '../strategies/file-params.ts';

/** The line of a character offset in `text` (1-based). */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Reads and parses a JSON file; ConfigError with the file (and the line of a syntax error). */
export function readJsonFile(file: string, field: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? 'file not found' : `cannot read the file: ${(e as Error).message}`, { file, field });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const offset = at ? Number(at[1]) : errorOffset(text);
    throw new ConfigError(`not valid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`, { file, line: offset === null ? undefined : lineAt(text, offset), field });
  }
}

/**
 * Where JSON.parse first fails on `text`, for messages that do not say (V8 quotes a snippet instead): the
 * shortest prefix that fails for another reason than being cut short ends just past the bad character.
 */
function errorOffset(text: string): number | null {
  const early = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return true;
    } catch (e) {
      // Cut short: V8 says "end of JSON input", or names a position at the end of the prefix.
      const m = (e as Error).message;
      const at = /position (\d+)/.exec(m);
      return /end of JSON input/.test(m) || (at !== null && Number(at[1]) >= k);
    }
  };
  let lo = 0;
  let hi = text.length;
  if (early(hi)) return null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (early(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/**
 * `raw` with each file param the class declares (given as a path) replaced by its loaded value. Params
 * already given as values (not strings) are left as they are.
 */
export async function withFileParams(name: string, cls: unknown, raw: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...raw };
  for (const [param, load] of Object.entries(fileParamsOf(cls))) {
    const file = raw[param];
    if (typeof file !== 'string' || file === '') continue;
    const json = readJsonFile(file, `param ${param}`);
    try {
      out[param] = await load(json, file);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      const field = e instanceof FileParamError && e.field !== undefined ? e.field : `param ${param}`;
      throw new ConfigError(`strategy ${name}: not a usable ${param} file: ${e instanceof Error ? e.message : String(e)}`, { file, field });
    }
  }
  return out;
}

/**
 * A config as stored and shown (a paper run's strategy row): a class with file params has its loaded files
 * replaced by their names (their JSON form); any other config is returned as it is.
 */
export function storedConfig(cls: unknown, config: object): object {
  return Object.keys(fileParamsOf(cls)).length === 0 ? config : (JSON.parse(JSON.stringify(config)) as object);
}

