/**
 * Small inline-SVG chart helpers. The report must open anywhere (artifact store, email attachment, offline),
 * so charts are static SVG strings: no JavaScript, no CDN, no fonts to fetch.
 */
import { esc, truncate } from './escape';

export const COLORS = { candidate: '#2563eb', champion: '#ea580c', reference: '#9ca3af', grid: '#e5e7eb', axis: '#6b7280' };

const W = 440;
const H = 330;
const M = { left: 56, right: 16, top: 34, bottom: 46 };

type Scale = (v: number) => number;

function scale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Round tick steps (1, 2, 5 × 10ⁿ) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function formatTick(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

/** Domain padded a little so points do not sit on the frame. */
export function extent(values: ArrayLike<number>, pad = 0.04): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

function open(title: string, width = W, height = H): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" class="chart" role="img" aria-label="${esc(title)}">` +
    `<title>${esc(title)}</title>` +
    `<text x="${width / 2}" y="20" class="chart-title" text-anchor="middle">${esc(title)}</text>`
  );
}

interface Frame {
  x: Scale;
  y: Scale;
  body: string;
}

function frame(xDomain: [number, number], yDomain: [number, number], xLabel: string, yLabel: string): Frame {
  const x = scale(xDomain, [M.left, W - M.right]);
  const y = scale(yDomain, [H - M.bottom, M.top]);
  const parts: string[] = [];
  for (const t of niceTicks(...xDomain)) {
    const px = x(t).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${M.top}" y2="${H - M.bottom}" class="grid"/>`);
    parts.push(`<text x="${px}" y="${H - M.bottom + 14}" class="tick" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of niceTicks(...yDomain)) {
    const py = y(t).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" class="grid"/>`);
    parts.push(`<text x="${M.left - 6}" y="${py}" class="tick" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" class="plot-frame"/>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" class="axis-label" text-anchor="middle">${esc(xLabel)}</text>`);
  const cy = (M.top + H - M.bottom) / 2;
  parts.push(`<text x="14" y="${cy}" class="axis-label" text-anchor="middle" transform="rotate(-90 14 ${cy})">${esc(yLabel)}</text>`);
  return { x, y, body: parts.join('') };
}

export type LegendCorner = 'bottom-right' | 'top-right' | 'top-left' | 'bottom-left';

function legend(items: Array<{ name: string; color: string; dashed?: boolean }>, corner: LegendCorner): string {
  if (items.length === 0) return '';
  const width = 150;
  const x0 = corner.endsWith('right') ? W - M.right - width - 6 : M.left + 6;
  const y0 = corner.startsWith('top') ? M.top + 8 : H - M.bottom - 8 - items.length * 18;
  const rows = items.map((it, i) => {
    const y = y0 + 9 + i * 18;
    const dash = it.dashed ? ' stroke-dasharray="5 3"' : '';
    return (
      `<line x1="${x0 + 8}" x2="${x0 + 30}" y1="${y}" y2="${y}" stroke="${it.color}" stroke-width="2.5"${dash}/>` +
      `<text x="${x0 + 36}" y="${y}" class="legend" dominant-baseline="middle">${esc(truncate(it.name, 20))}</text>`
    );
  });
  return `<rect x="${x0}" y="${y0 - 2}" width="${width}" height="${items.length * 18 + 4}" class="legend-box"/>${rows.join('')}`;
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  dashed?: boolean;
  /** Step "post" (horizontal then vertical), as PR curves are drawn. */
  step?: boolean;
  markers?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** A dashed y = x reference line (chance ROC, perfect calibration). */
  diagonal?: boolean;
  /** A dashed horizontal reference line (PR baseline = positive rate). */
  hline?: { y: number; label: string };
  legendCorner?: LegendCorner;
}

export function lineChart(spec: LineChartSpec): string {
  const xDomain = spec.xDomain ?? extent(spec.series.flatMap((s) => Array.from(s.x)));
  const yDomain = spec.yDomain ?? extent(spec.series.flatMap((s) => Array.from(s.y)));
  const f = frame(xDomain, yDomain, spec.xLabel, spec.yLabel);
  const parts = [open(spec.title), f.body];
  if (spec.diagonal) {
    const lo = Math.max(xDomain[0], yDomain[0]);
    const hi = Math.min(xDomain[1], yDomain[1]);
    parts.push(`<line x1="${f.x(lo)}" y1="${f.y(lo)}" x2="${f.x(hi)}" y2="${f.y(hi)}" class="reference"/>`);
  }
  if (spec.hline && Number.isFinite(spec.hline.y)) {
    const py = f.y(spec.hline.y).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" class="reference"/>`);
    parts.push(`<text x="${M.left + 4}" y="${Number(py) - 4}" class="tick">${esc(spec.hline.label)}</text>`);
  }
  for (const s of spec.series) {
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) continue;
      const px = f.x(s.x[i]).toFixed(1);
      const py = f.y(s.y[i]).toFixed(1);
      if (s.step && pts.length > 0) pts.push(`${px},${pts[pts.length - 1].split(',')[1]}`);
      pts.push(`${px},${py}`);
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.2"${dash} stroke-linejoin="round"/>`);
    if (s.markers) {
      for (const p of pts) {
        const [cx, cy] = p.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="3.2" fill="${s.color}"/>`);
      }
    }
  }
  parts.push(legend(spec.series.map((s) => ({ name: s.name, color: s.color, dashed: s.dashed })), spec.legendCorner ?? 'bottom-right'));
  return `${parts.join('')}</svg>`;
}

export interface ScatterSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  /** y = x reference: perfect predictions. */
  diagonal?: boolean;
}

export function scatterChart(spec: ScatterSpec): string {
  // same domain on both axes so the diagonal is the 45° "perfect prediction" line
  const both = extent([...Array.from(spec.x), ...Array.from(spec.y)]);
  const f = frame(both, both, spec.xLabel, spec.yLabel);
  const parts = [open(spec.title), f.body];
  if (spec.diagonal) parts.push(`<line x1="${f.x(both[0])}" y1="${f.y(both[0])}" x2="${f.x(both[1])}" y2="${f.y(both[1])}" class="reference"/>`);
  const dots: string[] = [];
  for (let i = 0; i < spec.x.length; i++) {
    if (!Number.isFinite(spec.x[i]) || !Number.isFinite(spec.y[i])) continue;
    dots.push(`<circle cx="${f.x(spec.x[i]).toFixed(1)}" cy="${f.y(spec.y[i]).toFixed(1)}" r="2.2"/>`);
  }
  parts.push(`<g fill="${spec.color}" fill-opacity="0.45">${dots.join('')}</g>`);
  return `${parts.join('')}</svg>`;
}

export interface HistogramSpec {
  title: string;
  xLabel: string;
  values: ArrayLike<number>;
  bins?: number;
  color: string;
}

export function histogram(spec: HistogramSpec): string {
  const finite = Array.from(spec.values).filter(Number.isFinite);
  const bins = spec.bins ?? 30;
  const [lo, hi] = extent(finite, 0);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  const f = frame([lo, hi], [0, Math.max(1, ...counts) * 1.05], spec.xLabel, 'count');
  const bars = counts.map((c, b) => {
    const x0 = f.x(lo + b * width);
    const x1 = f.x(lo + (b + 1) * width);
    const y = f.y(c);
    return `<rect x="${x0.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, x1 - x0 - 1).toFixed(1)}" height="${(f.y(0) - y).toFixed(1)}"/>`;
  });
  const zero = lo <= 0 && hi >= 0 ? `<line x1="${f.x(0)}" x2="${f.x(0)}" y1="${M.top}" y2="${H - M.bottom}" class="reference"/>` : '';
  return `${open(spec.title)}${f.body}<g fill="${spec.color}" fill-opacity="0.8">${bars.join('')}</g>${zero}</svg>`;
}

export interface HeatmapSpec {
  title: string;
  rowLabel: string;
  colLabel: string;
  labels: string[];
  /** counts[row][col] */
  counts: number[][];
}

/** Colour by share of the row (recall view of a confusion matrix), text shows count and share. */
export function heatmap(spec: HeatmapSpec): string {
  const k = spec.labels.length;
  // same canvas as the other charts so that, side by side, their text renders at the same size
  const size = Math.min((H - M.top - 56) / Math.max(k, 1), 110);
  const left = Math.max(M.left + 30, (W - size * k) / 2);
  const top = M.top + 22;
  const parts = [open(spec.title)];
  const font = Math.max(7, Math.min(13, size / 4));
  spec.counts.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, c) => {
      const share = total === 0 ? 0 : count / total;
      const x = left + c * size;
      const y = top + r * size;
      const fill = `rgba(37, 99, 235, ${(0.06 + 0.88 * share).toFixed(3)})`;
      const text = share > 0.55 ? '#fff' : '#111827';
      const tip = esc(`true ${spec.labels[r]}, predicted ${spec.labels[c]}: ${count}`);
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(size - 2).toFixed(1)}" height="${(size - 2).toFixed(1)}" fill="${fill}" rx="3"><title>${tip}</title></rect>`);
      const cx = (x + size / 2 - 1).toFixed(1);
      const cy = y + size / 2 - 1;
      if (size > 40) {
        parts.push(`<text x="${cx}" y="${(cy - 7).toFixed(1)}" text-anchor="middle" dominant-baseline="middle" font-size="${font}" fill="${text}">${count}</text>`);
        parts.push(`<text x="${cx}" y="${(cy + 9).toFixed(1)}" text-anchor="middle" dominant-baseline="middle" font-size="${font - 3}" fill="${text}">${(share * 100).toFixed(1)}%</text>`);
      } else {
        parts.push(`<text x="${cx}" y="${cy.toFixed(1)}" text-anchor="middle" dominant-baseline="middle" font-size="${font}" fill="${text}">${count}</text>`);
      }
    });
  });
  const maxChars = Math.max(4, Math.floor(size / 6));
  spec.labels.forEach((label, i) => {
    const mid = (i * size + size / 2).toFixed(1);
    parts.push(`<text x="${left - 6}" y="${(top + i * size + size / 2).toFixed(1)}" class="tick" text-anchor="end" dominant-baseline="middle">${esc(truncate(label, 14))}<title>${esc(label)}</title></text>`);
    parts.push(`<text x="${(left + Number(mid)).toFixed(1)}" y="${top - 6}" class="tick" text-anchor="middle">${esc(truncate(label, maxChars))}<title>${esc(label)}</title></text>`);
  });
  const gridMid = left + (size * k) / 2;
  parts.push(`<text x="${gridMid}" y="${H - 12}" class="axis-label" text-anchor="middle">rows: ${esc(spec.rowLabel)} · columns: ${esc(spec.colLabel)}</text>`);
  return `${parts.join('')}</svg>`;
}

