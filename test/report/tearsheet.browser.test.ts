// The tearsheet of `sextant backtest --report` opened in headless Chromium with the network cut off:
// every chart renders, nothing is fetched, and every number shown is in the --json output.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readPath } from '../../src/analytics/report/format.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`tearsheet browser tests skipped: ${CHROMIUM} is missing (CI installs Debian's chromium package)`);

interface Shown {
  path: string;
  value: string;
  text: string;
}

interface ReportJson {
  analysis: {
    monthlyReturns: { months: (number | null)[] }[];
    distribution: { histogram: { counts: number[] } };
    attribution: { correlation: { labels: string[] } };
  };
  benchmark: unknown;
}

// The page's DOM, typed just enough for the page.evaluate callbacks (the project compiles without lib.dom).
// Callbacks run in the page, so they reach `document` through globalThis, not through a helper here.
interface DomRect {
  readonly width: number;
  readonly height: number;
}
interface DomElement {
  readonly id: string;
  readonly textContent: string | null;
  getBoundingClientRect(): DomRect;
  getClientRects(): { readonly length: number };
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
  closest(selector: string): DomElement | null;
}
interface DomText {
  readonly textContent: string | null;
  readonly parentElement: DomElement | null;
}
interface DomDocument {
  readonly body: DomElement;
  querySelectorAll(selector: string): Iterable<DomElement> & ArrayLike<DomElement>;
  querySelector(selector: string): DomElement | null;
  getElementById(id: string): DomElement | null;
  createTreeWalker(root: DomElement, whatToShow: number): { nextNode(): DomText | null };
}
/** NodeFilter.SHOW_TEXT */
const SHOW_TEXT = 4;

/** Parses a shown number ("1,234.56", "-12.30%") and the largest rounding error its digits allow. */
function parseShown(text: string): { value: number; tolerance: number } | null {
  const m = /^(-?[\d,]+(?:\.(\d+))?)(%?)$/.exec(text.trim());
  if (m === null) return null;
  const decimals = m[2]?.length ?? 0;
  const scale = m[3] === '%' ? 100 : 1;
  return { value: Number(m[1]!.replace(/,/g, '')) / scale, tolerance: (0.5 * 10 ** -decimals) / scale };
}

