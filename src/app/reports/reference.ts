// The instrument reference file: what the regulatory reports need to know about a symbol that trading does not
// (docs/compliance.md, "Instrument reference file"): the security's name, its issuer and class as the SEC's
// 13(f) list names them, its CUSIP, an option's underlying and put/call, and the 13F defaults for share type,
// investment discretion and voting authority. CSV (a header row of the field names) or JSON (an array of
// objects, or { "instruments": [...] }). Every problem is an InputError naming the file, the line and the field.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { JsonFile } from '../dto/json-file.ts';
import { parseCsv } from './csv-table.ts';
import { cusipProblem } from './cusip.ts';

export type PutCall = 'Put' | 'Call';
export type ShareType = 'SH' | 'PRN';
export type Discretion = 'SOLE' | 'DFND' | 'OTR';
export type Voting = 'Sole' | 'Shared' | 'None';

export interface ReferenceEntry {
  readonly symbol: string;
  /** The name the blotter shows (default: issuer and class). */
  readonly securityName: string;
  /** 13F nameOfIssuer (at most 200 characters). */
  readonly nameOfIssuer: string;
  /** 13F titleOfClass: COM, CL A, ... (at most 150 characters). */
  readonly titleOfClass: string;
  /** Nine characters with a valid check digit; an option's row carries its underlying's CUSIP, as 13F lists them. */
  readonly cusip: string;
  readonly figi: string | null;
  /** Options only, with `underlying`. */
  readonly putCall: PutCall | null;
  readonly underlying: string | null;
  readonly sshPrnamtType: ShareType;
  readonly investmentDiscretion: Discretion;
  /** Which 13F voting column the shares go to. */
  readonly votingAuthority: Voting;
}

export interface InstrumentReference {
  readonly file: string;
  readonly entries: ReadonlyMap<string, ReferenceEntry>;
}

export const REFERENCE_FIELDS = [
  'symbol', 'securityName', 'nameOfIssuer', 'titleOfClass', 'cusip', 'figi', 'putCall', 'underlying', 'sshPrnamtType', 'investmentDiscretion', 'votingAuthority',
] as const;
type Field = (typeof REFERENCE_FIELDS)[number];
type Raw = Partial<Record<Field, string>>;
type Fail = (field: Field, message: string) => never;

/** `value` matched case-insensitively against `allowed`, in its canonical spelling. */
function oneOf<T extends string>(value: string, allowed: readonly T[], field: Field, fail: Fail): T {
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  return hit ?? fail(field, `must be ${allowed.join(', ')}; got "${value}"`);
}

function text(raw: Raw, field: Field, max: number, fail: Fail, required: true): string;
function text(raw: Raw, field: Field, max: number, fail: Fail, required: false): string | null;
function text(raw: Raw, field: Field, max: number, fail: Fail, required: boolean): string | null {
  const v = raw[field]?.trim() ?? '';
  if (v === '') return required ? fail(field, 'missing (required)') : null;
  if (v.length > max) fail(field, `at most ${max} characters, got ${v.length}`);
  return v;
}

/** One entry checked field by field; `fail` throws with the entry's location. */
export function checkEntry(raw: Raw, fail: Fail): ReferenceEntry {
  const symbol = text(raw, 'symbol', 64, fail, true);
  const nameOfIssuer = text(raw, 'nameOfIssuer', 200, fail, true);
  const titleOfClass = text(raw, 'titleOfClass', 150, fail, true);
  const cusip = text(raw, 'cusip', 9, fail, true).toUpperCase();
  const bad = cusipProblem(cusip);
  if (bad !== null) fail('cusip', bad);
  const figi = text(raw, 'figi', 12, fail, false)?.toUpperCase() ?? null;
  if (figi !== null && !/^[A-Z0-9]{12}$/.test(figi)) fail('figi', `a FIGI has 12 letters and digits, got "${figi}"`);
  const pc = text(raw, 'putCall', 4, fail, false);
  const putCall = pc === null ? null : oneOf(pc, ['Put', 'Call'] as const, 'putCall', fail);
  const underlying = text(raw, 'underlying', 64, fail, false);
  if (putCall !== null && underlying === null) fail('underlying', 'an option (putCall given) needs its underlying symbol: 13F reports the shares underlying the option, valued at its price');
  if (putCall === null && underlying !== null) fail('putCall', 'an entry with an underlying is an option: give putCall (Put or Call)');
  const st = text(raw, 'sshPrnamtType', 3, fail, false);
  const sshPrnamtType = st === null ? 'SH' : oneOf(st, ['SH', 'PRN'] as const, 'sshPrnamtType', fail);
  if (putCall !== null && sshPrnamtType === 'PRN') fail('sshPrnamtType', 'an option is reported in shares of its underlying (SH), not a principal amount');
  const d = text(raw, 'investmentDiscretion', 4, fail, false);
  const investmentDiscretion = d === null ? 'SOLE' : oneOf(d, ['SOLE', 'DFND', 'OTR'] as const, 'investmentDiscretion', fail);
  const va = text(raw, 'votingAuthority', 6, fail, false);
  const votingAuthority = va === null ? 'Sole' : oneOf(va, ['Sole', 'Shared', 'None'] as const, 'votingAuthority', fail);
  const securityName = text(raw, 'securityName', 200, fail, false) ?? `${nameOfIssuer} ${titleOfClass}`;
  return { symbol, securityName, nameOfIssuer, titleOfClass, cusip, figi, putCall, underlying, sshPrnamtType, investmentDiscretion, votingAuthority };
}

