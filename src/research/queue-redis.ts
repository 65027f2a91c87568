// Redis connections of the research queue: `--queue redis://host:port[/db]` is checked and probed
// once (an unreachable server is a ConfigError naming the flag, not an endless reconnect loop), then
// every BullMQ object gets its own ioredis connection (BullMQ needs the client passed explicitly and
// `maxRetriesPerRequest: null` for its blocking commands).
import { Redis } from 'ioredis';
import { ConfigError } from '../core/errors.ts';

/** Queue name when `--queue-name` is not given. */
export const DEFAULT_QUEUE_NAME = 'sextant-research';
/** Key prefix of every research queue in Redis. */
export const QUEUE_PREFIX = 'sextant';

export interface QueueTarget {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://` (TLS). */
  readonly url: string;
  /** Queue name (default `sextant-research`); letters, digits, `.`, `_` and `-`. */
  readonly name?: string;
}

export interface ResolvedTarget {
  readonly url: string;
  readonly name: string;
  /** The URL without its password, for messages and reports. */
  readonly display: string;
}

/** The URL without its password. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Checks the URL and the queue name (ConfigError naming `--queue` / `--queue-name`). */
export function resolveQueueTarget(t: QueueTarget): ResolvedTarget {
  let u: URL;
  try {
    u = new URL(t.url);
  } catch {
    throw new ConfigError(`"${t.url}" is not a Redis URL; use redis://host:port`, { field: '--queue' });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ConfigError(`"${redactRedisUrl(t.url)}" is not a Redis URL; use redis://host:port`, { field: '--queue' });
  if (u.hostname === '') throw new ConfigError(`"${redactRedisUrl(t.url)}" names no host; use redis://host:port`, { field: '--queue' });
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new ConfigError(`the path of "${redactRedisUrl(t.url)}" must be a database number, e.g. redis://host:6379/0`, { field: '--queue' });
  const name = t.name ?? DEFAULT_QUEUE_NAME;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new ConfigError(`queue name "${name}" must be 1-100 letters, digits, ".", "_" or "-"`, { field: '--queue-name' });
  return { url: t.url, name, display: redactRedisUrl(t.url) };
}

/** A connection for BullMQ (retries forever once the server was reached). */
export function bullConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * Connects once without retrying and runs PING: resolves with the open connection, or throws a
 * ConfigError naming `--queue` when the server cannot be reached within `timeoutMs`.
 */
export async function probeRedis(target: ResolvedTarget, timeoutMs = 3000): Promise<Redis> {
  const client = new Redis(target.url, {
    lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null,
  });
  // The socket error (e.g. ECONNREFUSED) says more than the rejection ("Connection is closed").
  let socketError: string | undefined;
  client.on('error', (e: Error) => (socketError ??= e.message));
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (e) {
    client.disconnect();
    const why = (socketError ?? (e instanceof Error ? e.message : String(e))).replace(/\.$/, '');
    throw new ConfigError(`cannot reach Redis at ${target.display} (${why}); start Redis there or point --queue at a running server`, { field: '--queue' });
  }
}
