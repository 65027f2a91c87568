// A bot's health at a glance: how old its newest market data is (judged by its bar length) and how its links
// stand (a live bot's broker, a venue's market-data feed, or the simulated market of a paper bot).
import { Badge } from '../../components/ui';
import { fmtAge, isStale } from './figures';
import type { Health } from './live-types';

/** The data's age: "fresh · 0.4 s" or "stale · 3 min" (none before the first bar or while stopped). */
export function DataAge({ health }: { health: Health | null | undefined }) {
  if (health === null || health === undefined) return <span className="text-slate-500">—</span>;
  if (health.lastBarMs === null) return <Badge kind="connecting">no bar yet</Badge>;
  const stale = isStale(health);
  return (
    <span className="inline-flex items-center gap-1.5" title={`last bar closed ${new Date(health.lastBarMs).toISOString()}`}>
      <Badge kind={stale ? 'stale' : 'live'}>{stale ? 'stale' : 'fresh'}</Badge>
      <span data-testid="data-age">{fmtAge(health.dataAgeMs)}</span>
    </span>
  );
}

const LINK_KIND: Record<string, string> = { connected: 'live', connecting: 'connecting', reconnecting: 'reconnecting', disconnected: 'failed', stale: 'stale' };

/** The venue link: a live bot's broker connection, a venue feed's state, or "simulated". */
export function VenueState({ health, mode }: { health: Health | null | undefined; mode: 'paper' | 'live' }) {
  if (health === null || health === undefined) return <span className="text-slate-500">—</span>;
  const parts = [];
  if (health.venue !== null) parts.push(<Badge key="venue" kind={LINK_KIND[health.venue.connection]}>{health.venue.name}: {health.venue.connection}</Badge>);
  if (health.feed !== null) {
    parts.push(
      <span key="feed" title={health.feed.message}>
        <Badge kind={LINK_KIND[health.feed.state]}>data: {health.feed.state}</Badge>
      </span>,
    );
  }
  if (parts.length === 0) parts.push(<Badge key="sim">{mode === 'paper' ? 'simulated' : 'no link'}</Badge>);
  return <span className="inline-flex flex-wrap gap-1" data-testid="venue-state">{parts}</span>;
}