function addEntry(entries: Map<string, ReferenceEntry>, e: ReferenceEntry, fail: Fail): void {
  if (entries.has(e.symbol)) fail('symbol', `${e.symbol} is listed twice`);
  entries.set(e.symbol, e);
}

/** Checks that every option's underlying is listed too (its price values the option's shares). */
function checkUnderlyings(entries: ReadonlyMap<string, ReferenceEntry>, failAt: (symbol: string) => Fail): void {
  for (const e of entries.values()) {
    if (e.underlying !== null && !entries.has(e.underlying)) failAt(e.symbol)('underlying', `${e.underlying} is not listed in the file`);
  }
}

export function parseReferenceCsv(textIn: string, file: string): InstrumentReference {
  const records = parseCsv(textIn, file);
  const header = records[0];
  if (header === undefined) throw new InputError('empty file: expected a header row (symbol,nameOfIssuer,titleOfClass,cusip,...)', { file });
  const columns = header.cells.map((name) => {
    const f = REFERENCE_FIELDS.find((x) => x.toLowerCase() === name.trim().toLowerCase());
    if (f === undefined) throw new InputError(`unknown column "${name}": the columns are ${REFERENCE_FIELDS.join(', ')}`, { file, line: header.line, field: name });
    return f;
  });
  for (const need of ['symbol', 'nameOfIssuer', 'titleOfClass', 'cusip'] as const) {
    if (!columns.includes(need)) throw new InputError(`missing column "${need}"`, { file, line: header.line, field: need });
  }
  const entries = new Map<string, ReferenceEntry>();
  const lines = new Map<string, number>();
  for (const r of records.slice(1)) {
    const fail: Fail = (field, message) => {
      throw new InputError(message, { file, line: r.line, field });
    };
    if (r.cells.length !== columns.length) throw new InputError(`${r.cells.length} fields, the header has ${columns.length}`, { file, line: r.line });
    const raw: Raw = {};
    columns.forEach((c, i) => (raw[c] = r.cells[i]));
    const e = checkEntry(raw, fail);
    addEntry(entries, e, fail);
    lines.set(e.symbol, r.line);
  }
  checkUnderlyings(entries, (symbol) => (field, message) => {
    throw new InputError(message, { file, line: lines.get(symbol), field });
  });
  return { file, entries };
}

export function parseReferenceJson(json: JsonFile): InstrumentReference {
  const v = json.value;
  const wrapped = v !== null && typeof v === 'object' && !Array.isArray(v);
  const list: unknown = wrapped ? (v as { instruments?: unknown }).instruments : v;
  const base: (string | number)[] = wrapped ? ['instruments'] : [];
  if (!Array.isArray(list)) json.fail(base, 'expected an array of instruments, or { "instruments": [...] }');
  const entries = new Map<string, ReferenceEntry>();
  const index = new Map<string, number>();
  (list as unknown[]).forEach((item, k) => {
    const fail: Fail = (field, message) => json.fail([...base, k, field], message);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) json.fail([...base, k], 'expected an object { "symbol": ..., "nameOfIssuer": ..., "titleOfClass": ..., "cusip": ... }');
    const raw: Raw = {};
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      const f = REFERENCE_FIELDS.find((x) => x === key);
      if (f === undefined) json.fail([...base, k, key], `unknown field "${key}": the fields are ${REFERENCE_FIELDS.join(', ')}`);
      if (value !== null && typeof value !== 'string') json.fail([...base, k, key], 'expected a string');
      raw[f] = value ?? undefined;
    }
    const e = checkEntry(raw, fail);
    addEntry(entries, e, fail);
    index.set(e.symbol, k);
  });
  checkUnderlyings(entries, (symbol) => (field, message) => json.fail([...base, index.get(symbol)!, field], message));
  return { file: json.file, entries };
}

/** Reads a reference file: JSON when it ends in .json, CSV otherwise. `flag` names the option that gave the path. */
export function loadReference(file: string, flag = '--reference'): InstrumentReference {
  if (extname(file).toLowerCase() === '.json') return parseReferenceJson(JsonFile.read(file, 'an instrument reference file (docs/compliance.md)', flag));
  let textIn: string;
  try {
    textIn = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the file: ${e instanceof Error ? e.message : String(e)}`, { file, field: flag });
  }
  return parseReferenceCsv(textIn, file);
}
