/**
 * One drift check of a deployed model: stream the current window (the prediction log, or a new dataset)
 * through the reference profile stored with the production version, judge it with the pipeline's drift
 * policy, measure performance where ground truth has arrived, and store the report (database + HTML).
 * Memory is bounded: the log is read in keyset pages and the accumulator keeps fixed-size state.
 */
import { and, eq, gt, gte, isNull, lte } from 'drizzle-orm';
import { readTable } from '../data/read';
import { driftReports, evaluations, labels, predictionLog, runs } from '../db/schema';
import { parseDriftProfile } from '../drift/profile';
import { assessDrift, parseDriftPolicy, type DriftReport } from '../drift/policy';
import { DriftAccumulator } from '../drift/window';
import { instancesToTable, transformTable, type FittedFeatures } from '../features';
import { defaultPrimaryMetricFor } from '../evaluate/gates';
import { computeMetrics, higherIsBetter, isMetricName, type MetricName } from '../ml/metrics';
import type { Task } from '../ml/task';
import { BadInputError } from '../pipeline/errors';
import type { StageDeps } from '../pipeline/deps';
import { fetchSource } from '../pipeline/sources';
import { loadSpec } from '../pipeline/specStore';
import type { PipelineSpec } from '../pipeline/spec';
import { getAlias, type ModelVersion } from '../registry/registry';
import { loadServedVersion } from '../serving/servedVersion';
import { signalFromLogged, signalFromMatrix } from './predictionSignal';
import { renderDriftReport } from './driftReportHtml';

const PAGE = 5000;
const MAX_LABELLED = 200_000;

export interface DriftCheckInput {
  modelName: string;
  /** The check's own id (its workflow id): the report is written once per check. */
  checkId: string;
  /** Look back this far in the prediction log, e.g. "24h" (default: the spec's monitor.window). */
  window?: string;
  /** Check this dataset instead of the prediction log. */
  dataUri?: string;
  /** Window end (ISO); default now. */
  until?: string;
}

export interface PerformanceCheck {
  metric: MetricName;
  baseline: number;
  current: number;
  labelled: number;
  degraded: boolean;
}

export interface DriftCheckResult {
  reportId: number;
  modelName: string;
  modelVersion: number;
  sampleSize: number;
  enoughSamples: boolean;
  drifted: boolean;
  driftedFeatures: string[];
  /** Per feature (and "__prediction__"): the statistics dashboards chart. */
  featureScores: Array<{ name: string; psi: number | null; js: number | null; drifted: boolean }>;
  predictionDrift: boolean;
  performance: PerformanceCheck | null;
  summary: string;
  reportHash: string;
  specHash: string;
}

export async function runDriftCheck(deps: StageDeps, input: DriftCheckInput): Promise<DriftCheckResult> {
  const production = await getAlias(deps.db, input.modelName, 'production');
  if (!production) throw new BadInputError(`model "${input.modelName}" has no production version to check; deploy one first`);
  const [existing] = await deps.db.select().from(driftReports).where(eq(driftReports.checkId, input.checkId));
  if (existing) return existing.report as DriftCheckResult; // a retried activity: the report is already written

  if (!production.profileHash) throw new BadInputError(`model "${input.modelName}" v${production.version} has no reference profile (trained before profiles existed); retrain it`);
  const profile = parseDriftProfile(JSON.parse((await deps.store.get(production.profileHash)).toString('utf8')));
  const [run] = await deps.db.select().from(runs).where(eq(runs.id, production.runId));
  const spec = await loadSpec(deps.store, run.specHash);
  const policy = parseDriftPolicy(spec.monitor.drift ?? {});
  const { model, features: fitted } = await loadServedVersion(deps.db, deps.store, production);

  const until = input.until ? new Date(input.until) : new Date();
  const since = new Date(until.getTime() - durationMs(input.window ?? spec.monitor.window));
  const acc = new DriftAccumulator(profile, { seed: 0 });
  const featureNames = profile.features.map((f) => f.name);
  let performance: PerformanceCheck | null = null;
  if (input.dataUri) {
    const source = await fetchSource(input.dataUri, deps);
    const table = await readTable(source.bytes, { fileName: source.fileName, format: source.format ?? 'auto' });
    requireColumns(table.columns.map((c) => c.name), featureNames, input.dataUri);
    acc.addTable(table);
    acc.addPredictions(signalFromMatrix(model.task, model.predict(transformTable(fitted, table))));
  } else {
    await streamWindow(deps, production, fitted, model.task, since, until, acc);
    performance = await checkPerformance(deps, production, model.task, spec, since, until, policy.minSamples);
  }

  const report = assessDrift(profile, acc, policy);
  const drifted = report.drifted || (performance?.degraded ?? false);
  const summary = performance?.degraded ? `${report.summary}; ${performance.metric} fell from ${performance.baseline.toFixed(4)} to ${performance.current.toFixed(4)}` : report.summary;
  const html = renderDriftReport({ modelName: input.modelName, modelVersion: production.version, since, until, source: input.dataUri ?? 'prediction log', profile, acc, report, performance });
  const reportRef = await deps.store.put(html);
  const result: Omit<DriftCheckResult, 'reportId'> = {
    modelName: input.modelName,
    modelVersion: production.version,
    sampleSize: report.sampleSize,
    enoughSamples: report.enoughSamples,
    drifted,
    driftedFeatures: report.driftedFeatures,
    featureScores: [...report.features, ...(report.prediction ? [report.prediction] : [])].map((f) => ({
      name: f.name,
      psi: finiteOrNull(f.psi),
      js: finiteOrNull(f.js),
      drifted: f.drifted,
    })),
    predictionDrift: report.prediction?.drifted ?? false,
    performance,
    summary,
    reportHash: reportRef.hash,
    specHash: run.specHash,
  };
  const [row] = await deps.db
    .insert(driftReports)
    .values({
      modelName: input.modelName,
      modelVersion: production.version,
      checkId: input.checkId,
      windowStart: input.dataUri ? null : since,
      windowEnd: input.dataUri ? null : until,
      sampleSize: report.sampleSize,
      drifted,
      report: { ...result, details: jsonSafe(report) },
      reportHash: reportRef.hash,
    })
    .onConflictDoNothing()
    .returning({ id: driftReports.id });
  const id = row?.id ?? (await deps.db.select().from(driftReports).where(eq(driftReports.checkId, input.checkId)))[0].id;
  return { ...result, reportId: id };
}

