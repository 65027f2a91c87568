// RFC 4180 CSV for the reports: writing (fields with a comma, quote or line break quoted, quotes doubled, CRLF
// line ends as the RFC has them) and reading small files with the line each record starts on (for errors).
import { InputError } from '../../core/errors.ts';

export type CsvCell = string | number | boolean | null | undefined;

function cell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One record's fields, quoted where needed, without a line end. */
export function csvRow(cells: readonly CsvCell[]): string {
  return cells.map(cell).join(',');
}

/** A header and rows as RFC 4180 text (CRLF after every record, the last included). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  let out = `${csvRow(header)}\r\n`;
  for (const r of rows) out += `${csvRow(r)}\r\n`;
  return out;
}

export interface CsvRecord {
  /** The 1-based line the record starts on. */
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * The records of a CSV text (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; LF or
 * CRLF line ends; a leading byte-order mark ignored). Blank lines are skipped. An unclosed quote or text
 * after a closing quote is an InputError naming the file and line.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new InputError('a quoted field is not closed', { file, line: start });
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw new InputError('text after the closing quote of a field', { file, line });
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
      }
      cells.push(value);
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    if (!(cells.length === 1 && cells[0]!.trim() === '')) out.push({ line: start, cells });
  }
  return out;
}
