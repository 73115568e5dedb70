/** HTML sections of the evaluation report; every user-provided string is escaped here or in svg.ts. */
import { failed, renderCheck } from '../contract/checks';
import type { Decision } from '../evaluate/gates';
import type { ColumnSlices, Slice, SliceReport } from '../evaluate/slices';
import { higherIsBetter, metricValue, type ClassificationMetrics, type MetricName, type Metrics } from '../ml/metrics';
import { esc } from './escape';

export interface RunMetadata {
  pipeline: string;
  runId: string;
  datasetHash?: string;
  modelVersion?: string;
  /** The champion's version, when one was compared. */
  championVersion?: string;
  params?: Record<string, unknown>;
  seed?: number;
  /** Stage name → duration in milliseconds. */
  timings?: Record<string, number>;
  /** ISO timestamp of the run. */
  startedAt?: string;
  /** The pipeline's own steps the run went through (transforms and a Python train step). */
  steps?: UserStepSummary[];
}

export interface UserStepSummary {
  name: string;
  runtime: 'typescript' | 'python';
  codeHash: string | null;
  /** The table a transform produced (absent for a train step). */
  outputHash: string | null;
  cached: boolean;
}

/** Metric values: 4 decimals, "n/a" for undefined (NaN, or null after JSON). */
export function fmtMetric(v: number | null | undefined): string {
  if (typeof v !== 'number' || Number.isNaN(v)) return 'n/a';
  if (Math.abs(v) >= 1000) return v.toFixed(1);
  return v.toFixed(4);
}

function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function card(title: string, body: string, id?: string): string {
  return `<section class="card"${id ? ` id="${esc(id)}"` : ''}><h2>${esc(title)}</h2>${body}</section>`;
}

export function verdictBadge(decision: Decision | undefined): string {
  if (!decision) return '<span class="badge none">NOT GATED</span>';
  return decision.blessed ? '<span class="badge pass">✓ BLESSED</span>' : '<span class="badge fail">✗ NOT BLESSED</span>';
}

export function gatesSection(decision: Decision): string {
  const items = decision.checks.map((c) => `<li class="${failed(c) ? 'fail' : c.kind === 'note' ? 'note' : 'pass'}">${esc(renderCheck(c))}</li>`);
  return card('Gate results', `<ul class="gates">${items.join('')}</ul>`, 'gates');
}

