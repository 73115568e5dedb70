/**
 * The drift report page: per feature, the reference and current distributions overlaid on the reference
 * bins (or levels), with PSI, KS / chi-square, Jensen–Shannon and the verdict. Self-contained HTML.
 */
import type { DriftProfile, FeatureProfile } from '../drift/profile';
import type { DriftReport, FeatureDrift } from '../drift/policy';
import type { DriftAccumulator } from '../drift/window';
import { esc } from '../report/escape';
import { card } from '../report/sections';
import { REPORT_CSS } from '../report/styles';
import { COLORS } from '../report/svg';
import type { PerformanceCheck } from './driftCheck';

export interface DriftReportInput {
  modelName: string;
  modelVersion: number;
  since: Date;
  until: Date;
  source: string;
  profile: DriftProfile;
  acc: DriftAccumulator;
  report: DriftReport;
  performance: PerformanceCheck | null;
}

export function renderDriftReport(i: DriftReportInput): string {
  const r = i.report;
  const verdict = r.drifted ? '<span class="badge bad">✗ DRIFT</span>' : '<span class="badge ok">✓ NO DRIFT</span>';
  const rows = [...r.features, ...(r.prediction ? [r.prediction] : [])];
  const table =
    '<table><thead><tr><th>feature</th><th>kind</th><th>PSI</th><th>JS</th><th>KS / χ² p</th><th>verdict</th></tr></thead><tbody>' +
    rows
      .map(
        (f) =>
          `<tr><td>${esc(f.name)}</td><td>${f.kind}</td><td>${num(f.psi)}</td><td>${num(f.js)}</td><td>${num(f.ksPValue ?? f.chi2PValue ?? null, true)}</td><td>${f.drifted ? '✗ drifted' : '✓'} <span class="sub">${esc(f.reasons.join('; '))}</span></td></tr>`,
      )
      .join('') +
    '</tbody></table>';
  const perf = i.performance
    ? `<p>${esc(i.performance.metric)}: ${i.performance.current.toFixed(4)} on ${i.performance.labelled} labelled predictions vs ${i.performance.baseline.toFixed(4)} at evaluation — ${i.performance.degraded ? '✗ degraded' : '✓ holding'}</p>`
    : '<p class="sub">No ground truth for this window yet.</p>';
  const charts = rows.map((f) => chartFor(f, i.profile, i.acc)).filter(Boolean).join('');
  const body = [
    card('Summary', `<p>${esc(r.summary)}</p><p class="sub">window ${esc(i.source)}: ${i.since.toISOString()} – ${i.until.toISOString()} · ${r.sampleSize} rows (minimum ${r.minSamples})</p>`),
    card('Performance', perf),
    card('Features', table),
    card('Distributions: reference (grey) vs current (blue)', `<div class="grid">${charts}</div>`),
  ].join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Drift report — ${esc(i.modelName)} v${i.modelVersion}</title><style>${REPORT_CSS}</style></head><body><header><h1>Drift report — ${esc(i.modelName)} v${i.modelVersion}</h1>${verdict}</header>${body}</body></html>`;
}

function chartFor(f: FeatureDrift, profile: DriftProfile, acc: DriftAccumulator): string {
  const ref = f.name === profile.prediction?.name ? profile.prediction : profile.features.find((p) => p.name === f.name);
  if (!ref) return '';
  let state;
  try {
    state = f.name === profile.prediction?.name ? acc.prediction() : acc.feature(f.name);
  } catch {
    return '';
  }
  if (!state) return '';
  const { labels, reference, current } = binsOf(ref, state as unknown as { binCounts?: Float64Array; counts?: Float64Array });
  return `<figure>${overlaid(f.name, labels, reference, current)}</figure>`;
}

function binsOf(ref: FeatureProfile, state: { binCounts?: Float64Array; counts?: Float64Array }) {
  if (ref.kind === 'numeric') {
    const e = ref.edges;
    const labels = ['≤ ' + short(e[0]), ...e.slice(1).map((x, j) => `${short(e[j])}–${short(x)}`), '> ' + short(e[e.length - 1])];
    return { labels, reference: shares(ref.binCounts), current: shares(Array.from(state.binCounts ?? [])) };
  }
  return { labels: ref.levels, reference: shares(ref.counts), current: shares(Array.from(state.counts ?? [])) };
}

function overlaid(title: string, labels: string[], reference: number[], current: number[]): string {
  const W = 360;
  const H = 200;
  const M = { left: 36, right: 8, top: 24, bottom: 44 };
  const n = Math.max(1, labels.length);
  const max = Math.max(1e-9, ...reference, ...current);
  const bw = (W - M.left - M.right) / n;
  const y = (v: number) => H - M.bottom - (v / max) * (H - M.top - M.bottom);
  const bars = labels
    .map((label, j) => {
      const x = M.left + j * bw;
      const w = Math.max(1, bw / 2 - 1);
      return (
        `<rect x="${x + 1}" y="${y(reference[j] ?? 0)}" width="${w}" height="${H - M.bottom - y(reference[j] ?? 0)}" fill="${COLORS.reference}"><title>${esc(label)}: reference ${pct(reference[j])}</title></rect>` +
        `<rect x="${x + 1 + w}" y="${y(current[j] ?? 0)}" width="${w}" height="${H - M.bottom - y(current[j] ?? 0)}" fill="${COLORS.candidate}"><title>${esc(label)}: current ${pct(current[j])}</title></rect>` +
        (n <= 12 ? `<text x="${x + bw / 2}" y="${H - M.bottom + 12}" class="tick" text-anchor="end" transform="rotate(-35 ${x + bw / 2} ${H - M.bottom + 12})">${esc(label.slice(0, 14))}</text>` : '')
      );
    })
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img"><text x="${W / 2}" y="14" class="chart-title" text-anchor="middle">${esc(title)}</text><line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" class="axis"/>${bars}<text x="4" y="${M.top + 4}" class="tick">${pct(max)}</text></svg>`;
}

function shares(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let j = 0; j < counts.length; j++) total += counts[j];
  return Array.from(counts, (c) => (total ? c / total : 0));
}

function short(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

function pct(v: number | undefined): string {
  return `${((v ?? 0) * 100).toFixed(1)}%`;
}

function num(v: number | null | undefined, p = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return p && v < 1e-3 ? v.toExponential(2) : v.toFixed(4);
}
