// The dashboard's small building blocks: cards, buttons, tables, badges, form fields and error notes, in one
// look (Tailwind), accessible (labels, focus rings, roles).
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { ApiError } from '../api/problem';

export function Card({ title, actions, children, className = '' }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`rounded-lg border border-slate-200 bg-white shadow-sm ${className}`}>
      {(title !== undefined || actions !== undefined) && (
        <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-2">
          {title !== undefined && <h2 className="text-sm font-semibold text-slate-700">{title}</h2>}
          {actions !== undefined && <div className="flex flex-wrap gap-2">{actions}</div>}
        </header>
      )}
      <div className="p-4">{children}</div>
    </section>
  );
}

type Tone = 'primary' | 'secondary' | 'danger';
const TONES: Record<Tone, string> = {
  primary: 'bg-sky-700 text-white hover:bg-sky-800 disabled:bg-sky-300',
  secondary: 'bg-white text-slate-800 border border-slate-300 hover:bg-slate-100 disabled:text-slate-400',
  danger: 'bg-rose-700 text-white hover:bg-rose-800 disabled:bg-rose-300',
};

export function Button({ tone = 'secondary', className = '', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { tone?: Tone }) {
  return (
    <button
      type="button"
      {...rest}
      className={`inline-flex items-center justify-center rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-1 disabled:cursor-not-allowed ${TONES[tone]} ${className}`}
    />
  );
}

const BADGES: Record<string, string> = {
  running: 'bg-emerald-100 text-emerald-800', open: 'bg-emerald-100 text-emerald-800', live: 'bg-emerald-100 text-emerald-800',
  starting: 'bg-sky-100 text-sky-800', stopping: 'bg-amber-100 text-amber-800', reconnecting: 'bg-amber-100 text-amber-800', connecting: 'bg-sky-100 text-sky-800',
  stopped: 'bg-slate-200 text-slate-700', closed: 'bg-slate-200 text-slate-700',
  failed: 'bg-rose-100 text-rose-800', halted: 'bg-rose-100 text-rose-800', tripped: 'bg-rose-100 text-rose-800', stale: 'bg-amber-100 text-amber-800',
};

export function Badge({ children, kind }: { children: ReactNode; kind?: string }) {
  const cls = BADGES[kind ?? String(children)] ?? 'bg-slate-100 text-slate-700';
  return <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${cls}`}>{children}</span>;
}

/**
 * A table that scrolls sideways on a phone rather than squeezing its columns; the scrolling box takes the
 * keyboard focus so that it can be scrolled without a mouse (axe: scrollable-region-focusable).
 */
export function Table({ head, children, empty, caption }: { head: readonly ReactNode[]; children: ReactNode; empty?: string | false; caption?: string }) {
  return (
    <div className="overflow-x-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500" tabIndex={0} role={caption === undefined ? undefined : 'region'} aria-label={caption}>
      <table className="min-w-full text-left text-sm">
        {caption !== undefined && <caption className="sr-only">{caption}</caption>}
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>{head.map((h, i) => <th key={i} scope="col" className="whitespace-nowrap px-2 py-1.5 font-medium">{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
      {empty !== undefined && empty !== false && <p className="px-2 py-3 text-sm text-slate-500">{empty}</p>}
    </div>
  );
}

export function Td({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <td className={`whitespace-nowrap px-2 py-1.5 ${className}`}>{children}</td>;
}

/** A labelled form field with its error (from the API's `field`) under it. */
export function Field({ label, id, error, hint, children }: { label: string; id: string; error?: string | null; hint?: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">{label}</label>
      {children}
      {hint !== undefined && <p className="text-xs text-slate-500">{hint}</p>}
      {error !== null && error !== undefined && <p id={`${id}-error`} role="alert" className="text-xs text-rose-700">{error}</p>}
    </div>
  );
}

export const inputClass = 'rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-500/40';

/** An error from the API (or anything thrown), for a whole form or section. */
export function ErrorNote({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const text = error instanceof ApiError ? `${error.message}${error.field !== null ? ` (${error.field})` : ''}` : error instanceof Error ? error.message : String(error);
  return <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">{text}</p>;
}

/** A figure with its label (Overview and Bot tiles). */
export function Stat({ label, value, className = '' }: { label: string; value: ReactNode; className?: string }) {
  return (
    <div className="flex flex-col">
      <span className="text-xs text-slate-500">{label}</span>
      <span className={`num text-base font-semibold ${className}`}>{value}</span>
    </div>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
      <h1 className="text-xl font-semibold text-slate-900">{children}</h1>
      {actions !== undefined && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}
