/**
 * Python steps: their work runs on a Python worker (its own task queue), so the pipeline worker does the two
 * halves around it. prepare: the step cache (a hit skips Python altogether) and the input table as Parquet in the
 * artifact store; adopt: the Python worker's output recorded as runStep would (dataset version, lineage, step row).
 */
import { decodeTable } from '../../data/codec';
import { DataError } from '../../data/errors';
import { readParquet } from '../../data/parquet';
import { writeParquet } from '../../data/parquetWrite';
import { getColumn, takeRows, type Column, type Table } from '../../data/table';
import type { TableRef, UserStepInput, UserStepPlan, UserStepResult } from '../../contract/steps';
import type { FeaturesResult, IngestResult, StepContext, TrainResult } from '../../contract/types';
import { decodeDesign } from '../design';
import { registerOnnxModel } from '../stages/train';
import type { StageDeps } from '../deps';
import { BadInputError } from '../errors';
import { indexArtifact } from '../records';
import { loadSpec } from '../specStore';
import { beginStep, failStep, findStep, finishStep, stepKey } from '../stepRunner';
import { adoptTable, transformKey, type TransformResult } from './transform';

export type PreparedStep = { cached: TransformResult; input?: undefined } | { cached?: undefined; input: UserStepInput; key: string; startedMs: number };

/**
 * `features`: for a train step, the run's fitted training rows. The step gets them as a table (the feature
 * columns as the model will be fed them at evaluation and serving, plus the target's own labels), never the
 * test rows, so evaluation stays honest and the ONNX model binds to the run's features.
 */
export async function preparePythonStep(deps: StageDeps, ctx: StepContext, plan: UserStepPlan, table: IngestResult, features?: FeaturesResult | null): Promise<PreparedStep> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  // Uncached without a declared version: Bosun cannot see when Python code changes (docs/custom-steps.md).
  const key = plan.codeHash ? stepKey(ctx, plan.name, transformKey(plan, table, spec.seed), { codeHash: plan.codeHash }) : `uncached:${ctx.runId}`;
  if (plan.codeHash && plan.kind === 'transform') {
    const done = await findStep<TransformResult>(deps.db, ctx, plan.name, key);
    if (done) return { cached: done };
  }
  const startedMs = await beginStep(deps.db, ctx, plan.name, key);
  const source = decodeTable(await deps.store.get(table.tableHash));
  const ref = await tableAsParquet(deps, plan.kind === 'train' && features ? await trainingTable(deps, source, features, spec.target) : source);
  const input: UserStepInput = {
    runId: ctx.runId,
    pipeline: ctx.pipeline,
    step: plan.name,
    kind: plan.kind,
    entry: plan.entry,
    codeHash: plan.codeHash ?? '',
    table: ref,
    ...(plan.kind === 'train' ? { target: spec.target, ...(spec.positiveClass ? { positiveClass: spec.positiveClass } : {}) } : {}),
    ...(plan.params ? { params: plan.params } : {}),
    seed: spec.seed,
  };
  return { input, key, startedMs };
}

/** Records a Python transform's output table as the step's result. */
export async function adoptPythonTransform(deps: StageDeps, ctx: StepContext, plan: UserStepPlan, table: IngestResult, prepared: { key: string; startedMs: number }, result: UserStepResult): Promise<TransformResult> {
  try {
    if (result.kind !== 'transform') throw new BadInputError(`step "${plan.name}" (${plan.entry}) is a transform but returned a ${result.kind} result`);
    const bytes = await deps.store.get(result.table.sha256);
    let out: Table;
    try {
      out = await readParquet(bytes);
    } catch (err) {
      if (err instanceof DataError) throw new BadInputError(`step "${plan.name}" (${plan.entry}) returned a table Bosun cannot read: ${err.message}`);
      throw err;
    }
    const output = await adoptTable(deps, ctx, plan, table, out, { runtime: 'python', codeHash: result.codeHash ?? plan.codeHash ?? null });
    await finishStep(deps.db, ctx, plan.name, prepared.key, output, prepared.startedMs);
    return { ...output, cached: false };
  } catch (err) {
    await failStep(deps.db, ctx, plan.name, prepared.startedMs, err);
    throw err;
  }
}

/** A Python train step's ONNX model, registered as the run's model version (the same checks as a spec's ONNX file). */
export async function registerPythonModel(deps: StageDeps, ctx: StepContext, plan: UserStepPlan, features: FeaturesResult, prepared: { key: string; startedMs: number }, result: UserStepResult): Promise<TrainResult> {
  try {
    if (result.kind !== 'train') throw new BadInputError(`step "${plan.name}" (${plan.entry}) is a train step but returned a ${result.kind} result`);
    const spec = await loadSpec(deps.store, ctx.specHash);
    const trained = await registerOnnxModel(deps, ctx, features, { onnx: result.onnx, framework: result.framework, inputs: result.inputs, classes: result.classes, params: { ...(result.params ?? {}), step: plan.name, entry: plan.entry }, seed: spec.seed });
    const output = { ...trained, step: plan.name, runtime: 'python' as const, codeHash: result.codeHash ?? plan.codeHash ?? null };
    await finishStep(deps.db, ctx, plan.name, prepared.key, output, prepared.startedMs);
    return { ...trained, cached: false };
  } catch (err) {
    await failStep(deps.db, ctx, plan.name, prepared.startedMs, err);
    throw err;
  }
}

/** The fitted training rows as a table: one numeric column per feature (as the design has it) and the target's labels. */
async function trainingTable(deps: StageDeps, source: Table, features: FeaturesResult, target: string): Promise<Table> {
  const design = decodeDesign(await deps.store.get(features.trainHash));
  const { rows, cols, data } = design.X;
  const columns: Column[] = design.featureNames.map((name, j) => {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = data[i * cols + j];
    return { name, type: 'numeric', values };
  });
  const labels = takeRows({ nrows: source.nrows, columns: [getColumn(source, target)] }, design.rowIndex).columns[0];
  return { nrows: rows, columns: [...columns, labels] };
}

/** The table the step reads, as Parquet in the artifact store (what the Python worker reads). */
async function tableAsParquet(deps: StageDeps, table: Table): Promise<TableRef> {
  const ref = await deps.store.put(writeParquet(table));
  await indexArtifact(deps.db, ref, 'dataset', 'application/vnd.apache.parquet');
  return { sha256: ref.hash, format: 'parquet', rows: table.nrows, columns: table.columns.length };
}
