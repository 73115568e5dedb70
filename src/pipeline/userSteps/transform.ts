/**
 * Transform steps inside Bosun: each one's output table becomes a dataset version of its own (derived from
 * the version it read), so validation, features and lineage treat it like ingested data; the step itself is a
 * lineage node between the two (kind "step", id "<run>/<step>"), and its code hash is in its recorded output.
 */
import { and, eq } from 'drizzle-orm';
import { decodeTable, encodeTable } from '../../data/codec';
import { schemaOf } from '../../data/schema';
import { tableStatsThreaded } from '../../data/stats-parallel';
import type { Table } from '../../data/table';
import { datasets, datasetVersions } from '../../db/schema';
import type { StepLayout, StepRuntime, UserStepOutcome, UserStepPlan } from '../../contract/steps';
import type { IngestResult, StepContext } from '../../contract/types';
import { hashOf } from '../canonical';
import type { StageDeps } from '../deps';
import { indexArtifact, link } from '../records';
import { loadSpec } from '../specStore';
import { runStep } from '../stepRunner';
import type { StepRegistry } from './registry';
import { isPythonStep } from './spec';
import { assertTable } from './table';

/** A transform's result: the dataset version of its output, passed on as ingest's result is. */
export type TransformResult = IngestResult & UserStepOutcome;

/** The run's user steps (from the stored spec) and the task queues this worker's configuration names. */
export async function planSteps(deps: StageDeps, ctx: StepContext): Promise<StepLayout> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  const steps = (spec.steps ?? []).map((s): UserStepPlan => {
    if (isPythonStep(s)) return { name: s.name, kind: s.kind, runtime: 'python', entry: s.python, ...(s.version ? { codeHash: hashOf('python', s.python, s.version) } : {}), ...(s.params ? { params: s.params } : {}) };
    return { name: s.name, kind: s.kind, runtime: 'typescript', entry: s.name, ...(s.codeHash ? { codeHash: s.codeHash } : {}), ...(s.params ? { params: s.params } : {}) };
  });
  const t = deps.config.temporal;
  return { steps, queues: { training: t.trainingTaskQueue && t.trainingTaskQueue !== t.taskQueue ? t.trainingTaskQueue : null, python: t.pythonTaskQueue } };
}

/** The cache key of a transform: its input table, params and the seed; the code hash is added by runStep. */
export function transformKey(plan: UserStepPlan, input: IngestResult, seed: number): string {
  return hashOf('user-transform', plan.runtime, plan.entry, input.tableHash, plan.params ?? null, seed);
}

/** A TypeScript transform, run here on the pipeline worker with the code it registered. */
export async function typescriptTransform(deps: StageDeps, registry: StepRegistry, ctx: StepContext, plan: UserStepPlan, input: IngestResult): Promise<TransformResult> {
  const code = registry.resolve(ctx.pipeline, plan);
  const spec = await loadSpec(deps.store, ctx.specHash);
  return runStep<TransformResult>(
    deps.db,
    ctx,
    plan.name,
    transformKey(plan, input, spec.seed),
    async () => {
      deps.progress?.({ stage: plan.name, step: 'running' });
      const table = decodeTable(await deps.store.get(input.tableHash));
      const out: unknown = await code.run(table, { runId: ctx.runId, pipeline: ctx.pipeline, step: plan.name, params: plan.params ?? {}, seed: spec.seed });
      assertTable(plan.name, out);
      return adoptTable(deps, ctx, plan, input, out, { runtime: 'typescript', codeHash: code.codeHash });
    },
    { codeHash: code.codeHash },
  );
}

/** Stores a step's output table as a dataset version derived from its input, with lineage edges through the step. */
export async function adoptTable(
  deps: StageDeps,
  ctx: StepContext,
  plan: UserStepPlan,
  input: IngestResult,
  table: Table,
  code: { runtime: StepRuntime; codeHash: string | null },
): Promise<Omit<TransformResult, 'cached'>> {
  const ref = await deps.store.put(encodeTable(table));
  await indexArtifact(deps.db, ref, 'dataset', 'application/x-bosun-table');
  const source = await derivedSource(deps, ctx, plan, input);
  const statistics = await tableStatsThreaded(table);
  const version = await deps.db.transaction(async (tx) => {
    await tx.insert(datasets).values({ source }).onConflictDoNothing();
    const [ds] = await tx.select().from(datasets).where(eq(datasets.source, source));
    // A derived version is named by its own content: the same output from edited code is the same version.
    await tx
      .insert(datasetVersions)
      .values({ datasetId: ds.id, contentHash: ref.hash, tableHash: ref.hash, rows: table.nrows, schema: schemaOf(table), statistics })
      .onConflictDoNothing();
    const [v] = await tx.select().from(datasetVersions).where(and(eq(datasetVersions.datasetId, ds.id), eq(datasetVersions.contentHash, ref.hash)));
    return v;
  });
  const node: [string, string] = ['step', `${ctx.runId}/${plan.name}`];
  await link(deps.db, ['dataset_version', input.datasetVersionId], node, 'input_of');
  await link(deps.db, node, ['dataset_version', version.id], 'produced');
  return {
    datasetVersionId: version.id,
    tableHash: ref.hash,
    contentHash: ref.hash,
    rows: table.nrows,
    columns: table.columns.length,
    step: plan.name,
    runtime: code.runtime,
    codeHash: code.codeHash,
    inputTableHash: input.tableHash,
  };
}

/** "step:<pipeline>/<step> of <the input's source>": one dataset per step and input, its versions by content. */
async function derivedSource(deps: StageDeps, ctx: StepContext, plan: UserStepPlan, input: IngestResult): Promise<string> {
  const [parent] = await deps.db
    .select({ source: datasets.source })
    .from(datasetVersions)
    .innerJoin(datasets, eq(datasetVersions.datasetId, datasets.id))
    .where(eq(datasetVersions.id, input.datasetVersionId));
  return `step:${ctx.pipeline}/${plan.name} of ${parent?.source ?? `dataset version ${input.datasetVersionId}`}`;
}