export function metricsTable(candidate: Metrics, champion: Metrics | null, names: MetricName[], labels: [string, string]): string {
  const head = champion
    ? `<tr><th>metric</th><th class="num">${esc(labels[0])}</th><th class="num">${esc(labels[1])}</th><th class="num">Δ</th></tr>`
    : `<tr><th>metric</th><th class="num">${esc(labels[0])}</th></tr>`;
  const rows = names.map((name) => {
    const c = metricValue(candidate, name);
    if (!champion) return `<tr><td>${esc(name)}</td><td class="num">${fmtMetric(c)}</td></tr>`;
    const h = metricValue(champion, name);
    let delta = '<td class="num">—</td>';
    if (typeof c === 'number' && typeof h === 'number' && Number.isFinite(c) && Number.isFinite(h)) {
      const d = c - h;
      const better = higherIsBetter(name) ? d > 0 : d < 0;
      const cls = d === 0 ? '' : better ? ' better' : ' worse';
      delta = `<td class="num${cls}">${d >= 0 ? '+' : ''}${fmtMetric(d)}</td>`;
    }
    return `<tr><td>${esc(name)}</td><td class="num">${fmtMetric(c)}</td><td class="num">${fmtMetric(h)}</td>${delta}</tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

export function perClassTable(metrics: ClassificationMetrics, classNames: string[]): string {
  const rows = metrics.perClass.map(
    (s, c) =>
      `<tr><td>${esc(classNames[c])}</td><td class="num">${fmtMetric(s.precision)}</td><td class="num">${fmtMetric(s.recall)}</td>` +
      `<td class="num">${fmtMetric(s.f1)}</td><td class="num">${s.support}</td></tr>`,
  );
  return `<h3>Per class</h3><table><tr><th>class</th><th class="num">precision</th><th class="num">recall</th><th class="num">f1</th><th class="num">support</th></tr>${rows.join('')}</table>`;
}

function sliceMetricNames(report: SliceReport, column: ColumnSlices): MetricName[] {
  if (report.task === 'regression') return ['rmse', 'mae', 'r2'];
  return column.fairness ? ['accuracy', 'f1', 'roc_auc'] : ['accuracy', 'f1_macro'];
}

function sliceRow(slice: Slice, names: MetricName[], binary: boolean, minSize: number): string {
  const cells = [`<td>${esc(slice.label)}</td>`, `<td class="num">${slice.size}</td>`];
  const span = names.length + (binary ? 2 : 0);
  if (!slice.metrics) {
    cells.push(`<td colspan="${span}">below minimum slice size ${minSize}: not evaluated</td>`);
    return `<tr class="muted">${cells.join('')}</tr>`;
  }
  for (const n of names) cells.push(`<td class="num">${fmtMetric(metricValue(slice.metrics, n))}</td>`);
  if (binary) cells.push(`<td class="num">${fmtMetric(slice.positiveRate)}</td><td class="num">${fmtMetric(slice.truePositiveRate)}</td>`);
  return `<tr>${cells.join('')}</tr>`;
}

export function slicesSection(report: SliceReport): string {
  const blocks = report.columns.map((col) => {
    const names = sliceMetricNames(report, col);
    const binary = col.fairness !== null;
    const head =
      `<tr><th>${esc(col.column)}</th><th class="num">rows</th>${names.map((n) => `<th class="num">${esc(n)}</th>`).join('')}` +
      `${binary ? '<th class="num">positive rate</th><th class="num">TPR</th>' : ''}</tr>`;
    const rows = col.slices.map((s) => sliceRow(s, names, binary, report.minSize)).join('');
    let gaps = '';
    if (col.fairness) {
      const f = col.fairness;
      const who = (e: { highest: string; lowest: string } | null) =>
        e ? ` <span class="sub">highest ${esc(e.highest)} · lowest ${esc(e.lowest)}</span>` : '';
      gaps =
        `<p><span class="gap">demographic parity difference <b>${fmtMetric(f.demographicParityDiff)}</b>${who(f.demographicParity)}</span>` +
        `<span class="gap">equal opportunity difference <b>${fmtMetric(f.equalOpportunityDiff)}</b>${who(f.equalOpportunity)}</span></p>`;
    }
    return `<h3>${esc(col.column)} <span class="sub">(${col.kind})</span></h3>${gaps}<table>${head}${rows}</table>`;
  });
  return card('Slices', blocks.join(''), 'slices');
}

export function metadataSection(meta: RunMetadata): string {
  const items: Array<[string, string | undefined]> = [
    ['pipeline', meta.pipeline],
    ['run id', meta.runId],
    ['started', meta.startedAt],
    ['dataset hash', meta.datasetHash],
    ['model version', meta.modelVersion],
    ['champion version', meta.championVersion],
    ['seed', meta.seed === undefined ? undefined : String(meta.seed)],
  ];
  const dl = items
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('');
  let body = `<dl class="meta">${dl}</dl>`;
  const params = Object.entries(meta.params ?? {});
  if (params.length > 0) {
    const rows = params.map(([k, v]) => `<tr><td><code>${esc(k)}</code></td><td><code>${esc(JSON.stringify(v))}</code></td></tr>`);
    body += `<h3>Parameters</h3><table><tr><th>name</th><th>value</th></tr>${rows.join('')}</table>`;
  }
  if (meta.steps?.length) {
    const short = (h: string | null) => (h ? `<code>${esc(h.slice(0, 12))}</code>` : '—');
    const rows = meta.steps.map((s) => `<tr><td><code>${esc(s.name)}</code></td><td>${esc(s.runtime)}</td><td>${short(s.codeHash)}</td><td>${short(s.outputHash)}</td><td>${s.cached ? 'cached' : 'ran'}</td></tr>`);
    body += `<h3>Pipeline steps</h3><table><tr><th>step</th><th>runtime</th><th>code sha256</th><th>output table sha256</th><th></th></tr>${rows.join('')}</table>`;
  }
  const timings = Object.entries(meta.timings ?? {});
  if (timings.length > 0) {
    const total = timings.reduce((s, [, ms]) => s + ms, 0);
    const rows = timings.map(([k, ms]) => `<tr><td>${esc(k)}</td><td class="num">${fmtDuration(ms)}</td></tr>`);
    rows.push(`<tr><td><b>total</b></td><td class="num"><b>${fmtDuration(total)}</b></td></tr>`);
    body += `<h3>Timings</h3><table><tr><th>stage</th><th class="num">duration</th></tr>${rows.join('')}</table>`;
  }
  return card('Run', body, 'run');
}
