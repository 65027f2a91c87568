// The dashboard under test as a user meets it: `sextant serve` in-process on the embedded store (PGlite) with
// the demo paper bot trading the live synthetic market, the built pages (dist/web, or a fresh build when the
// sources changed after it), and Debian's Chromium driven through playwright-core. Pages are checked for
// console errors and with axe-core; screenshots go to a temp folder, or to docs/images/dashboard with
// UPDATE_SCREENSHOTS=1 (the committed ones docs/dashboard.md shows).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { serve, type RunningServer, type ServeOptions } from '../../src/server/serve.ts';

const ROOT = resolve(import.meta.dirname, '../..');
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
  /** A new page at a width, logged in as admin (or not, with login: false); console errors are collected. */
  page(width: WidthName, opts?: { login?: boolean }): Promise<Page>;
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
  const server = await serve({ port: 0, demoBot: true, dashboardDir: builtDashboard(), say: (l) => lines.push(l), ...opts, stateDir });
  const password = /with password (\S+)/.exec(lines.join('\n'))?.[1];
  if (password === undefined) throw new Error(`no admin password printed:\n${lines.join('\n')}`);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const width = new WeakMap<Page, WidthName>();

  const login = async (page: Page): Promise<void> => {
    await page.goto(server.url);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // includeHidden: on a phone the navigation is folded behind the Menu button.
    await page.getByRole('navigation', { name: 'Main', includeHidden: true }).waitFor({ state: 'attached' });
  };

  return {
    server, url: server.url, password, startLines: lines,
    async page(w, o = {}) {
      // bypassCSP only so the test can inject axe-core; the page itself runs under the server's CSP.
      const ctx = await browser.newContext({ viewport: WIDTHS[w], bypassCSP: true });
      contexts.push(ctx);
      const page = await ctx.newPage();
      width.set(page, w);
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${w} ${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`${w} ${page.url()}: ${e.message}`));
      if (o.login !== false) await login(page);
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
      await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
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
