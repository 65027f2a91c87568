// What the chart shows, chosen by the user: the source (a bot, the warehouse, the synthetic market), the
// symbol, how many bars, the timeframe and the indicators. API errors are shown under the control they name.
import { useState } from 'react';
import { fieldError } from '../../api/problem';
import type { Bot } from '../../api/types';
import { Button, Field, inputClass } from '../../components/ui';
import { LIMITS, PRESETS, type ChartAsk } from './chart-model';

export interface ChartMeta {
  readonly symbol: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly timeframes: readonly string[];
  /** The source's own bar length as the API names it (`1s`, `200ms`). */
  readonly rawTimeframe: string;
}

export interface ChartChange {
  source(value: string): void;
  symbol(s: string): void;
  timeframe(tf: string | undefined): void;
  limit(n: number): void;
  indicators(list: readonly string[]): void;
}

const sourceValue = (ask: ChartAsk): string => (ask.source.kind === 'bot' ? `bot:${ask.source.bot}` : `data:${ask.source.source}`);

export function ChartControls({ ask, meta, bots, stored, error, change }: {
  ask: ChartAsk;
  meta: ChartMeta | null;
  bots: readonly Bot[];
  /** Symbols in the warehouse. */
  stored: number;
  error: unknown;
  change: ChartChange;
}) {
  const value = sourceValue(ask);
  const dataSources = [...(stored > 0 ? [['data:store', `Warehouse (${stored} symbol${stored === 1 ? '' : 's'})`]] : []), ['data:synthetic', 'Synthetic market (daily)']];
  const known = [...bots.map((b) => `bot:${b.id}`), ...dataSources.map(([v]) => v)].includes(value);
  const symbols = meta?.symbols ?? [];
  const timeframes = meta === null ? [] : [...(meta.timeframes.includes(meta.rawTimeframe) ? [] : [meta.rawTimeframe]), ...meta.timeframes];
  const chosenTf = ask.timeframe ?? meta?.rawTimeframe;
  return (
    <div className="flex flex-col gap-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Field label="Source" id="chart-source">
          <select id="chart-source" className={inputClass} value={value} onChange={(e) => change.source(e.target.value)}>
            {!known && <option value={value}>{value.replace(/^(bot|data):/, '')}</option>}
            {bots.length > 0 && (
              <optgroup label="Bots">
                {bots.map((b) => <option key={b.id} value={`bot:${b.id}`}>{b.name} ({b.id}, {b.state})</option>)}
              </optgroup>
            )}
            <optgroup label="Data sets">
              {dataSources.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
            </optgroup>
          </select>
        </Field>
        <Field label="Symbol" id="chart-symbol" error={fieldError(error, 'symbol')}>
          <select id="chart-symbol" className={inputClass} value={ask.symbol ?? meta?.symbol ?? ''} onChange={(e) => change.symbol(e.target.value)} disabled={symbols.length === 0}>
            {ask.symbol !== undefined && !symbols.includes(ask.symbol) && <option value={ask.symbol}>{ask.symbol}</option>}
            {symbols.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
        <Field label="Bars" id="chart-limit" error={fieldError(error, 'limit')}>
          <select id="chart-limit" className={inputClass} value={ask.limit} onChange={(e) => change.limit(Number(e.target.value))}>
            {LIMITS.map((n) => <option key={n} value={n}>latest {n.toLocaleString('en-US')}</option>)}
          </select>
        </Field>
      </div>
      <div className="flex flex-col gap-1">
        <span id="chart-tf-label" className="text-sm font-medium text-slate-700">Timeframe</span>
        <div role="radiogroup" aria-labelledby="chart-tf-label" className="flex flex-wrap gap-1">
          {timeframes.map((tf) => {
            const on = tf === chosenTf;
            return (
              <button
                key={tf} type="button" role="radio" aria-checked={on}
                onClick={() => change.timeframe(meta !== null && tf === meta.rawTimeframe && !meta.timeframes.includes(tf) ? undefined : tf)}
                className={`rounded-md border px-2.5 py-1 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${on ? 'border-sky-700 bg-sky-700 text-white' : 'border-slate-300 bg-white text-slate-800 hover:bg-slate-100'}`}
              >
                {tf}
              </button>
            );
          })}
        </div>
        {fieldError(error, 'timeframe') !== null && <p role="alert" className="text-xs text-rose-700">{fieldError(error, 'timeframe')}</p>}
      </div>
      <IndicatorPicker list={ask.indicators} error={fieldError(error, 'indicators')} onChange={change.indicators} />
    </div>
  );
}

function IndicatorPicker({ list, error, onChange }: { list: readonly string[]; error: string | null; onChange: (l: readonly string[]) => void }) {
  const [kind, setKind] = useState<string>(PRESETS[0].name);
  const preset = PRESETS.find((p) => p.name === kind) ?? PRESETS[0];
  const [period, setPeriod] = useState<string>(String(preset.period));
  const add = () => {
    const p = Number(period);
    const spec = `${preset.name}:${Number.isInteger(p) && p > 0 ? p : preset.period}${preset.extra}`;
    if (!list.includes(spec)) onChange([...list, spec]);
  };
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-end gap-2">
        <Field label="Indicator" id="chart-ind-kind">
          <select id="chart-ind-kind" className={inputClass} value={kind} onChange={(e) => {
            setKind(e.target.value);
            setPeriod(String(PRESETS.find((p) => p.name === e.target.value)?.period ?? 20));
          }}>
            {PRESETS.map((p) => <option key={p.name} value={p.name}>{p.label}</option>)}
          </select>
        </Field>
        <Field label="Period" id="chart-ind-period">
          <input id="chart-ind-period" className={`${inputClass} w-20`} type="number" min={1} max={1000} step={1} value={period} onChange={(e) => setPeriod(e.target.value)} />
        </Field>
        <Button onClick={add}>Add indicator</Button>
      </div>
      {list.length > 0 && (
        <ul aria-label="Indicators shown" className="flex flex-wrap gap-2">
          {list.map((spec) => (
            <li key={spec} className="inline-flex items-center gap-1 rounded-full border border-slate-300 bg-slate-50 py-0.5 pl-3 pr-1 text-sm text-slate-800">
              {spec}
              <button type="button" aria-label={`Remove ${spec}`} onClick={() => onChange(list.filter((s) => s !== spec))} className="rounded-full px-1.5 text-slate-600 hover:bg-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">×</button>
            </li>
          ))}
        </ul>
      )}
      {error !== null && <p role="alert" className="text-xs text-rose-700">{error}</p>}
    </div>
  );
}