describe.skipIf(!hasChromium)('tearsheet in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-tearsheet-'));
  const jsonPath = join(dir, 'run.json');
  const htmlPath = join(dir, 'run.html');
  const shotPath = join(dir, 'tearsheet.png');
  const attempted: string[] = [];
  const consoleErrors: string[] = [];
  let browser: Browser;
  let page: Page;
  let report: ReportJson;

  beforeAll(async () => {
    let err = '';
    const code = await main(
      ['backtest', '--strategy', 'sma-cross', '--data', 'synthetic:3', '--commission', '0.001', '--slippage-bps', '2', '--json', jsonPath, '--report', htmlPath, '--quiet'],
      () => undefined,
      (s) => (err += s),
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    report = JSON.parse(readFileSync(jsonPath, 'utf8')) as ReportJson;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) attempted.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.route('**', async (route) => {
      if (route.request().url().startsWith('file:')) await route.continue();
      else await route.abort();
    });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads from the file alone: no request leaves the page and nothing fails', () => {
    expect(attempted).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('renders every chart with the expected number of shapes, each with a size', async () => {
    const charts = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: DomDocument }).document;
      const box = (e: DomElement): { w: number; h: number } => {
        const r = e.getBoundingClientRect();
        return { w: r.width, h: r.height };
      };
      const count = (sel: string): number => document.querySelectorAll(sel).length;
      const minBox = (sel: string): number => Math.min(...Array.from(document.querySelectorAll(sel), (e) => Math.max(box(e).w, box(e).h)));
      return {
        svgs: Array.from(document.querySelectorAll('svg.chart'), (s) => ({ id: s.id, ...box(s) })),
        equityLines: count('#chart-equity path.series'),
        equityLineBox: minBox('#chart-equity path.series'),
        underwater: count('#chart-underwater path.area'),
        underwaterBox: box(document.querySelector('#chart-underwater path.area')!),
        rolling: count('#chart-rolling-sharpe path.series'),
        rollingBox: minBox('#chart-rolling-sharpe path.series'),
        cells: count('#chart-monthly rect.cell'),
        totals: count('#chart-monthly rect.total'),
        cellBox: minBox('#chart-monthly rect.cell'),
        bars: count('#chart-histogram rect.bar'),
        barBox: minBox('#chart-histogram rect.bar'),
        corr: count('#chart-correlation rect.corr'),
        corrBox: minBox('#chart-correlation rect.corr'),
      };
    });
    expect(charts.svgs.map((s) => s.id).sort()).toEqual(['chart-correlation', 'chart-equity', 'chart-histogram', 'chart-monthly', 'chart-rolling-sharpe', 'chart-underwater']);
    for (const s of charts.svgs) {
      expect(s.w, s.id).toBeGreaterThan(100);
      expect(s.h, s.id).toBeGreaterThan(100);
    }
    const a = report.analysis;
    expect(charts.equityLines).toBe(report.benchmark === null ? 1 : 2);
    expect(charts.equityLineBox).toBeGreaterThan(50);
    expect(charts.underwater).toBe(1);
    expect(charts.underwaterBox.w).toBeGreaterThan(100);
    expect(charts.underwaterBox.h).toBeGreaterThan(10);
    expect(charts.rolling).toBe(1);
    expect(charts.rollingBox).toBeGreaterThan(50);
    expect(charts.cells).toBe(a.monthlyReturns.reduce((s, r) => s + r.months.filter((v) => v !== null).length, 0));
    expect(charts.totals).toBe(a.monthlyReturns.length);
    expect(charts.cellBox).toBeGreaterThan(5);
    expect(charts.bars).toBe(a.distribution.histogram.counts.filter((c) => c > 0).length);
    expect(charts.barBox).toBeGreaterThan(0);
    expect(charts.corr).toBe(a.attribution.correlation.labels.length ** 2);
    expect(charts.corrBox).toBeGreaterThan(5);
  });

  it('shows only numbers that are in the --json output, each at the path it names and rounded from it', async () => {
    const shown: Shown[] = await page.evaluate(() =>
      Array.from((globalThis as unknown as { document: DomDocument }).document.querySelectorAll('[data-path]'))
        .filter((e) => e.getClientRects().length > 0)
        .map((e) => ({ path: e.getAttribute('data-path')!, value: e.getAttribute('data-value')!, text: e.matches('rect') ? '' : (e.textContent ?? '') })),
    );
    expect(shown.length).toBeGreaterThan(1000);
    let numbers = 0;
    for (const s of shown) {
      const v = readPath(report, s.path);
      expect(v, s.path).not.toBeUndefined();
      expect(String(v), s.path).toBe(s.value);
      if (s.text === '') continue;
      if (typeof v === 'number') {
        const p = parseShown(s.text);
        expect(p, `${s.path}: "${s.text}"`).not.toBeNull();
        expect(Math.abs(p!.value - v), `${s.path}: "${s.text}" for ${v}`).toBeLessThanOrEqual(p!.tolerance * (1 + 1e-9) + 1e-12 * Math.abs(v));
        numbers++;
      } else if (v === null) expect(s.text).toBe('–');
      else if (/^\d{4}-\d{2}-\d{2}T/.test(String(v))) expect(String(v).startsWith(s.text.replace(' ', 'T'))).toBe(true);
      else expect(s.text).toBe(String(v));
    }
    expect(numbers).toBeGreaterThan(500);
  });

  it('shows no digit outside an element that names its JSON path', async () => {
    const loose: string[] = await page.evaluate((showText) => {
      const document = (globalThis as unknown as { document: DomDocument }).document;
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, showText);
      for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
        const el = n.parentElement!;
        if (el.closest('script, style') !== null || !/\d/.test(n.textContent ?? '')) continue;
        if (el.closest('[data-path]') === null && el.getClientRects().length > 0) out.push(n.textContent!);
      }
      return out;
    }, SHOW_TEXT);
    expect(loose).toEqual([]);
  });

  it('embeds the same report as the --json output', async () => {
    const embedded = await page.evaluate(() => JSON.parse((globalThis as unknown as { document: DomDocument }).document.getElementById('sextant-report')!.textContent!) as unknown);
    expect(embedded).toEqual(report);
  });

  it('takes a full-page screenshot', async () => {
    await page.screenshot({ path: shotPath, fullPage: true });
    expect(statSync(shotPath).size).toBeGreaterThan(100_000);
    console.info(`tearsheet screenshot: ${shotPath}`);
  });
});
