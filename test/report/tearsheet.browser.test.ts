// The tearsheet of `sextant backtest --report` opened in headless Chromium with the network cut off:
// every chart renders, nothing is fetched, every number shown is in the --json output (axis labels
// aside: round values of their scale), and no chart text sticks out of its chart.
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
    prices: { series: { symbol: string }[] };
  };
  benchmark: unknown;
  fills: { symbol: string; side: string }[];
}

// The page's DOM, typed just enough for the page.evaluate callbacks (the project compiles without lib.dom).
// Callbacks run in the page, so they reach `document` through globalThis, not through a helper here.
interface DomRect {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
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
        price: count('#chart-price-0 path.series.price'),
        buys: count('#chart-price-0 path.mk.buy'),
        sells: count('#chart-price-0 path.mk.sell'),
        markerBox: minBox('#chart-price-0 path.mk'),
      };
    });
    const prices = report.analysis.prices.series.map((_p, k) => `chart-price-${k}`);
    expect(prices.length).toBeGreaterThan(0);
    expect(charts.svgs.map((s) => s.id).sort()).toEqual(['chart-correlation', 'chart-equity', 'chart-histogram', 'chart-monthly', ...prices, 'chart-rolling-sharpe', 'chart-underwater'].sort());
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
    // One marker per fill of the charted symbol.
    const fills = report.fills.filter((f) => f.symbol === a.prices.series[0]!.symbol);
    expect(charts.price).toBe(1);
    expect(charts.buys).toBe(fills.filter((f) => f.side === 'buy').length);
    expect(charts.sells).toBe(fills.filter((f) => f.side === 'sell').length);
    expect(charts.buys).toBeGreaterThan(0);
    expect(charts.markerBox).toBeGreaterThan(3);
  });

  it('keeps every chart text, axis labels first, inside its chart', async () => {
    const out = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: DomDocument }).document;
      // Plain objects: a DOMRect does not cross back from the page.
      const rect = (e: DomElement): { left: number; right: number; top: number; bottom: number } => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      const found: { chart: string; text: string; box: ReturnType<typeof rect>; frame: ReturnType<typeof rect> }[] = [];
      for (const svg of Array.from(document.querySelectorAll('svg.chart'))) {
        const frame = rect(svg);
        for (const t of Array.from(document.querySelectorAll(`#${svg.id} text`))) found.push({ chart: svg.id, text: t.textContent ?? '', box: rect(t), frame });
      }
      return found;
    });
    expect(out.filter((t) => t.chart === 'chart-equity').length).toBeGreaterThan(8);
    for (const t of out) {
      const where = `${t.chart}: "${t.text}"`;
      expect(t.box.left, where).toBeGreaterThanOrEqual(t.frame.left - 0.5);
      expect(t.box.right, where).toBeLessThanOrEqual(t.frame.right + 0.5);
      expect(t.box.top, where).toBeGreaterThanOrEqual(t.frame.top - 0.5);
      expect(t.box.bottom, where).toBeLessThanOrEqual(t.frame.bottom + 0.5);
    }
  });

  it('labels the value axes with 4 to 8 round values a 1, 2 or 5 × 10^k step apart, and the time axes with 3 to 10 dates', async () => {
    const axes = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: DomDocument }).document;
      return Array.from(document.querySelectorAll('svg.chart'), (svg) => ({
        id: svg.id,
        y: Array.from(document.querySelectorAll(`#${svg.id} text.ylabel`), (t) => Number(t.getAttribute('data-tick'))),
        x: Array.from(document.querySelectorAll(`#${svg.id} text.xlabel`), (t) => t.textContent ?? ''),
      }));
    });
    for (const id of ['chart-equity', 'chart-underwater', 'chart-rolling-sharpe', 'chart-price-0']) {
      const a = axes.find((x) => x.id === id)!;
      expect(a.x.length, id).toBeGreaterThanOrEqual(3);
      expect(a.x.length, id).toBeLessThanOrEqual(10);
      expect(a.y.length, id).toBeGreaterThanOrEqual(3);
      expect(a.y.length, id).toBeLessThanOrEqual(9);
      for (let k = 1; k < a.y.length; k++) expect(a.y[k]!, id).toBeGreaterThan(a.y[k - 1]!);
    }
    const under = axes.find((x) => x.id === 'chart-underwater')!.y;
    const step = under[1]! - under[0]!;
    for (let k = 1; k < under.length; k++) expect(under[k]! - under[k - 1]!).toBeCloseTo(step, 9);
    expect([1, 2, 5].some((m) => Math.abs(step / 10 ** Math.floor(Math.log10(step) + 1e-9) - m) < 1e-6)).toBe(true);
  });

  it('shows only numbers that are in the --json output, each at the path it names and rounded from it', async () => {
    const shown: Shown[] = await page.evaluate(() =>
      Array.from((globalThis as unknown as { document: DomDocument }).document.querySelectorAll('[data-path]'))
        .filter((e) => e.getClientRects().length > 0)
        // Shapes (bars, squares, trade markers) show no text: their number is in a tooltip.
        .map((e) => ({ path: e.getAttribute('data-path')!, value: e.getAttribute('data-value')!, text: e.matches('rect, path') ? '' : (e.textContent ?? '') })),
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

  it('shows no digit outside an element that names its JSON path or an axis tick', async () => {
    const loose: string[] = await page.evaluate((showText) => {
      const document = (globalThis as unknown as { document: DomDocument }).document;
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, showText);
      for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
        const el = n.parentElement!;
        if (el.closest('script, style') !== null || !/\d/.test(n.textContent ?? '')) continue;
        if (el.closest('[data-path], [data-tick]') === null && el.getClientRects().length > 0) out.push(n.textContent!);
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
