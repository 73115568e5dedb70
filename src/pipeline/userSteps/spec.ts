/**
 * The `steps` section of a pipeline: code a team brings. A TypeScript step is a function in the pipeline file,
 * run by a pipeline worker that imports that file (BOSUN_PIPELINES); a Python step names a function importable
 * on a Python worker. Steps of kind transform run in order after ingest; a train step takes the place of the
 * built-in model. See docs/custom-steps.md.
 */
import { z } from 'zod';
import type { Table } from '../../data/table';

/** What a TypeScript step is called with besides the table. */
export interface StepCallContext {
  runId: string;
  pipeline: string;
  step: string;
  params: Record<string, unknown>;
  seed: number;
}

/** A TypeScript transform: the table in, a table out (add, drop or rewrite columns; filter rows). */
export type TransformFn = (table: Table, ctx: StepCallContext) => Table | Promise<Table>;

export interface TypeScriptStepInput {
  name: string;
  kind: 'transform';
  run?: TransformFn;
  /** Set by Bosun at submit (the stored spec has no functions): sha256 of `run`'s source text. */
  codeHash?: string;
  params?: Record<string, unknown>;
}

export interface PythonStepInput {
  name: string;
  kind: 'transform' | 'train';
  /** "package.module:function", importable on the Python worker. */
  python: string;
  params?: Record<string, unknown>;
  /** Bump when the Python code changes: Python steps are cached only when they declare a version. */
  version?: string;
}

export type StepSpecInput = TypeScriptStepInput | PythonStepInput;

/** Names a user step may not take: the built-in stages share the status list and the steps table. */
const RESERVED = new Set(['ingest', 'validate', 'features', 'train', 'evaluate', 'approve', 'deploy', 'monitor', 'plan_trials']);

const stepName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected lowercase letters, digits and dashes, starting with a letter (e.g. "add-ratios")')
  .refine((n) => !RESERVED.has(n), { message: `is the name of a built-in stage; pick another (reserved: ${[...RESERVED].join(', ')})` });
const params = z.record(z.string(), z.unknown()).optional();

const typescriptStep = z
  .strictObject({
    name: stepName,
    kind: z.literal('transform', { error: 'a TypeScript step is kind "transform" (training in TypeScript is the built-in `model`; train steps run on Python)' }),
    run: z.custom<TransformFn>((v) => typeof v === 'function', { message: 'expected the step function, e.g. run: async (table, ctx) => table' }).optional(),
    codeHash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 (Bosun sets it at submit)').optional(),
    params,
  })
  .refine((s) => s.run !== undefined || s.codeHash !== undefined, { message: 'a TypeScript step needs run: the function to call (or python: "module:function" for a Python step)', path: ['run'] });

const pythonStep = z.strictObject({
  name: stepName,
  kind: z.enum(['transform', 'train'], { error: 'expected kind "transform" (table in, table out) or "train" (table in, ONNX model out)' }),
  python: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/, 'expected "package.module:function", e.g. "mypkg.steps:fit_model"'),
  params,
  version: z.string().min(1).optional(),
});

export type TypeScriptStep = z.output<typeof typescriptStep>;
export type PythonStep = z.output<typeof pythonStep>;
export type StepSpec = TypeScriptStep | PythonStep;

export function isPythonStep(s: StepSpec | StepSpecInput): s is PythonStep {
  return 'python' in s;
}

/** One step: the Python form when it names `python`, else the TypeScript form (so errors speak of one form). */
const stepSchema = z.custom<StepSpecInput>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'expected a step object such as { name, kind, run } or { name, kind, python }' }).transform((v, ctx): StepSpec => {
  const r = ('python' in v ? pythonStep : typescriptStep).safeParse(v);
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.code === 'unrecognized_keys' ? `unknown field${(issue as { keys: string[] }).keys.length > 1 ? 's' : ''} ${(issue as { keys: string[] }).keys.map((k) => `"${k}"`).join(', ')}` : issue.message, path: issue.path as PropertyKey[] });
  return z.NEVER;
});

export const userStepsSchema = z.array(stepSchema).superRefine((steps, ctx) => {
  const seen = new Set<string>();
  steps.forEach((s, i) => {
    if (!s) return;
    if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${s.name}" names two steps; step names are unique within a pipeline` });
    seen.add(s.name);
  });
  const trains = steps.filter((s) => s?.kind === 'train');
  if (trains.length > 1) ctx.addIssue({ code: 'custom', path: [], message: `steps: at most one train step, found ${trains.length} (${trains.map((s) => s.name).join(', ')})` });
});
