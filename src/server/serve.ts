// `sextant serve`: opens the services on the data folder's store (or DATABASE_URL), creates the first admin
// on an empty user table (its password printed once), optionally the demo paper bot, and listens. Bound to
// 127.0.0.1 by default; bound elsewhere without TLS it warns loudly (passwords and tokens would cross the
// network in clear).
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { openServerServices, type ServerServices } from '../app/server-services.ts';
import { AuditCheckpointLog } from '../app/audit/checkpoint-log.ts';
import { buildServer, type ServerOptions } from './app.ts';
import { dashboardDir } from './dashboard.ts';
import { TelegramService, type TelegramOptions } from '../telegram/telegram-service.ts';

export interface ServeOptions extends Omit<ServerOptions, 'listen'> {
  readonly host?: string;
  /** 0: any free port. */
  readonly port?: number;
  readonly stateDir: string;
  /** A store URL instead of the folder's embedded store (`postgres://…`, `memory://`). */
  readonly url?: string;
  readonly schema?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** PEM files: serve HTTPS. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Create (once) and start a paper bot `demo` on the live synthetic market when there is no bot yet. */
  readonly demoBot?: boolean;
  /** Lines for the operator (start-up, the first admin's password, warnings). */
  readonly say?: (line: string) => void;
  /** Audit checkpoints: the chain's head every `everyMinutes` (when it grew), said and appended to `file` when given, and at shutdown. */
  readonly auditCheckpoints?: { readonly file: string | null; readonly everyMinutes: number };
  /** The Telegram bot's options (tests: a local Bot API root, a clock); it runs when the settings configure it. */
  readonly telegram?: TelegramOptions;
}

export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: ServerServices;
  /** The Telegram bot (running when the settings configure it: docs/telegram.md). */
  readonly telegram: TelegramService;
  /** Stops accepting requests, stops the bots (their desired state kept) and closes the store. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The demo bot of `npm start`: four built-in strategies on the live synthetic market. */
export const DEMO_BOT = {
  id: 'demo', name: 'Demo (synthetic market)', mode: 'paper' as const,
  strategies: [{ name: 'sma-cross' }, { name: 'rsi' }, { name: 'bollinger' }, { name: 'buy-and-hold' }],
};

export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const say = opts.say ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const services = await openServerServices({ stateDir: opts.stateDir, url: opts.url, schema: opts.schema, env: opts.env });
  let app: FastifyInstance | undefined;
  try {
    const admin = await services.users.ensureAdmin();
    if (admin !== null) await services.audit.recordMutation({ actor: 'system', source: 'serve', action: 'user.add', target: admin.username, payload: { role: 'admin', firstStart: true } });
    if (opts.demoBot === true && services.bots.list().length === 0) {
      await services.bots.create(DEMO_BOT);
      await services.bots.start(DEMO_BOT.id);
    }
    const https = opts.tls === undefined ? null : { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) };
    app = await buildServer(services, { ...opts, secureCookies: opts.secureCookies ?? https !== null, listen: { host, port: opts.port ?? 8080 } }, https);
    await app.listen({ host, port: opts.port ?? 8080 });
    const addr = app.server.address() as AddressInfo;
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const url = `${https === null ? 'http' : 'https'}://${shown}:${addr.port}`;
    const dashboard = (opts.dashboardDir === undefined ? dashboardDir() : opts.dashboardDir) !== null;
    say(`sextant server on ${url} (store: ${services.storeLocation}); ${dashboard ? `dashboard at ${url}/, ` : ''}API docs at ${url}/api/docs, health at ${url}/api/v1/health`);
    if (admin !== null) {
      say(`first start: created user "${admin.username}" with password ${admin.password}`);
      say(`  (shown once: log in ${dashboard ? `to the dashboard at ${url}/` : 'at POST /api/v1/auth/login'} as ${admin.username}, or make a token: sextant token create --name me --scope admin)`);
    }
    if (!LOOPBACK.has(host) && https === null) {
      say(`WARNING: listening on ${host} without TLS: passwords, session cookies and tokens cross the network in clear. Bind to 127.0.0.1 behind an HTTPS proxy, or pass --tls-cert and --tls-key.`);
    }
    const running = app;
    const checkpoints = opts.auditCheckpoints === undefined ? null : new AuditCheckpointLog(services.audit, { file: opts.auditCheckpoints.file, everyMs: opts.auditCheckpoints.everyMinutes * 60_000, say });
    if (checkpoints !== null) {
      await checkpoints.tick();
      checkpoints.start();
    }
    const telegram = TelegramService.open(services, { log: say, ...opts.telegram });
    return {
      url, app: running, services, telegram,
      close: async () => {
        await telegram.close();
        await running.close();
        // The head after the last request, before the bots' final rows: the next start's first checkpoint covers those.
        await checkpoints?.stop();
        await services.close();
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    await services.close();
    throw e;
  }
}
