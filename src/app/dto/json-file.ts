// Reading a JSON file through a DTO schema: every problem is an InputError (CLI exit 2) that names the file, the
// line and the field (`equity[12].equity`), never a crash.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InputError } from '../../core/errors.ts';

type Path = readonly PropertyKey[];

/** `equity[12].equity` for ['equity', 12, 'equity']. */
export function fieldPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Character offset of the value at `path` in JSON `text` (or of the deepest ancestor that exists). */
export function locateJson(text: string, path: Path): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readKey = (): string => {
    const start = i;
    skipString();
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          skipString();
          ws();
          i++; // ':'
        }
        skipValue();
        ws();
        if (text[i++] !== ',') return;
      }
    }
    while (i < text.length && !' \n\r\t,]}'.includes(text[i]!)) i++;
  };
  ws();
  let at: number;
  for (const key of path) {
    ws();
    at = i;
    if (typeof key === 'number') {
      if (text[i] !== '[') return at;
      i++;
      for (let k = 0; ; k++) {
        ws();
        if (text[i] === ']') return at;
        if (k === key) break;
        skipValue();
        ws();
        if (text[i++] !== ',') return at;
      }
    } else {
      if (text[i] !== '{') return at;
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') return at;
        const name = readKey();
        ws();
        i++; // ':'
        if (name === key) break;
        skipValue();
        ws();
        if (text[i++] !== ',') return at;
      }
    }
  }
  ws();
  return i;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text[k] === '\n') line++;
  return line;
}

/** A parsed JSON file with its text, so that later errors can give the line of a field. */
export class JsonFile {
  private constructor(
    readonly file: string,
    /** The file's text (for line numbers); undefined for a value that did not come from text. */
    readonly text: string | undefined,
    readonly value: unknown,
  ) {}

  /** An already parsed value, named `file` in messages (no line numbers). */
  static ofValue(file: string, value: unknown): JsonFile {
    return new JsonFile(file, undefined, value);
  }

  /**
   * Reads and parses `file`. `what` says what the file should be (for the messages); `field` names the
   * request field that gave the path, for a file that cannot be read.
   */
  static read(file: string, what: string, field?: string): JsonFile {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read the file: ${e instanceof Error ? e.message : String(e)}`, field === undefined ? { file } : { file, field });
    }
    return JsonFile.of(file, text, what);
  }

  /** Parses `text` as the contents of `file`. */
  static of(file: string, text: string, what: string): JsonFile {
    try {
      return new JsonFile(file, text, JSON.parse(text));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const lineCol = /line (\d+)/.exec(msg);
      const pos = /position (\d+)/.exec(msg);
      const line = lineCol !== null ? Number(lineCol[1]) : pos !== null ? lineAt(text, Number(pos[1])) : undefined;
      throw new InputError(`not valid JSON (${msg}); expected ${what}`, { file, line });
    }
  }

  /** The value validated by `schema`; the first problem is an InputError naming file, line and field. */
  parse<S extends z.ZodType>(schema: S): z.output<S> {
    return parseDto(schema, this.value, this.file, this.text);
  }

  /** An InputError about the value at `path` (file, line, field). */
  fail(path: Path, message: string): never {
    throw dtoError(message, path, this.file, this.text);
  }
}

function dtoError(message: string, path: Path, file: string | undefined, text: string | undefined): InputError {
  const field = path.length === 0 ? undefined : fieldPath(path);
  const line = text === undefined ? undefined : lineAt(text, locateJson(text, path));
  return new InputError(message, { ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }), ...(field === undefined ? {} : { field }) });
}

function oneOf(values: readonly string[]): string {
  return values.length <= 2 ? values.join(' or ') : `one of ${values.join(', ')}`;
}

function got(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * `value` validated by `schema`. The first problem is an InputError that names the field by its path
 * (`equity[12].equity`), and `file` (with the line, when the file's text is given).
 */
export function parseDto<S extends z.ZodType>(schema: S, value: unknown, file?: string, text?: string): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const input: unknown = 'input' in issue ? issue.input : undefined;
  let message: string;
  if (issue.code === 'invalid_type' && input === undefined) message = `missing (expected ${issue.expected})`;
  else if (issue.code === 'invalid_type') message = `expected ${issue.expected}, got ${got(input)}`;
  else if (issue.code === 'invalid_value') message = `must be ${oneOf(issue.values.map((v) => JSON.stringify(v)))}, got ${got(input)}`;
  else message = `${issue.message}, got ${got(input)}`;
  throw dtoError(message, issue.path, file, text);
}
