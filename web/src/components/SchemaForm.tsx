// A form generated from a JSON Schema (a strategy's parameters): number boxes with the schema's bounds and
// step, selects for string enums, checkboxes for booleans, free text for anything else; defaults shown. Each
// field's message comes from the schema's constraints as the value is typed (after the field is left or the
// form submitted), and the API's error shows next to the field it names. The caller holds the values.
import { useState, type ReactNode } from 'react';
import { fieldError } from '../api/problem';
import { constraintText, rawOf, validateField, type FormValues, type SchemaField } from '../lib/json-schema';
import { Field, inputClass } from './ui';

export interface SchemaFormProps {
  readonly fields: readonly SchemaField[];
  readonly values: FormValues;
  onChange(name: string, value: string | boolean): void;
  /** Unique per form on the page: ids are `<idPrefix>-<param>`. */
  readonly idPrefix: string;
  /** Show every field's message, touched or not (after a submit). */
  readonly showAll?: boolean;
  /** The API's error; its message shows under the field it names. */
  readonly serverError?: unknown;
  /** The API's name of a field (default `params.<name>`: `body.params.fast` and `body.request.params.fast` match). */
  readonly serverField?: (name: string) => string;
  /** Fields that cannot be changed here, with the reason shown under them. */
  readonly locked?: Readonly<Record<string, string>>;
  /** The caller's own message per field, instead of the schema's (null: none, e.g. a param searched rather than set). */
  readonly messages?: Readonly<Record<string, string | null | undefined>>;
  /** Replaces a field's input (the research form's search ranges); `input` is the default one. */
  readonly renderInput?: (field: SchemaField, input: ReactNode) => ReactNode;
  readonly disabled?: boolean;
}

function hintOf(f: SchemaField, locked: string | undefined): string {
  const parts = [f.description, constraintText(f), f.default === undefined ? '' : `default ${String(rawOf(f, f.default))}`].filter((p) => p !== '');
  return [parts.join(' · '), locked ?? ''].filter((p) => p !== '').join('. ');
}

export function SchemaForm({ fields, values, onChange, idPrefix, showAll = false, serverError, serverField = (n) => `params.${n}`, locked = {}, messages = {}, renderInput, disabled = false }: SchemaFormProps) {
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  if (fields.length === 0) return <p className="text-sm text-slate-500">This strategy takes no parameters.</p>;
  const touch = (name: string) => setTouched((t) => (t.has(name) ? t : new Set(t).add(name)));
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const raw = values[f.name];
        const mine = messages[f.name];
        const own = mine !== undefined ? mine : showAll || touched.has(f.name) ? validateField(f, raw) : null;
        const error = own ?? fieldError(serverError, serverField(f.name));
        const reason = locked[f.name];
        const common = {
          id, name: f.name, disabled: disabled || reason !== undefined, 'aria-invalid': error !== null,
          'aria-describedby': error !== null ? `${id}-error` : undefined, onBlur: () => touch(f.name),
        };
        let input: ReactNode;
        if (f.kind === 'boolean') {
          input = (
            <span className="flex items-center gap-2 py-1.5">
              <input type="checkbox" {...common} checked={raw === true} onChange={(e) => onChange(f.name, e.target.checked)} className="h-4 w-4 rounded border-slate-300 accent-sky-700" />
              <span className="text-sm text-slate-600">{raw === true ? 'on' : 'off'}</span>
            </span>
          );
        } else if (f.kind === 'enum') {
          input = (
            <select {...common} value={typeof raw === 'string' ? raw : ''} onChange={(e) => onChange(f.name, e.target.value)} className={inputClass}>
              {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          );
        } else {
          const numeric = f.kind === 'integer' || f.kind === 'number';
          input = (
            <input
              {...common}
              type={numeric ? 'number' : 'text'}
              inputMode={numeric ? (f.kind === 'integer' ? 'numeric' : 'decimal') : undefined}
              step={numeric ? (f.step ?? 'any') : undefined}
              min={numeric && f.min !== null && !f.min.exclusive ? f.min.value : undefined}
              max={numeric && f.max !== null && !f.max.exclusive ? f.max.value : undefined}
              placeholder={f.default === undefined ? '' : String(rawOf(f, f.default))}
              value={typeof raw === 'string' ? raw : ''}
              onChange={(e) => {
                onChange(f.name, e.target.value);
                touch(f.name);
              }}
              className={`${inputClass} w-full`}
            />
          );
        }
        return (
          <Field key={f.name} label={f.name} id={id} error={error} hint={hintOf(f, reason)}>
            {renderInput === undefined ? input : renderInput(f, input)}
          </Field>
        );
      })}
    </div>
  );
}
