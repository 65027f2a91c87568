// A manual order: symbol, side, quantity, market or limit (with its price), booked in one of the bot's
// strategies. "Review" shows the order in words; only "Send" posts it. The bot's pre-trade risk checks run on
// the server: a denial, or a field the API refuses, shows under the field it concerns.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { Button, Card, ErrorNote, Field, inputClass } from '../../components/ui';
import { fmtNum } from '../../lib/format';
import { denialField, orderOf, problemFields, strategyIdsOf, type FieldErrors, type ManualOrder, type Ticket } from './order-ticket';

export function OrderTicket({ id, strategies, symbols, onSent }: { id: string; strategies: readonly string[]; symbols: readonly string[]; onSent: () => void }) {
  const ids = strategyIdsOf(strategies);
  const [t, setT] = useState<Ticket>({ strategyId: ids[0] ?? '', symbol: symbols[0] ?? '', side: 'buy', type: 'limit', qty: '', limitPrice: '' });
  const [review, setReview] = useState<ManualOrder | null>(null);
  const [sending, setSending] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  const firstSymbol = symbols[0] ?? '';
  // The symbols are known once positions and orders are read: the first one is a start.
  useEffect(() => setT((old) => (old.symbol === '' ? { ...old, symbol: firstSymbol } : old)), [firstSymbol]);
  const uid = useId();
  const fid = (f: string): string => `${uid}-${f}`;
  const set = (patch: Partial<Ticket>): void => {
    setT((old) => ({ ...old, ...patch }));
    setReview(null);
    setErrors({});
    setSent(null);
  };

  const onReview = (e: FormEvent): void => {
    e.preventDefault();
    setFormError(null);
    setSent(null);
    const r = orderOf(t);
    if ('errors' in r) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    setReview(r.order);
  };

  const send = async (order: ManualOrder): Promise<void> => {
    setSending(true);
    try {
      const res = await ok(api.POST('/api/v1/bots/{id}/orders', { params: { path: { id } }, body: order }));
      setReview(null);
      if (res.outcome === 'submitted') {
        setSent(`Order ${res.order?.clientOrderId ?? ''} sent: ${describe(order)}.`);
        onSent();
        return;
      }
      const reason = `${res.outcome === 'denied' ? 'Denied by risk' : 'Not sent'}: ${res.reason ?? 'no reason given'}`;
      const field = res.outcome === 'zero' ? 'qty' : denialField(res.reason ?? '', order.type === 'limit' ? 'limit' : 'market');
      if (field === null) setFormError(new Error(reason));
      else setErrors({ [field]: reason });
    } catch (err) {
      setReview(null);
      const byField = problemFields(err);
      if (Object.keys(byField).length > 0) setErrors(byField);
      else setFormError(err);
    } finally {
      setSending(false);
    }
  };

  const described = (f: keyof FieldErrors): { 'aria-invalid'?: true; 'aria-describedby'?: string } =>
    errors[f] !== undefined ? { 'aria-invalid': true, 'aria-describedby': `${fid(f)}-error` } : {};

  return (
    <Card title="Manual order">
      <form onSubmit={onReview} noValidate className="flex flex-col gap-3" aria-label="Manual order ticket">
        {ids.length > 1 && (
          <Field label="Strategy (book)" id={fid('strategyId')} error={errors.strategyId}>
            <select id={fid('strategyId')} className={inputClass} value={t.strategyId} onChange={(e) => set({ strategyId: e.target.value })} {...described('strategyId')}>
              {ids.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </Field>
        )}
        <Field label="Symbol" id={fid('symbol')} error={errors.symbol}>
          <input id={fid('symbol')} className={inputClass} list={fid('symbols')} value={t.symbol} autoComplete="off" onChange={(e) => set({ symbol: e.target.value })} {...described('symbol')} />
          <datalist id={fid('symbols')}>{symbols.map((s) => <option key={s} value={s} />)}</datalist>
        </Field>
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium text-slate-700">Side</legend>
          <div className="flex gap-4">
            {(['buy', 'sell'] as const).map((s) => (
              <label key={s} className="inline-flex items-center gap-1.5 text-sm">
                <input type="radio" name={fid('side')} value={s} checked={t.side === s} onChange={() => set({ side: s })} className="accent-sky-700" />
                {s === 'buy' ? 'Buy' : 'Sell'}
              </label>
            ))}
          </div>
          {errors.side !== undefined && <p role="alert" className="text-xs text-rose-700">{errors.side}</p>}
        </fieldset>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Quantity" id={fid('qty')} error={errors.qty}>
            <input id={fid('qty')} className={inputClass} inputMode="decimal" value={t.qty} onChange={(e) => set({ qty: e.target.value })} {...described('qty')} />
          </Field>
          <Field label="Type" id={fid('type')} error={errors.type}>
            <select id={fid('type')} className={inputClass} value={t.type} onChange={(e) => set({ type: e.target.value as Ticket['type'] })} {...described('type')}>
              <option value="limit">limit</option>
              <option value="market">market</option>
            </select>
          </Field>
        </div>
        {t.type === 'limit' && (
          <Field label="Limit price" id={fid('limitPrice')} error={errors.limitPrice}>
            <input id={fid('limitPrice')} className={inputClass} inputMode="decimal" value={t.limitPrice} onChange={(e) => set({ limitPrice: e.target.value })} {...described('limitPrice')} />
          </Field>
        )}
        <ErrorNote error={formError} />
        {review === null ? (
          <Button type="submit" tone="primary">Review order</Button>
        ) : (
          <div className="rounded-md border border-amber-300 bg-amber-50 p-3" role="group" aria-label="Confirm the order">
            <p className="text-sm text-slate-800" data-testid="order-review">{describe(review)}{review.strategyId !== undefined ? `, booked in ${review.strategyId}` : ''}.</p>
            <p className="mt-1 text-xs text-slate-600">The bot's risk checks run when it is sent.</p>
            <div className="mt-2 flex gap-2">
              <Button tone="primary" onClick={() => void send(review)} disabled={sending}>{sending ? 'Sending…' : 'Send order'}</Button>
              <Button onClick={() => setReview(null)} disabled={sending}>Edit</Button>
            </div>
          </div>
        )}
        {sent !== null && <p role="status" className="text-sm text-emerald-800">{sent}</p>}
      </form>
    </Card>
  );
}

function describe(o: ManualOrder): string {
  return `${o.side === 'buy' ? 'Buy' : 'Sell'} ${fmtNum(o.qty)} ${o.symbol} ${o.type === 'limit' ? `limit ${fmtNum(o.limitPrice)}` : 'at market'}`;
}