/** Reads the logged, answered (not shadow, not failed) predictions of this version in keyset pages. */
async function streamWindow(deps: StageDeps, version: ModelVersion, fitted: FittedFeatures, task: Task, since: Date, until: Date, acc: DriftAccumulator) {
  let lastId = 0;
  for (;;) {
    const page = await deps.db
      .select({ id: predictionLog.id, features: predictionLog.features, output: predictionLog.output })
      .from(predictionLog)
      .where(
        and(
          eq(predictionLog.modelName, version.modelName),
          eq(predictionLog.modelVersion, version.version),
          eq(predictionLog.shadow, false),
          isNull(predictionLog.error),
          gte(predictionLog.createdAt, since),
          lte(predictionLog.createdAt, until),
          gt(predictionLog.id, lastId),
        ),
      )
      .orderBy(predictionLog.id)
      .limit(PAGE);
    if (page.length === 0) return;
    lastId = page[page.length - 1].id;
    acc.addTable(instancesToTable(fitted, page.map((r) => r.features)));
    acc.addPredictions(signalFromLogged(task, page.map((r) => r.output)));
    deps.progress?.({ stage: 'drift', rows: acc.rows });
  }
}

/** Where labels have arrived for the window's predictions: the primary metric now vs at evaluation. */
async function checkPerformance(deps: StageDeps, version: ModelVersion, task: Task, spec: PipelineSpec, since: Date, until: Date, minSamples: number): Promise<PerformanceCheck | null> {
  const [evaluation] = await deps.db.select().from(evaluations).where(eq(evaluations.modelVersionId, version.id));
  if (!evaluation) return null;
  const rows = await deps.db
    .select({ output: predictionLog.output, label: labels.label })
    .from(predictionLog)
    .innerJoin(labels, eq(labels.requestId, predictionLog.requestId))
    .where(and(eq(predictionLog.modelName, version.modelName), eq(predictionLog.modelVersion, version.version), eq(predictionLog.shadow, false), gte(predictionLog.createdAt, since), lte(predictionLog.createdAt, until)))
    .limit(MAX_LABELLED);
  if (rows.length < Math.min(minSamples, 100)) return null;
  const baselineScores = evaluation.metrics as Record<string, number>;
  const metric = (spec.evaluation.primaryMetric ?? defaultPrimaryMetricFor(task.kind)) as MetricName;
  if (!isMetricName(metric) || baselineScores[metric] === undefined) return null;
  let current: number;
  if (task.kind === 'regression') {
    const y = Float64Array.from(rows, (r) => Number(r.label));
    const p = Float64Array.from(rows, (r) => Number(r.output));
    current = (computeMetrics('regression', y, p).scores as Record<string, number>)[metric];
  } else {
    const k = task.classes.length;
    const index = new Map(task.classes.map((c, i) => [c, i]));
    const kept = rows.filter((r) => index.has(String(r.label)));
    const y = Float64Array.from(kept, (r) => index.get(String(r.label))!);
    const p = new Float64Array(kept.length * k);
    kept.forEach((r, i) => {
      const probs = (r.output as { probabilities?: Record<string, number> }).probabilities ?? {};
      task.classes.forEach((c, j) => (p[i * k + j] = probs[c] ?? 0));
    });
    current = (computeMetrics('classification', y, p).scores as Record<string, number>)[metric];
  }
  const baseline = baselineScores[metric];
  const drop = higherIsBetter(metric) ? baseline - current : current - baseline;
  const limit = spec.monitor.maxPerformanceDrop;
  return { metric, baseline, current, labelled: rows.length, degraded: Number.isFinite(current) && drop > limit * Math.max(1, Math.abs(baseline)) };
}

function requireColumns(have: string[], need: string[], where: string) {
  const missing = need.filter((n) => !have.includes(n));
  if (missing.length) throw new BadInputError(`${where}: lacks the model's input column(s) ${missing.join(', ')}`);
}

export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new BadInputError(`"${text}" is not a duration; write e.g. "30m", "24h" or "7d"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Reports go into jsonb: NaN and Infinity are not JSON. */
function jsonSafe(report: DriftReport): unknown {
  return JSON.parse(JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
}
