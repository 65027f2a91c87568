// Everything the Bot page shows of one bot, read through REST once and kept current by the WebSocket: the
// `equity` snapshot each second (equity, halted, open orders, health) appended to the equity curve, the
// `positions` topic, and the `events` topic, on which order events re-read the working orders, fills
// re-read fills, trades and the account, and risk events the breakers. Re-reads are throttled (at most
// one per THROTTLE_MS each) so a busy bot costs a few requests a second and still shows within a second.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ok } from '../../api/client';
import type { LiveMessage } from '../../api/live';
import type { Account, EquityPoint, Position, RiskState } from '../../api/types';
import type { LinePoint } from '../../components/TimeChart';
import { useApi, useLive } from '../../lib/hooks';
import { ORDER_EVENTS, type BotEvent, type EquityTick } from './live-types';
import { useThrottled } from './throttle';

const THROTTLE_MS = 300;
/** Equity points read at first (one a second: an hour), and the most kept while live points come in. */
const HISTORY_POINTS = 3600;
const MAX_POINTS = 7200;

export function useBotData(id: string) {
  const path = { params: { path: { id } } };
  const bot = useApi(() => ok(api.GET('/api/v1/bots/{id}', path)), [id]);
  const running = bot.data?.state === 'running';
  const account = useApi<Account>(() => ok(api.GET('/api/v1/bots/{id}/account', path)), [id, running]);
  const positions = useApi<Position[]>(() => ok(api.GET('/api/v1/bots/{id}/positions', path)), [id, running]);
  const orders = useApi(() => ok(api.GET('/api/v1/bots/{id}/orders', { params: { path: { id }, query: { status: 'open', limit: 200 } } })), [id, running]);
  const fills = useApi(() => ok(api.GET('/api/v1/bots/{id}/fills', { params: { path: { id }, query: { limit: 25 } } })), [id]);
  const trades = useApi(() => ok(api.GET('/api/v1/bots/{id}/trades', { params: { path: { id }, query: { limit: 25 } } })), [id]);
  const risk = useApi<RiskState>(() => ok(api.GET('/api/v1/bots/{id}/risk', path)), [id, running]);
  const history = useApi<EquityPoint[]>(() => ok(api.GET('/api/v1/bots/{id}/equity', { params: { path: { id }, query: { limit: HISTORY_POINTS } } })), [id]);

  const [tick, setTick] = useState<EquityTick | null>(null);
  const [livePositions, setLivePositions] = useState<Position[] | null>(null);
  const [livePoints, setLivePoints] = useState<LinePoint[]>([]);
  // A bot that starts or stops: its live values are of another session.
  useEffect(() => {
    setTick(null);
    setLivePositions(null);
  }, [id, running]);
  useEffect(() => setLivePoints([]), [id]);

  const reloadOrders = useThrottled(orders.reload, THROTTLE_MS);
  const reloadFills = useThrottled(() => {
    fills.reload();
    trades.reload();
    account.reload();
  }, THROTTLE_MS);
  const reloadRisk = useThrottled(risk.reload, THROTTLE_MS);
  const reloadAll = useCallback(() => {
    for (const r of [bot, account, positions, orders, fills, trades, risk, history]) r.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bot.reload, account.reload, positions.reload, orders.reload, fills.reload, trades.reload, risk.reload, history.reload]);

  useLive(id, 'equity', (m) => {
    if (m.type !== 'message') return;
    const t = m.data as EquityTick;
    setTick(t);
    if (t.equity === null) return;
    const point = { timeMs: Date.parse(m.time), value: t.equity };
    setLivePoints((pts) => (pts.length >= MAX_POINTS ? [...pts.slice(pts.length - MAX_POINTS + 1), point] : [...pts, point]));
  });
  useLive(id, 'positions', (m) => {
    if (m.type === 'message') setLivePositions(m.data as Position[]);
  });
  useLive(id, 'events', (m) => {
    if (m.type === 'gap') return reloadAll();
    const e = (m as LiveMessage).data as BotEvent;
    if (ORDER_EVENTS.has(e.kind)) reloadOrders();
    if (e.kind === 'OrderFilled') reloadFills();
    if (e.kind === 'RiskEvent') reloadRisk();
  });
  useLive(null, 'bots', (m) => {
    if (m.type === 'message' && m.bot === id) bot.reload();
  });

  const points = useMemo<LinePoint[]>(() => {
    const base = (history.data ?? []).map((r) => ({ timeMs: Date.parse(r.time), value: r.equity }));
    const lastMs = base.at(-1)?.timeMs ?? Number.NEGATIVE_INFINITY;
    return [...base, ...livePoints.filter((p) => p.timeMs > lastMs)];
  }, [history.data, livePoints]);

  return {
    bot, account, orders, fills, trades, risk, history, tick, points, running, reloadAll, reloadOrders, reloadRisk,
    positions: { ...positions, data: livePositions ?? positions.data },
  };
}

export type BotData = ReturnType<typeof useBotData>;
