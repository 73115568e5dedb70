/**
 * Evaluate: the candidate's metrics on the untouched test split, the production model (champion) scored on
 * the very same rows through its own fitted features, slices with fairness gaps, permutation importance,
 * the gates' verdict, and a self-contained HTML report stored as an artifact.
 */
import { eq } from 'drizzle-orm';
import type { Table } from '../../data/table';
import { datasets, datasetVersions, evaluations, featureSets, modelVersions, runs } from '../../db/schema';
import { computeSlices, decide, defaultPrimaryMetric, permutationImportance, type Decision } from '../../evaluate';
import { metricScorer } from '../../evaluate/importance';
import { transformTable } from '../../features';
import { loadServedVersion } from '../../serving/servedVersion';
import { matrix } from '../../ml/matrix';
import { computeMetrics, type Metrics } from '../../ml/metrics';
import type { Model } from '../../ml/model';
import { createRng } from '../../ml/random';
import { deserializeModel } from '../../ml/serialize';
import { getAlias, type ModelVersion } from '../../registry/registry';
import { renderEvaluationReport } from '../../report';
import { renderModelCard, type SearchTrial } from '../../report/modelCard';
import { userStepsOfRun } from '../userSteps/records';
import type { PipelineSpec } from '../spec';
import { renderChecks } from '../../contract/checks';
import type { EvaluateResult, FeaturesResult, StepContext, TrainResult } from '../../contract/types';
import { hashOf } from '../canonical';
import type { StageDeps } from '../deps';
import { decodeDesign, type Design } from '../design';
import { indexArtifact, link } from '../records';
import { loadRawRows } from '../rawRows';
import { assertMetricsFit } from '../metricsFit';
import { loadSpec } from '../specStore';
import { runStep } from '../stepRunner';

/** Permutation importance on at most this many rows keeps evaluation quick on big holdouts. */
const IMPORTANCE_ROWS = 5000;

export async function evaluateStage(deps: StageDeps, ctx: StepContext, features: FeaturesResult, trained: TrainResult): Promise<EvaluateResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  const champion = await getAlias(deps.db, trained.modelName, 'production');
  const championVersion = champion && champion.version !== trained.version ? champion : null;
  const key = hashOf('evaluate', features.testHash, trained.artifactHash, championVersion?.artifactHash ?? null, spec.evaluation, spec.seed);
  return runStep<EvaluateResult>(deps.db, ctx, 'evaluate', key, async () => {
    const test = decodeDesign(await deps.store.get(features.testHash));
    assertMetricsFit(spec, test.task.kind);
    const model = deserializeModel((await deps.store.get(trained.artifactHash)).toString('utf8'));
    const preds = model.predict(test.X);
    const metrics = metricsOf(test, preds);
    const primary = spec.evaluation.primaryMetric ?? defaultPrimaryMetric(metrics);

    deps.progress?.({ stage: 'evaluate', step: 'champion' });
    const testTable = await loadRawRows(deps, features.featureSetId, test.rowIndex);
    const champ = championVersion ? await scoreChampion(deps, championVersion, testTable, test) : null;

    const slices = spec.evaluation.slices?.length ? computeSlices(testTable, test.y, preds, metrics.task, { columns: spec.evaluation.slices }) : undefined;
    const fairness = slices?.columns.map((c) => ({ column: c.column, gap: c.fairness }));
    const decision = decide({ metrics, fairness }, champ?.metrics ? { metrics: champ.metrics } : null, { ...spec.evaluation, primaryMetric: primary });
    if (champ?.problem) {
      decision.checks.push({ kind: 'note', metric: primary, value: null, limit: null, op: null, passed: true, message: `champion v${championVersion!.version} could not be compared: ${champ.problem}` });
    }
    const reasons = renderChecks(decision.checks);

    deps.progress?.({ stage: 'evaluate', step: 'importance' });
    const importance = importanceOf(test, model, primary, spec.seed);
    const classNames = test.task.kind === 'regression' ? undefined : test.task.classes;
    const html = renderEvaluationReport({
      metadata: {
        pipeline: ctx.pipeline,
        runId: ctx.runId,
        modelVersion: String(trained.version),
        championVersion: championVersion ? String(championVersion.version) : undefined,
        params: trained.params,
        seed: spec.seed,
        steps: await userStepsOfRun(deps.db, ctx.runId),
      },
      candidate: { label: `v${trained.version}`, metrics },
      champion: champ?.metrics ? { label: `champion v${championVersion!.version}`, metrics: champ.metrics } : null,
      classNames,
      decision,
      slices,
      importance,
      predictions: test.task.kind === 'regression' ? { yTrue: test.y, predicted: preds } : undefined,
    });
    const report = await deps.store.put(html);
    await indexArtifact(deps.db, report, 'report', 'text/html');
    const card = await deps.store.put(await modelCard(deps, ctx, spec, features, trained, test, metrics, primary, decision, importance.features.slice(0, 5).map((f) => f.feature)));
    await indexArtifact(deps.db, card, 'model_card', 'text/markdown');

    const scores = metrics.scores as Record<string, number>;
    const championScores = (champ?.metrics?.scores as Record<string, number> | undefined) ?? null;
    await deps.db
      .insert(evaluations)
      .values({
        runId: ctx.runId,
        modelVersionId: trained.modelVersionId,
        championVersionId: championVersion?.id ?? null,
        metrics: scores,
        championMetrics: championScores,
        blessed: decision.blessed,
        reasons,
        reportHash: report.hash,
      })
      .onConflictDoNothing();
    await link(deps.db, ['model_version', trained.modelVersionId], ['evaluation', ctx.runId], 'evaluated_in');
    return {
      blessed: decision.blessed,
      reasons,
      checks: decision.checks,
      metrics: finiteOnly(scores),
      championVersion: championVersion?.version ?? null,
      championMetrics: championScores && finiteOnly(championScores),
      reportHash: report.hash,
      modelCardHash: card.hash,
      primaryMetric: primary,
    };
  });
}

