/**
 * Validate: the spec's expectations (and sensible defaults) against the ingested table. Errors stop the run
 * with the readable report and are not retried; warnings are recorded and shown.
 */
import { searchMetricOf } from '../../ml/onnx/spec';
import { and, desc, eq, ne } from 'drizzle-orm';
import { decodeTable } from '../../data/codec';
import type { Schema } from '../../data/schema';
import { schemaOf } from '../../data/schema';
import { datasetVersions } from '../../db/schema';
import { renderValidationReport, validateTable } from '../../validation';
import type { IngestResult, StepContext, ValidateResult } from '../../contract/types';
import { hashOf } from '../canonical';
import type { StageDeps } from '../deps';
import { BadInputError } from '../errors';
import { indexArtifact } from '../records';
import { loadSpec } from '../specStore';
import { assertMetricsFit } from '../metricsFit';
import { runStep } from '../stepRunner';
import { resolveTask } from '../target';

export async function validateStage(deps: StageDeps, ctx: StepContext, ingested: IngestResult): Promise<ValidateResult> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  const previous = await previousSchema(deps, ingested.datasetVersionId);
  // The metrics named are checked against the task here, so they are part of the key.
  const metricsNamed = [spec.evaluation.metrics ?? [], spec.evaluation.primaryMetric ?? null, (spec.evaluation.gates ?? []).map((g) => g.metric), searchMetricOf(spec.model) ?? null];
  const key = hashOf('validate', ingested.tableHash, spec.validation ?? {}, spec.target, spec.task ?? null, spec.positiveClass ?? null, metricsNamed, previous);
  return runStep<ValidateResult>(deps.db, ctx, 'validate', key, async () => {
    const table = decodeTable(await deps.store.get(ingested.tableHash));
    const resolved = table.columns.some((c) => c.name === spec.target) ? safeTask(spec, table) : undefined;
    const kind = resolved && !(resolved instanceof Error) ? resolved.kind : undefined;
    const task = kind && (kind === 'regression' ? 'regression' : 'classification');
    const report = validateTable(table, schemaOf(table), spec.validation ?? {}, { target: spec.target, task, previousSchema: previous ?? undefined });
    const text = renderValidationReport(report);
    const ref = await deps.store.put(JSON.stringify({ ...report, text }));
    await indexArtifact(deps.db, ref, 'validation_report', 'application/json');
    if (!report.ok) throw new BadInputError(`validation failed:\n${text}`);
    // The target rules passed but the task still cannot be resolved (a categorical target with task
    // "regression", a positiveClass that is not a value…): say so now, not at a later stage.
    if (resolved instanceof Error) throw resolved;
    if (kind) assertMetricsFit(spec, kind);
    const summary = `${report.errors.length} errors, ${report.warnings.length} warnings${report.warnings.length ? `: ${report.warnings.map((w) => w.message).slice(0, 3).join('; ')}` : ''}`;
    return { ok: true, errors: 0, warnings: report.warnings.length, reportHash: ref.hash, summary };
  });
}

/** Schema of the latest earlier version of the same dataset, for the schema-change rule. */
async function previousSchema(deps: StageDeps, versionId: number): Promise<Schema | null> {
  const [me] = await deps.db.select().from(datasetVersions).where(eq(datasetVersions.id, versionId));
  const [prev] = await deps.db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, me.datasetId), ne(datasetVersions.id, versionId)))
    .orderBy(desc(datasetVersions.createdAt))
    .limit(1);
  return (prev?.schema as Schema | undefined) ?? null;
}

/** Target rules report a missing or single-class target themselves; don't fail before they can. */
function safeTask(spec: Parameters<typeof resolveTask>[0], table: Parameters<typeof resolveTask>[1]) {
  try {
    return resolveTask(spec, table);
  } catch (err) {
    if (err instanceof BadInputError) return err;
    throw err;
  }
}

