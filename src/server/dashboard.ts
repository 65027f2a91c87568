// The web dashboard's built files (web/ built by Vite into dist/web at `npm install`), served by the server
// itself: no other web server, nothing from outside. Hashed assets are cached for good; every other path that
// is not the API answers index.html, so the dashboard's own routes (/bots/demo, /chart …) survive a reload.
// Without a build it says how to make one instead of a bare 404.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What the not-found handler needs to answer a client-side route: the index page, when built. */
export interface Dashboard {
  readonly index: Buffer | null;
}

/** dist/web beside the compiled server (dist/server), or from the sources (src/server) the checkout's dist/web. */
export function dashboardDir(): string | null {
  for (const rel of ['../web/', '../../dist/web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

/** The page's policy: its own scripts and styles only, the API and WebSocket of this server, no framing. */
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const NOT_BUILT = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sextant</title></head><body><h1>Sextant</h1>' +
  '<p>The dashboard is not built. Run <code>npm run build</code> (npm install does it) and restart the server.</p>' +
  '<p>The API is up: <a href="/api/docs">/api/docs</a>.</p></body></html>';

/** Whether a request is the dashboard's (not the API, the metrics or the docs UI). */
export function isDashboardPath(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('/api/') && url !== '/api' && !url.startsWith('/metrics');
}

export async function registerDashboard(app: FastifyInstance, dir: string | null = dashboardDir()): Promise<Dashboard> {
  if (dir === null) {
    app.get('/', { config: { scope: 'public' }, schema: { hide: true } }, (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
    return { index: null };
  }
  await app.register(async (scope) => {
    // The page and its files are public (they hold no data); the API they call needs the login.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, scope: 'public' };
      route.schema = { ...route.schema, hide: true };
    });
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      wildcard: false,
      decorateReply: false,
      index: ['index.html'],
      setHeaders: (res, path) => {
        res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  });
  return { index: readFileSync(`${dir}index.html`) };
}

/** A GET of a page path with no file (a client-side route such as /bots/demo): the index page. */
export function sendDashboardIndex(dashboard: Dashboard, request: FastifyRequest, reply: FastifyReply): boolean {
  if (dashboard.index === null || request.method !== 'GET' || !isDashboardPath(request.url)) return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  void reply.code(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(dashboard.index);
  return true;
}
