// The dashboard under test as a user meets it: `sextant serve` in-process on the embedded store (PGlite) with
// the demo paper bot trading the live synthetic market, the built pages (dist/web, or a fresh build when the
// sources changed after it), and Debian's Chromium driven through playwright-core. Pages are checked for
// console errors and with axe-core; screenshots go to a temp folder, or to docs/images/dashboard with
// UPDATE_SCREENSHOTS=1 (the committed ones docs/dashboard.md shows).
//
// What a file costs is mostly fixed work (loading the server, starting browser contexts) and pages left open (one
// keeps rendering the live updates), so: the server's code is the build when it is fresh (serverModule); a file
// logs in once, and its pages start at the address they test, in one shared tab (Dashboard.page); a test's page
// is closed, or reused by the next test, when the test is done with it. Waits for the app are generous (CI runs
// 4 test files at once on 2 cores): expect.poll's default is 30 s here, not 1 s, and Playwright's waits 30 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, onTestFinished, vi } from 'vitest';
import type { RunningServer, ServeOptions } from '../../src/server/serve.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** How long a wait for the app may take: it returns as soon as the condition holds. */
export const APP_WAIT_MS = 30_000;
// Every expect.poll of a file using this helper waits for the app (a page's text, the server's state): the
// default 1 s is too short on a loaded machine. Polled every 100 ms: each poll is a round trip to the browser.
vi.setConfig({ expect: { poll: { timeout: APP_WAIT_MS, interval: 100 } } });

/**
 * Node's own import() of a file: Vitest hands `data:` modules to Node as they are, and this one re-exports the
 * file, which Node then loads itself (Vitest would transform it, as every file outside node_modules).
 */
const nativeImport = (file: string): Promise<unknown> => import(/* @vite-ignore */ `data:text/javascript,${encodeURIComponent(`export * from ${JSON.stringify(pathToFileURL(file).href)};`)}`);

/**
 * A module of the server (`server/serve`): dist/'s build, imported by Node itself, when the test runner found
 * dist/ built from the current sources (SEXTANT_FROM_SOURCE=auto, vitest.config.ts; so in CI, after `npm ci`),
 * as the tests that spawn `sextant` run it; else the sources through Vitest (`fromSource`). Vitest transforms
 * the whole server's module graph for each file that imports it (about 7 CPU-seconds), and the research jobs'
 * workers boot tsx from the sources; Node loads the build in about 1.5.
 */
export async function serverModule<T>(path: string, fromSource: () => Promise<T>): Promise<T> {
  const built = join(ROOT, 'dist', `${path}.js`);
  if (process.env.SEXTANT_FROM_SOURCE === 'auto' && existsSync(built)) return (await nativeImport(built)) as T;
  return fromSource();
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The widths every page is looked at: a laptop and a phone. */
export const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
export type WidthName = keyof typeof WIDTHS;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * dist/web when it is newer than every file of web/ (always so after `npm install`); else a fresh build in a
 * temp folder of this file's own (about a second; Vite's one-build-per-project lock is bypassed because each
 * build writes its own folder, so e2e files running side by side do not refuse each other).
 */
export function builtDashboard(): string {
  const dist = join(ROOT, 'dist/web');
  const index = join(dist, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'web'))) return `${dist}/`;
  const out = mkdtempSync(join(tmpdir(), 'sextant-web-'));
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error', '-c', join(ROOT, 'web/vite.config.ts'), '--outDir', out, '--emptyOutDir', '--bypass-lock'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}${r.stderr}`);
  return `${out}/`;
}

