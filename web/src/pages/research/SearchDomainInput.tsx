// One parameter of an optimization or walk-forward: held at a value (the schema's input), searched over a
// range (from, to, step) or over a list of values.
import type { ReactNode } from 'react';
import { inputClass } from '../../components/ui';
import type { SchemaField } from '../../lib/json-schema';
import type { SearchDomain, SearchMode } from './run-request';

export function SearchDomainInput({ field, domain, fixedInput, onChange, idPrefix }: {
  field: SchemaField; domain: SearchDomain; fixedInput: ReactNode; onChange(d: SearchDomain): void; idPrefix: string;
}) {
  const numeric = field.kind === 'integer' || field.kind === 'number';
  const id = `${idPrefix}-${field.name}`;
  const small = `${inputClass} w-full min-w-0`;
  const numberBox = (key: 'lo' | 'hi' | 'step', label: string) => (
    <input
      type="number" inputMode="decimal" step={field.kind === 'integer' ? 1 : 'any'} aria-label={`${field.name} ${label}`} placeholder={label}
      value={domain[key]} onChange={(e) => onChange({ ...domain, [key]: e.target.value })} className={small}
    />
  );
  return (
    <div className="flex flex-col gap-1.5">
      <select
        aria-label={`${field.name}: hold or search`} value={domain.mode} className={inputClass}
        onChange={(e) => onChange({ ...domain, mode: e.target.value as SearchMode })}
      >
        <option value="fixed">hold at a value</option>
        {numeric && <option value="range">search a range</option>}
        <option value="list">search a list</option>
      </select>
      {domain.mode === 'fixed' && fixedInput}
      {domain.mode === 'range' && (
        <div className="grid grid-cols-3 gap-1.5" id={`${id}-range`}>
          {numberBox('lo', 'from')}
          {numberBox('hi', 'to')}
          {numberBox('step', 'step')}
        </div>
      )}
      {domain.mode === 'list' && (
        <input
          type="text" aria-label={`${field.name} values`} placeholder="a|b|c" value={domain.list}
          onChange={(e) => onChange({ ...domain, list: e.target.value })} className={small}
        />
      )}
    </div>
  );
}
