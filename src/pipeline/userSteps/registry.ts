/**
 * The TypeScript steps a pipeline worker may run: the functions of the pipeline files it was started with
 * (BOSUN_PIPELINES), imported once at start. The worker never loads code named by a run: a run only says
 * which registered step it wants and which code (by hash) its submitter had, and the worker refuses a step it
 * does not have, or has in another version. This is Temporal's model (workers register the code they serve),
 * and it keeps code that nobody deployed off the workers.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { UserStepPlan } from '../../contract/steps';
import { readPipelineFile } from '../loadPipeline';
import { BadInputError } from '../errors';
import { stepCodeHash } from './codeHash';
import { isPythonStep, type StepSpecInput, type TransformFn } from './spec';

export interface RegisteredStep {
  pipeline: string;
  step: string;
  run: TransformFn;
  codeHash: string;
  /** The pipeline file it came from (shown in errors). */
  file: string;
}

/** A run asked for a TypeScript step this worker cannot run as asked. Not retried: another attempt is the same worker. */
export class StepCodeError extends BadInputError {
  override name = 'StepCodeUnavailable';
}

export class StepRegistry {
  private readonly byPipeline = new Map<string, Map<string, RegisteredStep>>();

  constructor(steps: RegisteredStep[] = []) {
    for (const s of steps) this.add(s);
  }

  add(s: RegisteredStep): void {
    let steps = this.byPipeline.get(s.pipeline);
    if (!steps) this.byPipeline.set(s.pipeline, (steps = new Map()));
    const other = steps.get(s.step);
    if (other && other.codeHash !== s.codeHash) throw new Error(`step "${s.step}" of pipeline "${s.pipeline}" is defined twice with different code (${other.file} and ${s.file}); give the worker one of them`);
    steps.set(s.step, s);
  }

  get pipelines(): string[] {
    return [...this.byPipeline.keys()].sort();
  }

  /** The step's code, or a StepCodeError saying which step is missing or different, and how to fix it. */
  resolve(pipeline: string, plan: UserStepPlan): RegisteredStep {
    const step = this.byPipeline.get(pipeline)?.get(plan.name);
    const fix = 'add the pipeline file to BOSUN_PIPELINES of the pipeline workers (e.g. BOSUN_PIPELINES=pipelines) and restart them; see docs/custom-steps.md';
    if (!step) {
      const has = this.byPipeline.size ? `it serves steps of: ${this.pipelines.join(', ')}` : 'it was started without BOSUN_PIPELINES';
      throw new StepCodeError(`step "${plan.name}" of pipeline "${pipeline}": this pipeline worker has no code for it (${has}); ${fix}`);
    }
    if (plan.codeHash && plan.codeHash !== step.codeHash) {
      throw new StepCodeError(
        `step "${plan.name}" of pipeline "${pipeline}": the worker runs other code than the pipeline that was submitted (worker: ${step.file}, code sha256 ${step.codeHash.slice(0, 12)}…; submitted: ${plan.codeHash.slice(0, 12)}…); restart the pipeline workers so they load the edited file, or submit the version they serve`,
      );
    }
    return step;
  }
}

/** Imports every pipeline file named (a directory: its .ts, .mts and .js files) and registers their TypeScript steps. */
export async function loadStepRegistry(paths: string[]): Promise<StepRegistry> {
  const registry = new StepRegistry();
  for (const file of paths.flatMap(pipelineFiles)) {
    const raw = await readPipelineFile(file);
    const name = typeof raw.name === 'string' ? raw.name : undefined;
    if (!name || !Array.isArray(raw.steps)) continue;
    for (const s of raw.steps as StepSpecInput[]) {
      if (isPythonStep(s) || typeof s.run !== 'function') continue;
      registry.add({ pipeline: name, step: s.name, run: s.run, codeHash: stepCodeHash(s.run), file });
    }
  }
  return registry;
}

function pipelineFiles(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new Error(`BOSUN_PIPELINES: ${p} not found; name pipeline files or directories of them, comma-separated`);
  }
  if (!st.isDirectory()) return [p];
  return readdirSync(p)
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => path.join(p, f));
}
