/**
 * Python steps: their work runs on a Python worker (its own task queue), so the pipeline worker does the two
 * halves around it. prepare: the step cache (a hit skips Python altogether) and the input table as Parquet in the
 * artifact store; adopt: the Python worker's output recorded as runStep would (dataset version, lineage, step row).
 */
import { decodeTable } from '../../data/codec';
import { DataError } from '../../data/errors';
import { readParquet } from '../../data/parquet';
import { writeParquet } from '../../data/parquetWrite';
import type { Table } from '../../data/table';
import type { TableRef, UserStepInput, UserStepPlan, UserStepResult } from '../../contract/steps';
import type { IngestResult, StepContext, TrainResult } from '../../contract/types';
import type { StageDeps } from '../deps';
import { BadInputError } from '../errors';
import { indexArtifact } from '../records';
import { loadSpec } from '../specStore';
import { beginStep, failStep, findStep, finishStep, stepKey } from '../stepRunner';
import { adoptTable, transformKey, type TransformResult } from './transform';

export type PreparedStep = { cached: TransformResult; input?: undefined } | { cached?: undefined; input: UserStepInput; key: string; startedMs: number };

export async function preparePythonStep(deps: StageDeps, ctx: StepContext, plan: UserStepPlan, table: IngestResult): Promise<PreparedStep> {
  const spec = await loadSpec(deps.store, ctx.specHash);
  // Uncached without a declared version: Bosun cannot see when Python code changes (docs/custom-steps.md).
  const key = plan.codeHash ? stepKey(ctx, plan.name, transformKey(plan, table, spec.seed), { codeHash: plan.codeHash }) : `uncached:${ctx.runId}`;
  if (plan.codeHash && plan.kind === 'transform') {
    const done = await findStep<TransformResult>(deps.db, ctx, plan.name, key);
    if (done) return { cached: done };
  }
  const startedMs = await beginStep(deps.db, ctx, plan.name, key);
  const ref = await tableAsParquet(deps, decodeTable(await deps.store.get(table.tableHash)));
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

/**
 * INTEGRATION POINT (ONNX registration, src/ml/onnx, another engineer's): a Python train step's ONNX model is
 * registered as the run's model version through that module. Until it lands this refuses the step with the
 * reason, so a pipeline with a Python train step fails at train, clearly, instead of half-registering a model.
 */
export async function registerPythonModel(_deps: StageDeps, _ctx: StepContext, plan: UserStepPlan, result: UserStepResult): Promise<TrainResult> {
  if (result.kind !== 'train') throw new BadInputError(`step "${plan.name}" (${plan.entry}) is a train step but returned a ${result.kind} result`);
  throw new BadInputError(`step "${plan.name}": registering ONNX models from Python train steps is not available in this Bosun build yet (src/ml/onnx); use the built-in model for now`);
}

/** The table the step reads, as Parquet in the artifact store (what the Python worker reads). */
async function tableAsParquet(deps: StageDeps, table: Table): Promise<TableRef> {
  const ref = await deps.store.put(writeParquet(table));
  await indexArtifact(deps.db, ref, 'dataset', 'application/vnd.apache.parquet');
  return { sha256: ref.hash, format: 'parquet', rows: table.nrows, columns: table.columns.length };
}
