// Every metric the alert rules and the Grafana dashboards query is one the server really exports: the real
// server runs in process (in-memory store) with a trading paper bot that has equity breakers, /metrics is
// scraped with a read token, and each name the PromQL expressions read must be among the scrape's families
// (a histogram counts by its _bucket, _sum and _count series). `up` is the one exception: Prometheus records
// it for every scrape. The dashboards' structure (data source variable, unique panel ids, a query per panel)
// and the provisioning files are checked too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startApiServer, startTradingBot, TRADING_BOT, waitFor, type ApiServer } from '../helpers/api-server.ts';
import { parseSamples, valueOf } from '../helpers/prom-text.ts';
import { metricNames } from '../helpers/promql-names.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DASHBOARDS = join(ROOT, 'deploy/grafana/dashboards');
/** Series Prometheus itself adds to every scrape. */
const PROMETHEUS_SERIES = new Set(['up']);

interface Panel { id: number; type: string; title: string; description?: string; targets?: { expr: string; refId: string }[]; datasource?: { uid: string } }
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: { name: string; type: string; query: string | { query: string } }[] } }

const dashboards = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json')).sort().map((f) => ({ file: f, d: JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as Dashboard }));
const rules = (parse(readFileSync(join(ROOT, 'deploy/prometheus/sextant-alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);

/** Every PromQL expression of the rules and dashboards, with where it is. */
function expressions(): { where: string; expr: string }[] {
  const out = rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }));
  for (const { file, d } of dashboards) {
    for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `${file} panel "${p.title}" ${t.refId}`, expr: t.expr });
    for (const v of d.templating.list) if (v.type === 'query') out.push({ where: `${file} variable $${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query });
  }
  return out;
}

let api: ApiServer;
let botId: string;
let scrape: string;
beforeAll(async () => {
  api = await startApiServer();
  const id = (botId = await startTradingBot(api, { ...TRADING_BOT, risk: { breakers: { dailyLoss: { maxLossPct: 50 }, maxDrawdown: { maxDrawdownPct: 50 } } } }));
  // Fills and the store's writes have happened once the bot has traded.
  scrape = await waitFor('a scrape with fills', async () => {
    const r = await api.call('GET', '/metrics', { token: api.tokens.read });
    return r.status === 200 && / [1-9]\d*$/m.test(r.text.split('\n').find((l) => l.startsWith(`sextant_fills_total{bot="${id}"}`)) ?? '') ? r.text : null;
  });
});
afterAll(async () => {
  await api?.close();
});

describe('the metrics of the alert rules and the dashboards', () => {
  it('are all exported by the server\'s /metrics', () => {
    const families = new Map<string, string>();
    for (const m of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(m[1]!, m[2]!);
    const exported = new Set<string>();
    for (const [name, type] of families) {
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
      else if (type === 'summary') for (const s of ['', '_sum', '_count']) exported.add(name + s);
      else exported.add(name);
    }
    for (const s of parseSamples(scrape)) exported.add(s.name);
    const exprs = expressions();
    expect(exprs.length).toBeGreaterThan(60);
    const missing: string[] = [];
    const used = new Set<string>();
    for (const { where, expr } of exprs) {
      const names = metricNames(expr);
      expect(names.length, `${where} reads no metric: ${expr}`).toBeGreaterThan(0);
      for (const n of names) {
        used.add(n);
        if (!exported.has(n) && !PROMETHEUS_SERIES.has(n)) missing.push(`${where}: ${n}`);
      }
    }
    expect(missing).toEqual([]);
    // The check has teeth: a misspelt name is caught, and the new families are in use.
    expect(exported.has('sextant_fill_latency_seconds')).toBe(false);
    for (const n of ['sextant_bot_state', 'sextant_store_write_failures_total', 'sextant_daily_loss_ratio', 'sextant_breaker_limit_ratio', 'sextant_data_session_staleness_seconds', 'sextant_heap_limit_bytes']) expect(used).toContain(n);
  });

  it('come from a server whose new families have real values: the bot running, its limits, the store\'s writes', () => {
    const s = parseSamples(scrape);
    const bot = { bot: botId };
    expect(valueOf(s, 'sextant_bot_state', { ...bot, state: 'running' })).toBe(1);
    expect(valueOf(s, 'sextant_bot_desired_running', bot)).toBe(1);
    expect(valueOf(s, 'sextant_breaker_limit_ratio', { ...bot, breaker: 'daily-loss' })).toBe(0.5);
    expect(valueOf(s, 'sextant_bar_interval_seconds', bot)).toBe(TRADING_BOT.barMs / 1000);
    expect(valueOf(s, 'sextant_store_write_batches_total')).toBeGreaterThan(0);
    expect(valueOf(s, 'sextant_store_write_failures_total')).toBe(0);
  });
});

describe('the Grafana dashboards', () => {
  it('are the four named ones, each on the data source variable, with unique ids and a described query per panel', () => {
    expect(dashboards.map((x) => x.d.uid)).toEqual(['sextant-execution', 'sextant-overview', 'sextant-system', 'sextant-trading']);
    for (const { file, d } of dashboards) {
      expect(d.templating.list[0], file).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
      for (const p of d.panels.filter((x) => x.type !== 'row')) {
        expect(p.datasource?.uid, `${file} ${p.title}`).toBe('${datasource}');
        expect(p.targets?.length, `${file} ${p.title}`).toBeGreaterThan(0);
        expect(p.description, `${file} ${p.title}`).toBeTruthy();
      }
    }
  });

  it('are provisioned from the folder the compose file mounts, with Prometheus as the default data source', () => {
    const providers = (parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/dashboards/sextant.yml'), 'utf8')) as { providers: { type: string; options: { path: string } }[] }).providers;
    expect(providers).toMatchObject([{ type: 'file', options: { path: '/var/lib/grafana/dashboards/sextant' } }]);
    const sources = (parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { type: string; url: string; isDefault: boolean }[] }).datasources;
    expect(sources).toMatchObject([{ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true }]);
    const compose = readFileSync(join(ROOT, 'deploy/docker-compose.yml'), 'utf8');
    expect(compose).toContain('./grafana/dashboards:/var/lib/grafana/dashboards/sextant:ro');
  });
});