async function modelCard(
  deps: StageDeps,
  ctx: StepContext,
  spec: PipelineSpec,
  features: FeaturesResult,
  trained: TrainResult,
  test: Design,
  metrics: Metrics,
  primary: string,
  verdict: Decision,
  topFeatures: string[],
): Promise<string> {
  const [row] = await deps.db
    .select({ source: datasets.source, contentHash: datasetVersions.contentHash })
    .from(featureSets)
    .innerJoin(datasetVersions, eq(featureSets.datasetVersionId, datasetVersions.id))
    .innerJoin(datasets, eq(datasetVersions.datasetId, datasets.id))
    .where(eq(featureSets.id, features.featureSetId));
  const [run] = await deps.db.select({ codeVersion: runs.codeVersion }).from(runs).where(eq(runs.id, ctx.runId));
  const [version] = await deps.db.select({ metrics: modelVersions.metrics }).from(modelVersions).where(eq(modelVersions.id, trained.modelVersionId));
  return renderModelCard({
    pipeline: ctx.pipeline,
    description: spec.description,
    version: trained.version,
    runId: ctx.runId,
    algorithm: trained.algorithm ?? spec.model.algorithm,
    params: trained.params,
    seed: spec.seed,
    task: test.task.kind,
    classes: test.task.kind === 'regression' ? undefined : test.task.classes,
    dataSource: row?.source ?? 'unknown',
    datasetHash: row?.contentHash ?? '',
    trainRows: features.trainRows,
    testRows: features.testRows,
    featureNames: test.featureNames,
    metrics: metrics.scores as Record<string, number>,
    primaryMetric: primary,
    verdict,
    specHash: ctx.specHash,
    codeVersion: run?.codeVersion,
    topFeatures,
    search: (version?.metrics as { search?: SearchTrial[] } | null)?.search,
  });
}

function metricsOf(d: Design, preds: Float64Array): Metrics {
  return d.task.kind === 'regression' ? computeMetrics('regression', d.y, preds) : computeMetrics('classification', d.y, preds);
}

async function scoreChampion(deps: StageDeps, champion: ModelVersion, rows: Table, test: Design): Promise<{ metrics: Metrics | null; problem?: string }> {
  try {
    const { model, features: fitted } = await loadServedVersion(deps.db, deps.store, champion);
    if (JSON.stringify(model.task) !== JSON.stringify(test.task)) return { metrics: null, problem: 'it predicts a different task or class set' };
    return { metrics: metricsOf(test, model.predict(transformTable(fitted, rows))) };
  } catch (err) {
    return { metrics: null, problem: (err as Error).message };
  }
}

function importanceOf(test: Design, model: Model, primary: ReturnType<typeof defaultPrimaryMetric>, seed: number) {
  const rows = Math.min(test.X.rows, IMPORTANCE_ROWS);
  const X = rows === test.X.rows ? test.X : matrix(rows, test.X.cols, test.X.data.slice(0, rows * test.X.cols));
  const y = test.y.subarray(0, rows);
  const scorer = metricScorer(primary);
  const rng = createRng(seed);
  return permutationImportance({ X, y, predict: (m) => model.predict(m), score: scorer.score, higherIsBetter: scorer.higherIsBetter, rand: () => rng.next(), nRepeats: 3, featureNames: test.featureNames });
}

/** Temporal payloads are JSON: NaN would arrive as null, so leave undefined metrics out. */
function finiteOnly(scores: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(scores).filter(([, v]) => Number.isFinite(v)));
}