export interface Dashboard {
  readonly server: RunningServer;
  readonly url: string;
  /** The first admin's password, as printed on first start. */
  readonly password: string;
  /** What the server printed on start. */
  readonly startLines: readonly string[];
  /**
   * A page at a width, at `path` (default /) logged in as admin, or a blank one not logged in with login: false.
   * The file's first page logs in through the form; later ones start with that session. Console errors are
   * collected. A page is a new browser context's, closed when the test that opened it ends; but with
   * shared: true it is the file's one shared tab: made at the first such ask, then at each later one emptied
   * (about:blank, no cookies but the session asked for), resized to the width and loaded afresh at `path`: as a
   * new page would start (the app keeps nothing in the browser but its session cookie), without a new browser
   * context and renderer process each time, which are most of what a page costs. Asking for a page that is not
   * shared closes it.
   */
  page(width: WidthName, opts?: { login?: boolean; path?: string; shared?: boolean }): Promise<Page>;
  /**
   * Fails on console errors or uncaught page errors seen so far on any page, but those matching `expected`
   * (e.g. /status of 400/ after a test made the server refuse a bad value on purpose).
   */
  expectNoConsoleErrors(expected?: readonly RegExp[]): void;
  /** A screenshot of the whole page, named `<name>-<width>.png`. */
  shot(page: Page, name: string): Promise<string>;
  /** axe-core on the page: fails on serious or critical violations. */
  expectAccessible(page: Page, what: string): Promise<void>;
  close(): Promise<void>;
}

export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/images/dashboard') : join(tmpdir(), 'sextant-dashboard-screens');

export async function openDashboard(opts: Partial<ServeOptions> = {}): Promise<Dashboard> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sextant-dash-'));
  const lines: string[] = [];
  const { serve } = await serverModule('server/serve', () => import('../../src/server/serve.ts'));
  const server = await serve({ port: 0, demoBot: true, dashboardDir: builtDashboard(), say: (l) => lines.push(l), ...opts, stateDir });
  const password = /with password (\S+)/.exec(lines.join('\n'))?.[1];
  if (password === undefined) throw new Error(`no admin password printed:\n${lines.join('\n')}`);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const width = new WeakMap<Page, WidthName>();
  /** The admin's session (its cookie), once the first page has logged in. */
  let session: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
  /** The shared tab, until a page that is not shared is asked for. */
  let shared: Page | undefined;

  const open = async (page: Page, path: string): Promise<void> => {
    await page.goto(`${server.url}${path}`);
    if (session === undefined) {
      // The login form shows at any address, and the page there once logged in.
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
    }
    // includeHidden: on a phone the navigation is folded behind the Menu button.
    await page.getByRole('navigation', { name: 'Main', includeHidden: true }).waitFor({ state: 'attached' });
    session ??= await page.context().storageState();
  };

  return {
    server, url: server.url, password, startLines: lines,
    async page(w, o = {}) {
      const login = o.login !== false;
      let page: Page;
      if (o.shared === true && shared !== undefined && !shared.isClosed()) {
        page = shared;
        await page.goto('about:blank');
        if (width.get(page) !== w) await page.setViewportSize(WIDTHS[w]);
        width.set(page, w);
        await page.context().clearCookies();
        if (login && session !== undefined) await page.context().addCookies(session.cookies);
      } else {
        await shared?.context().close().catch(() => undefined);
        shared = undefined;
        // bypassCSP only so the test can inject axe-core; the page itself runs under the server's CSP.
        const ctx = await browser.newContext({ viewport: WIDTHS[w], bypassCSP: true, storageState: login ? session : undefined });
        contexts.push(ctx);
        ctx.setDefaultTimeout(APP_WAIT_MS);
        const created = await ctx.newPage();
        page = created;
        width.set(page, w);
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(`${width.get(created)} ${created.url()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => errors.push(`${width.get(created)} ${created.url()}: ${e.message}`));
        if (o.shared === true) shared = page;
        else onTestFinished(() => ctx.close().catch(() => undefined));
      }
      if (login) await open(page, o.path ?? '/');
      return page;
    },
    expectNoConsoleErrors(expected = []) {
      // A 401 while logged out is the server answering as it should, not a page error.
      expect(errors.filter((e) => !/status of 401/.test(e) && !expected.some((x) => x.test(e)))).toEqual([]);
    },
    async shot(page, name) {
      const file = join(SCREENSHOT_DIR, `${name}-${width.get(page) ?? 'page'}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async expectAccessible(page, what) {
      // Once per document (the pages are one app: axe stays from one check to the next).
      if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
      const result = await page.evaluate(async () => {
        // Runs in the page (this project's Node typings have no DOM): the page's globals through globalThis.
        const page = globalThis as unknown as { document: unknown; axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } };
        const r = await page.axe.run(page.document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
      });
      const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious, `${what}: axe-core violations`).toEqual([]);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
