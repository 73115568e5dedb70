import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createPipelineMetrics } from '../../../src/metrics/pipelineMetrics';
import { METRIC_NAMES } from '../../../src/serving/metrics';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

/** Every bosun_* series an expression names, with histogram suffixes folded onto their metric. */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\bbosun_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
}

describe('dashboards and alerts', () => {
  const exported = new Set([...createPipelineMetrics().registry.getMetricsAsArray().map((m) => m.name), ...Object.values(METRIC_NAMES)]);

  it('the Grafana dashboard charts only metrics Bosun exports', () => {
    const dash = JSON.parse(read('ops/grafana-dashboard.json')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const used = dash.panels.flatMap((p) => p.targets.flatMap((t) => namesIn(t.expr)));
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(exported, `dashboard uses ${name}`).toContain(name);
  });

  it('the alert rules use only metrics Bosun exports', () => {
    const rules = parse(read('ops/alert-rules.yml')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toContain('BosunDriftDetected');
    for (const r of all) for (const name of namesIn(r.expr)) expect(exported, `${r.alert} uses ${name}`).toContain(name);
  });
});
