/**
 * The pipeline spec's `model` section, one of three forms (the third, `{ candidates: [...] }`, selects among
 * several of the first; src/ml/selection.ts):
 *
 * ```ts
 * model: { algorithm: 'gbdt', params: { … } }              // Bosun fits it (src/ml/spec.ts)
 * model: { onnx: './models/credit.onnx',                    // a model trained elsewhere, registered as it is
 *          inputs?: ['age', 'income', …],                   // feature columns in the model's input order
 *          classes?: ['good', 'bad'],                       // target labels in the order of its probability columns
 *          output?: 'probabilities',                        // the output tensor to read
 *          framework?: 'sklearn.linear_model.LogisticRegression' }
 * ```
 *
 * How an ONNX model relates to features: it is fed Bosun's fitted feature columns, picked by name (the model's
 * input names, its `bosun.inputs` metadata, or `inputs`). A model trained elsewhere usually expects raw columns, so
 * it pairs with `features: { steps: [], passthrough: 'keep' }` (the numeric columns as they are), or with the steps
 * it was trained behind (an impute in front of a model that cannot take missing values, say). `features: auto` is
 * refused with an ONNX model: it would standardize columns under their own names, and the model would silently
 * read scaled values it was never trained on.
 *
 * `onnx` is a path relative to the pipeline file; at submit it is uploaded to the artifact store and rewritten to
 * `artifact:sha256:<hash>#file://<path>`, as a local data source is.
 */
import { z } from 'zod';
import { selectionSpecIssues, isSelectionInput, type SelectionSpec } from '../selection';
import { modelSpecSchema, type ModelSpec } from '../spec';

const names = (what: string) =>
  z
    .array(z.string().min(1, `${what} must not be empty`), { error: `expected a list of ${what}` })
    .min(1, `name at least one of the ${what}`)
    .refine((l) => new Set(l).size === l.length, { message: `a name is listed twice among the ${what}` });

export const onnxModelSpecSchema = z
  .strictObject({
    onnx: z.string({ error: 'expected the path of an .onnx file, relative to the pipeline file' }).min(1),
    inputs: names('feature columns').optional(),
    classes: names('class labels').optional(),
    output: z.string().min(1).optional(),
    framework: z.string().min(1).optional(),
  })
  .transform((m) => ({ ...m, algorithm: 'onnx' as const, search: undefined, params: undefined }));

export type OnnxModelSpec = z.output<typeof onnxModelSpecSchema>;

/** `model: { candidates, cv?, metric? }` (src/ml/selection.ts), tagged like the other forms so code can tell them apart. */
export const selectionModelSpecSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    for (const issue of selectionSpecIssues(value)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  })
  .transform((value) => ({ ...(value as SelectionSpec), algorithm: 'select' as const, search: undefined, params: undefined }));

export type SelectionModelSpec = z.output<typeof selectionModelSpecSchema>;
export type PipelineModelSpec = ModelSpec | OnnxModelSpec | SelectionModelSpec;

export function isOnnxSpec(model: PipelineModelSpec): model is OnnxModelSpec {
  return model.algorithm === 'onnx';
}

export function isSelectionSpec(model: PipelineModelSpec): model is SelectionModelSpec {
  return model.algorithm === 'select';
}

/** The metric that ranks a search's trials, if the spec names one (search.metric, or model.metric for a selection). */
export function searchMetricOf(model: unknown): string | undefined {
  const m = model as { search?: { metric?: unknown }; metric?: unknown; candidates?: unknown } | undefined;
  const metric = m?.candidates !== undefined ? m.metric : m?.search?.metric;
  return typeof metric === 'string' ? metric : undefined;
}

/** Where searchMetricOf found it, for error paths. */
export function searchMetricPath(model: unknown): string[] {
  return (model as { candidates?: unknown } | undefined)?.candidates !== undefined ? ['model', 'metric'] : ['model', 'search', 'metric'];
}

/**
 * Either form of the `model` section, with each form's own error messages (a union would only say "invalid input").
 * Problems are added in a refinement, not the transform, so they do not abort the pipeline's own cross-field checks.
 */
export const pipelineModelSchema = z
  .unknown()
  .superRefine((raw, ctx) => {
    const r = formOf(raw).safeParse(raw);
    if (r.success) return;
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: unknownKeysMessage(issue) ?? issue.message });
  })
  .transform((raw): PipelineModelSpec => formOf(raw).parse(raw));

function formOf(raw: unknown): typeof onnxModelSpecSchema | typeof modelSpecSchema | typeof selectionModelSpecSchema {
  if (isSelectionInput(raw)) return selectionModelSpecSchema;
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'onnx' in raw ? onnxModelSpecSchema : modelSpecSchema;
}

function unknownKeysMessage(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const keys = (issue as { keys: string[] }).keys;
  return `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}; an ONNX model takes onnx, inputs, classes, output and framework`;
}

/** The pipeline-level rule (see the module comment), as an issue for pipelineSpecSchema's superRefine. */
export function onnxFeaturesProblem(model: unknown, features: unknown): string | undefined {
  const isOnnx = (model as { algorithm?: unknown } | undefined)?.algorithm === 'onnx';
  if (!isOnnx || (features as { auto?: unknown } | undefined)?.auto !== true) return undefined;
  return (
    'an ONNX model reads the feature columns by name, and features: auto would scale and encode them under the same names; ' +
    "for a model trained on raw columns write features: { steps: [], passthrough: 'keep' }, or list the steps it was trained behind"
  );
}
