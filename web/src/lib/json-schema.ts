// Forms from JSON Schemas (the strategies' parameter schemas the API serves): which input each property
// gets, its bounds, the messages its constraints give for a value typed in, and the typed value sent. Pure
// functions, no React: SchemaForm renders them, the research form builds search spaces on them.

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly default?: unknown;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/** How a property is typed in: a number box, a checkbox, a select, or free text (lists, objects, unions). */
export type FieldKind = 'integer' | 'number' | 'boolean' | 'enum' | 'string' | 'text';

export interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
}

export interface SchemaField {
  readonly name: string;
  readonly kind: FieldKind;
  readonly description: string;
  readonly default: unknown;
  readonly required: boolean;
  /** enum: the allowed values. */
  readonly options: readonly string[];
  readonly min: Bound | null;
  readonly max: Bound | null;
  /** The input's step: the schema's multipleOf, 1 for integers, none ("any") for numbers. */
  readonly step: number | null;
  readonly schema: JsonSchema;
}

/** A form's raw values: what each input holds ('' = not given: the schema's default applies). */
export type FormValues = Readonly<Record<string, string | boolean>>;
export type ParamValue = string | number | boolean;

/** zod writes "no upper bound" on integers as the largest safe integer: not a bound a person needs to see. */
const NO_BOUND = 1e15;

function kindOf(s: JsonSchema): FieldKind {
  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((v) => typeof v === 'string')) return 'enum';
  const t = typeof s.type === 'string' ? s.type : undefined;
  if (t === 'integer' || t === 'number' || t === 'boolean' || t === 'string') return t;
  return 'text';
}

/** The fields of an object schema, in its order. */
export function schemaFields(schema: unknown): SchemaField[] {
  const s = (schema ?? {}) as JsonSchema;
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, p]) => {
    const kind = kindOf(p);
    const numeric = kind === 'integer' || kind === 'number';
    const bound = (inclusive: number | undefined, exclusive: number | undefined): Bound | null => {
      if (!numeric) return null;
      if (exclusive !== undefined && Math.abs(exclusive) < NO_BOUND) return { value: exclusive, exclusive: true };
      if (inclusive !== undefined && Math.abs(inclusive) < NO_BOUND) return { value: inclusive, exclusive: false };
      return null;
    };
    return {
      name, kind, schema: p, description: p.description ?? '', default: p.default, required: required.has(name) && p.default === undefined,
      options: kind === 'enum' ? (p.enum as string[]) : [],
      min: bound(p.minimum, p.exclusiveMinimum), max: bound(p.maximum, p.exclusiveMaximum),
      step: p.multipleOf ?? (kind === 'integer' ? 1 : null),
    };
  });
}

/** A value as its input shows it. */
export function rawOf(field: SchemaField, value: unknown): string | boolean {
  if (field.kind === 'boolean') return value === true || value === 'true';
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** The inputs' first values: the current ones where given, else the schema's defaults. */
export function initialValues(fields: readonly SchemaField[], current: Readonly<Record<string, unknown>> = {}): Record<string, string | boolean> {
  return Object.fromEntries(fields.map((f) => [f.name, rawOf(f, current[f.name] !== undefined ? current[f.name] : f.default)]));
}

/** What a bound says about a value that breaks it ("must be at least 2", "must be less than 1"). */
export function boundText(b: Bound, side: 'min' | 'max'): string {
  if (side === 'min') return b.exclusive ? `must be greater than ${b.value}` : `must be at least ${b.value}`;
  return b.exclusive ? `must be less than ${b.value}` : `must be at most ${b.value}`;
}

/** The message for a number against the field's constraints, or null when it keeps them. */
export function numberProblem(field: SchemaField, n: number): string | null {
  if (field.kind === 'integer' && !Number.isInteger(n)) return 'must be a whole number';
  if (field.min !== null && (field.min.exclusive ? !(n > field.min.value) : !(n >= field.min.value))) return boundText(field.min, 'min');
  if (field.max !== null && (field.max.exclusive ? !(n < field.max.value) : !(n <= field.max.value))) return boundText(field.max, 'max');
  const m = field.schema.multipleOf;
  if (m !== undefined && m > 0 && Math.abs(n / m - Math.round(n / m)) > 1e-9) return `must be a multiple of ${m}`;
  return null;
}

/** The message for what an input holds, or null when the schema takes it ('' takes the default). */
export function validateField(field: SchemaField, raw: string | boolean | undefined): string | null {
  if (field.kind === 'boolean') return null;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return field.required ? 'is required' : null;
  if (field.kind === 'integer' || field.kind === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n)) return 'must be a number';
    return numberProblem(field, n);
  }
  if (field.kind === 'enum') return field.options.includes(text) ? null : `must be one of ${field.options.join(', ')}`;
  if (field.kind === 'string') {
    const s = field.schema;
    if (s.minLength !== undefined && text.length < s.minLength) return `must have at least ${s.minLength} characters`;
    if (s.maxLength !== undefined && text.length > s.maxLength) return `must have at most ${s.maxLength} characters`;
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(text)) return `must match ${s.pattern}`;
  }
  return null;
}

/** Every field's message (only the fields with one). */
export function validateAll(fields: readonly SchemaField[], values: FormValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const m = validateField(f, values[f.name]);
    if (m !== null) out[f.name] = m;
  }
  return out;
}

/** The typed value of an input, or undefined when it is empty (the default applies). */
export function valueOf(field: SchemaField, raw: string | boolean | undefined): ParamValue | undefined {
  if (field.kind === 'boolean') return raw === true;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return undefined;
  if (field.kind === 'integer' || field.kind === 'number') return Number(text);
  return text;
}

/** Two param values that mean the same ("10" and 10, true and "true"). */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && a !== null && b !== null && String(a) === String(b));
}

/**
 * The params to send: each field whose value differs from its default, and each field the caller already
 * sets (`given`, e.g. a bot's current params) so that a value put back to its default is sent too.
 */
export function paramsOf(fields: readonly SchemaField[], values: FormValues, given: Readonly<Record<string, unknown>> = {}): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const f of fields) {
    const v = valueOf(f, values[f.name]);
    if (v === undefined) continue;
    if (f.name in given || !sameValue(v, f.default)) out[f.name] = v;
  }
  return out;
}

/** A short note of a field's constraints for its hint ("integer, > 0", "0 to 100"). */
export function constraintText(field: SchemaField): string {
  const parts: string[] = [];
  if (field.kind === 'integer') parts.push('whole number');
  if (field.min !== null && field.max !== null && !field.min.exclusive && !field.max.exclusive) parts.push(`${field.min.value} to ${field.max.value}`);
  else {
    if (field.min !== null) parts.push(`${field.min.exclusive ? '>' : '≥'} ${field.min.value}`);
    if (field.max !== null) parts.push(`${field.max.exclusive ? '<' : '≤'} ${field.max.value}`);
  }
  return parts.join(', ');
}
