import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Metrics } from '../../bot/metrics';

/*
 * deploy/prometheus/alerts.yml and deploy/grafana/citizen-bot-dashboard.json name only metrics the bot
 * exports (so a renamed metric cannot leave an alert that never fires), and the rules are valid Prometheus
 * rules (`promtool check rules`, when promtool is installed: Debian's `prometheus` package has it).
 */

const root = path.resolve(__dirname, '../..');
const RULES = path.join(root, 'deploy/prometheus/alerts.yml');
const DASHBOARD = path.join(root, 'deploy/grafana/citizen-bot-dashboard.json');

/** Every series name the registry exports, histograms with their _bucket, _sum and _count. */
async function exported(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await new Metrics().registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (['histogram', 'summary'].includes(String(m.type))) for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
  }
  return names;
}

/** Metric names in PromQL: ours (citybot_), and Node's defaults (process_, nodejs_). */
const namesIn = (exprs: string[]): string[] => [...new Set(exprs.flatMap((e) => e.match(/\b(?:citybot|process|nodejs)_[a-z0-9_]+/g) ?? []))];

const ruleExprs = (): string[] =>
  (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ expr: string }> }> }).groups.flatMap((g) => g.rules.map((r) => r.expr));

const dashboardExprs = (): string[] =>
  (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> }).panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe('alert rules and dashboard', () => {
  it('the alert rules name only metrics the bot exports', async () => {
    const names = namesIn(ruleExprs());
    expect(names.length).toBeGreaterThan(10);
    const known = await exported();
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it('the dashboard names only metrics the bot exports, Node defaults unprefixed', async () => {
    const names = namesIn(dashboardExprs());
    expect(names).toContain('process_resident_memory_bytes');
    const known = await exported();
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it('promtool accepts the alert rules', (ctx) => {
    const which = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (which.error) return ctx.skip('promtool is not installed (apt-get install prometheus): the rules were not checked');
    const run = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