export interface BarChartSpec {
  title: string;
  xLabel: string;
  bars: Array<{ label: string; value: number; error?: number }>;
  color: string;
}

/** Horizontal bars with ± error whiskers; negative values extend left of zero. */
export function barChart(spec: BarChartSpec): string {
  // drawn across a full-width card, so a wider canvas keeps its text the size of the other charts' text
  const W = 880;
  const rowH = 22;
  const left = 170;
  const top = 40;
  const height = top + rowH * spec.bars.length + 46;
  const ends = spec.bars.flatMap((b) => [b.value - (b.error ?? 0), b.value + (b.error ?? 0), 0]);
  const [lo, hi] = extent(ends, 0.05);
  const x = scale([lo, hi], [left, W - M.right]);
  const parts = [open(spec.title, W, height)];
  for (const t of niceTicks(lo, hi, 4)) {
    parts.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top - 4}" y2="${top + rowH * spec.bars.length}" class="grid"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${top + rowH * spec.bars.length + 14}" class="tick" text-anchor="middle">${formatTick(t)}</text>`);
  }
  spec.bars.forEach((b, i) => {
    const y = top + i * rowH;
    const x0 = x(Math.min(0, b.value));
    const x1 = x(Math.max(0, b.value));
    parts.push(`<text x="${left - 6}" y="${y + rowH / 2}" class="tick" text-anchor="end" dominant-baseline="middle">${esc(truncate(b.label, 26))}<title>${esc(b.label)}</title></text>`);
    parts.push(`<rect x="${x0.toFixed(1)}" y="${y + 4}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${rowH - 8}" fill="${spec.color}" rx="2"/>`);
    const labelX = x(Math.max(b.value + (b.error ?? 0), 0)) + 6;
    parts.push(`<text x="${labelX.toFixed(1)}" y="${y + rowH / 2}" class="tick" dominant-baseline="middle">${formatTick(Number(b.value.toPrecision(3)))}</text>`);
    if (b.error) {
      const e0 = x(b.value - b.error).toFixed(1);
      const e1 = x(b.value + b.error).toFixed(1);
      const cy = y + rowH / 2;
      parts.push(`<path d="M${e0},${cy}H${e1}M${e0},${cy - 4}V${cy + 4}M${e1},${cy - 4}V${cy + 4}" stroke="#111827" stroke-width="1.2"/>`);
    }
  });
  parts.push(`<line x1="${x(0)}" x2="${x(0)}" y1="${top - 4}" y2="${top + rowH * spec.bars.length}" stroke="${COLORS.axis}"/>`);
  parts.push(`<text x="${(left + W - M.right) / 2}" y="${height - 10}" class="axis-label" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  return `${parts.join('')}</svg>`;
}
