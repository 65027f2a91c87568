// deploy/prometheus: promtool's own checks of the alert rules, their unit tests and the scrape config, and
// the conventions every alert keeps (severity, summary, a description naming the bot or the instance, a
// runbook in docs/monitoring.md, a firing and a silent case in the unit tests). The metric names the rules
// read are checked against a running server by metric-names.test.ts.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promtool, runPromtoolTests } from '../helpers/promtool.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DIR = join(ROOT, 'deploy/prometheus');
const TMP = mkdtempSync(join(tmpdir(), 'sextant-prom-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

interface Rule { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> }
interface AlertTest { eval_time: string; alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }

const groups = (parse(readFileSync(join(DIR, 'sextant-alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name })));
const unitTests = (parse(readFileSync(join(DIR, 'sextant-alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test: AlertTest[] }[] }).tests.flatMap((t) => t.alert_rule_test);
const monitoringDoc = readFileSync(join(ROOT, 'docs/monitoring.md'), 'utf8');

describe('alert rules', () => {
  it('has the alerts the issue asks for, each with a severity, a summary, a description and a runbook in docs/monitoring.md', () => {
    expect(rules.length).toBeGreaterThanOrEqual(12);
    for (const name of ['SextantBotDown', 'SextantDataStale', 'SextantVenueDisconnected', 'SextantReconciliationCorrections', 'SextantBreakerTripped', 'SextantDailyLossOverLimit',
      'SextantDrawdownOverLimit', 'SextantOrderRejectRateHigh', 'SextantFillLatencyHigh', 'SextantHttpErrorRateHigh', 'SextantVenueErrors', 'SextantHighMemory', 'SextantStoreWriteFailures']) {
      expect(rules.map((r) => r.alert)).toContain(name);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      expect(Object.keys(r.annotations).sort(), r.alert).toEqual(['description', 'runbook_url', 'summary']);
      // Bot alerts name the bot, server alerts the instance.
      expect(r.annotations.description, r.alert).toContain(r.group === 'sextant-bots' ? '{{ $labels.bot }}' : '{{ $labels.instance }}');
      expect(r.annotations.runbook_url).toBe(`docs/monitoring.md#${r.alert.toLowerCase()}`);
      expect(monitoringDoc, `docs/monitoring.md has no section "### ${r.alert}"`).toMatch(new RegExp(`^### ${r.alert}$`, 'm'));
    }
  });

  it('has a unit test for every alert: a time it fires and a time it does not', () => {
    for (const r of rules) {
      const evals = unitTests.filter((t) => t.alertname === r.alert);
      expect(evals.some((t) => t.exp_alerts.length > 0), `${r.alert} never fires in the unit tests`).toBe(true);
      expect(evals.some((t) => t.exp_alerts.length === 0), `${r.alert} has no silent case in the unit tests`).toBe(true);
    }
    expect(unitTests.every((t) => rules.some((r) => r.alert === t.alertname))).toBe(true);
  });

  it.runIf(runPromtoolTests)('passes promtool check rules and promtool test rules; the tests fail when a threshold changes', () => {
    const check = promtool(['check', 'rules', 'sextant-alerts.yml'], DIR);
    expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(check.status).toBe(0);
    const test = promtool(['test', 'rules', 'sextant-alerts.test.yml'], DIR);
    expect(test.output).toMatch(/SUCCESS/);
    expect(test.status).toBe(0);
    // The same tests on rules with the reject-rate threshold raised: they must notice.
    writeFileSync(join(TMP, 'sextant-alerts.yml'), readFileSync(join(DIR, 'sextant-alerts.yml'), 'utf8').replace(') > 0.10', ') > 0.60'));
    copyFileSync(join(DIR, 'sextant-alerts.test.yml'), join(TMP, 'sextant-alerts.test.yml'));
    const broken = promtool(['test', 'rules', 'sextant-alerts.test.yml'], TMP);
    expect(broken.status).toBe(1);
    expect(broken.output).toMatch(/alertname: SextantOrderRejectRateHigh, time: 20m/);
  });

  it.runIf(runPromtoolTests)('the example prometheus.yml passes promtool check config (with a token file where it says)', () => {
    const config = readFileSync(join(DIR, 'prometheus.yml'), 'utf8');
    expect(config).toContain('credentials_file: /etc/prometheus/sextant.token');
    writeFileSync(join(TMP, 'sextant.token'), 'sxt_example\n');
    writeFileSync(join(TMP, 'prometheus.yml'), config.replace('/etc/prometheus/sextant.token', join(TMP, 'sextant.token')));
    copyFileSync(join(DIR, 'sextant-alerts.yml'), join(TMP, 'sextant-alerts.yml'));
    const r = promtool(['check', 'config', 'prometheus.yml'], TMP);
    expect(r.output).toMatch(/SUCCESS: 1 rule files found/);
    expect(r.status).toBe(0);
  });
});
